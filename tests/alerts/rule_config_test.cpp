// Parsing the `alerts:` section: the expression language, durations, and errors that name the
// file, line and key so an operator can fix them.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "alerts/rule_config.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace std::chrono_literals;

namespace {

// The error message for `yaml`, or "" when it parses.
std::string error_of(const std::string& yaml) {
  try {
    parse_alerts_config_text(yaml, "floorwatch.yaml");
  } catch (const AlertConfigError& error) {
    return error.what();
  }
  return "";
}

const std::string kBase = R"(
notifiers:
  log: {type: log}
  am: {type: alertmanager, url: "http://127.0.0.1:9093"}
escalation_policies:
  standard:
    - {name: floor-lead, notifiers: [log, am], repeat: 5m}
    - {name: supervisor, after: 3m, notifiers: [am]}
)";

}  // namespace

TEST_CASE("a full alerts section parses into rules, policies and notifiers", "[alerts][config]") {
  const AlertsConfig config = parse_alerts_config_text(kBase + R"(
notification_queue_capacity: 50
rules:
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
    clear: 60
    severity: critical
    for: 0s
    cooldown: 2m
    queues: [sales, support]
    active_hours: {days: [mon, tue, wed, thu, fri], start: "08:00", end: "18:00"}
    escalation: standard
    summary: "{queue}: caller waiting {value} s"
  - name: ServiceLevelLow
    expr: service_level_ratio{window=interval} < 0.8 and calls_waiting >= 1
    min_calls: 20
    for: 90s
  - name: CollectorSilent
    expr: source_silent_seconds{source="pbx-1"} > 60
)",
                                                       "floorwatch.yaml");
  REQUIRE(config.rules.size() == 3);
  const Rule& oldest = config.rules[0];
  CHECK(oldest.terms.size() == 1);
  CHECK(oldest.terms[0].selector.metric == Metric::OldestWaitSeconds);
  CHECK(oldest.terms[0].comparison == Comparison::Greater);
  CHECK(oldest.terms[0].threshold == 90);
  CHECK(oldest.clear_threshold == 60);
  CHECK(oldest.severity == Severity::Critical);
  CHECK(oldest.cooldown == 2min);
  CHECK(oldest.queues == std::vector<std::string>{"sales", "support"});
  REQUIRE(oldest.active_hours);
  CHECK(oldest.active_hours->start_minutes == 8 * 60);
  CHECK(oldest.active_hours->end_minutes == 18 * 60);
  CHECK_FALSE(oldest.active_hours->days[0]);  // Sunday
  CHECK(oldest.active_hours->days[1]);
  CHECK(oldest.escalation == "standard");

  const Rule& service_level = config.rules[1];
  REQUIRE(service_level.terms.size() == 2);
  CHECK(service_level.terms[0].selector.window == core::WindowKind::Interval);
  CHECK(service_level.terms[1].comparison == Comparison::GreaterOrEqual);
  CHECK(service_level.min_calls == 20);
  CHECK(service_level.for_duration == 90s);
  CHECK(service_level.severity == Severity::Warning);

  CHECK(config.rules[2].on_sources());
  CHECK(config.rules[2].source_filter() == "pbx-1");

  REQUIRE(config.policies.size() == 1);
  CHECK(config.policies[0].tiers[1].after == 3min);
  CHECK(config.policies[0].tiers[0].repeat == 5min);
  REQUIRE(config.notifiers.size() == 2);
  CHECK(config.notifiers[1].type == NotifierType::Alertmanager);
  CHECK(config.notification_queue_capacity == 50);
  CHECK(validate(config).empty());
}

TEST_CASE("expressions cover every metric, label and operator", "[alerts][config]") {
  const auto [text, described] = GENERATE(table<std::string, std::string>({
      {"oldest_wait_seconds > 90", "oldest_wait_seconds > 90"},
      {"calls_waiting>=10", "calls_waiting >= 10"},
      {"service_level_ratio{window=15m} < 0.8", "service_level_ratio{window=15m} < 0.8"},
      {"abandon_ratio{window=60m} > 0.1", "abandon_ratio{window=60m} > 0.1"},
      {"asa_seconds{window=today} <= 30", "asa_seconds{window=today} <= 30"},
      {"agents{state=paused} > 3", "agents{state=paused} > 3"},
      {"agents == 0", "agents{state=staffed} == 0"},
      {"predicted_service_level_ratio < 0.75", "predicted_service_level_ratio < 0.75"},
      {"breach_within_seconds < 30", "breach_within_seconds < 30"},
      {"source_silent_seconds{source=ami-1} > 60", "source_silent_seconds{source=ami-1} > 60"},
      {"service_level_ratio < 0.8", "service_level_ratio{window=interval} < 0.8"},
  }));
  const auto terms = parse_expression(text);
  REQUIRE(terms.size() == 1);
  CHECK(describe(terms.front()) == described);
}

TEST_CASE("configuration errors name the file, line and key", "[alerts][config]") {
  const auto [yaml, expected] = GENERATE(table<std::string, std::string>({
      {"rules:\n  - name: A\n    expr: queue_depth > 3\n",
       "floorwatch.yaml:3: alerts.rules[0].expr: column 1: unknown metric \"queue_depth\""},
      {"rules:\n  - name: A\n    expr: calls_waiting >> 3\n",
       "floorwatch.yaml:3: alerts.rules[0].expr: column 16: expected a number"},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3 or calls_waiting < 1\n",
       "floorwatch.yaml:3: alerts.rules[0].expr: column 19: expected `and`"},
      {"rules:\n  - name: A\n    expr: agents{window=15m} > 3\n",
       "floorwatch.yaml:3: alerts.rules[0].expr: column 8: label \"window\" does not apply"},
      {"rules:\n  - name: A\n    expr: service_level_ratio{window=2h} < 0.8\n",
       "floorwatch.yaml:3: alerts.rules[0].expr: column 28: unknown window \"2h\""},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n    severity: page\n",
       "floorwatch.yaml:4: alerts.rules[0].severity: unknown severity \"page\""},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n    clear: 5\n",
       "floorwatch.yaml:4: alerts.rules[0].clear: must not be above the fire threshold"},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n    for: soon\n",
       "floorwatch.yaml:4: alerts.rules[0].for: expected a duration such as 90s"},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n    min_calls: 10\n",
       "floorwatch.yaml:4: alerts.rules[0].min_calls: only applies to window figures"},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n    escalation: nightly\n",
       "floorwatch.yaml:4: alerts.rules[0].escalation: unknown escalation policy \"nightly\""},
      {"rules:\n  - name: A\n    expr: source_silent_seconds > 60\n    queues: [sales]\n",
       "floorwatch.yaml:4: alerts.rules[0].queues: does not apply to source rules"},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n    active_hours: {start: \"8\", end: "
       "\"18:00\"}\n",
       "floorwatch.yaml:4: alerts.rules[0].active_hours.start: expected local time \"HH:MM\""},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n    threshold: 4\n",
       "floorwatch.yaml:4: alerts.rules[0].threshold: unknown key (allowed: active_hours,"},
      {"rules:\n  - name: A\n    expr: calls_waiting > 3\n  - name: A\n    expr: calls_waiting > "
       "4\n",
       "floorwatch.yaml:4: alerts.rules[1].name: duplicate rule name \"A\""},
      {"rules:\n  - expr: calls_waiting > 3\n",
       "floorwatch.yaml:2: alerts.rules[0].name: is required"},
      {"notifiers:\n  slack: {type: webhook, url: \"https://hooks.example.com/x\"}\n",
       "floorwatch.yaml:2: alerts.notifiers.slack.url: expected an http:// URL"},
      {"notifiers:\n  slack: {type: email}\n",
       "floorwatch.yaml:2: alerts.notifiers.slack.type: unknown notifier type \"email\""},
      {"notifiers:\n  log: {type: log}\nescalation_policies:\n  p:\n    - {name: a, notifiers: "
       "[pager]}\n",
       "floorwatch.yaml:5: alerts.escalation_policies.p[0].notifiers: unknown notifier \"pager\""},
      {"notifiers:\n  log: {type: log}\nescalation_policies:\n  p:\n    - {name: a, after: 5m, "
       "notifiers: [log]}\n    - {name: b, after: 1m, notifiers: [log]}\n",
       "floorwatch.yaml:6: alerts.escalation_policies.p[1].after: tiers must be in order"},
  }));
  CAPTURE(yaml);
  const std::string message = error_of(yaml);
  CHECK(message.starts_with(expected));
}

TEST_CASE("durations and local times as people write them", "[alerts][config]") {
  CHECK(parse_duration("90") == 90s);
  CHECK(parse_duration("90s") == 90s);
  CHECK(parse_duration("3m") == 3min);
  CHECK(parse_duration("1.5h") == 90min);
  CHECK(parse_duration("250ms") == 250ms);
  CHECK_FALSE(parse_duration("-5s"));
  CHECK_FALSE(parse_duration("5 minutes"));
  CHECK_FALSE(parse_duration(""));
  CHECK(parse_duration("8760h") == 8760h);  // a year is the longest duration a rule takes
  CHECK_FALSE(parse_duration("1e30s"));     // would overflow time arithmetic
  CHECK(parse_local_time("08:30") == 510);
  CHECK_FALSE(parse_local_time("24:00"));
  CHECK_FALSE(parse_local_time("8:30"));
}

TEST_CASE("a config built in code is checked too", "[alerts][config]") {
  AlertsConfig config;
  Rule rule;
  rule.name = "A";
  rule.expression = "calls_waiting > 3";
  rule.terms = parse_expression(rule.expression);
  rule.escalation = "missing";
  config.rules.push_back(rule);
  CHECK(validate(config).find("unknown escalation policy") != std::string::npos);
}

TEST_CASE("the example in docs/alerts.md is a valid config", "[alerts][config][docs]") {
  std::ifstream file(std::string(FLOORWATCH_SOURCE_DIR) + "/docs/alerts.md");
  std::stringstream text;
  text << file.rdbuf();
  const std::string markdown = text.str();
  const std::size_t start = markdown.find("```yaml\n");
  REQUIRE(start != std::string::npos);
  const std::size_t end = markdown.find("```", start + 8);
  const YAML::Node root = YAML::Load(markdown.substr(start + 8, end - start - 8));
  const AlertsConfig config = parse_alerts_config(root["alerts"], "docs/alerts.md");
  CHECK(config.rules.size() == 6);
  CHECK(config.policies.front().tiers.size() == 3);
  CHECK(config.notifiers.size() == 3);
}
