// The example Prometheus rules in config/prometheus/ are valid for promtool and only use
// metrics a real floorwatchd exports; the Grafana dashboard's recorded series are the rules'.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

std::string source_file(const std::string& relative) {
  std::stringstream text;
  text << std::ifstream(std::string(FLOORWATCH_SOURCE_DIR) + "/" + relative).rdbuf();
  return text.str();
}

// A histogram's series by their family's name (floorwatch_queue_wait_seconds_bucket -> ...).
std::string family_name(std::string name) {
  for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        name.rfind("floorwatch_queue_wait_seconds", 0) == 0)
      name.resize(name.size() - suffix.size());
  }
  return name;
}

// Every metric family a daemon with simulated traffic exports.
std::set<std::string> run_daemon_for_metric_names() {
  TempDir dir;
  RunningDaemon daemon(dir,
                       "queues:\n  sales: {}\n"
                       "alerts:\n  notifiers:\n    log: {type: log}\n"
                       "  escalation_policies:\n    default:\n"
                       "      - {name: floor-lead, after: 0s, notifiers: [log]}\n"
                       "  rules:\n    - {name: Waiting, expr: calls_waiting > 1000}\n");
  auto [sim_status, sim_output] =
      run_command({collector_binary(), "simulate", "--endpoint", daemon.ingest(), "--seed", "3",
                   "--speed", "0", "--start", "2026-11-24T08:00:00Z", "--duration", "1h"},
                  60s);
  REQUIRE(sim_status == 0);
  std::set<std::string> exported;
  for (const auto& sample : daemon.scrape()) exported.insert(family_name(sample.name));
  return exported;
}

// One simulated hour serves every test case of this file.
const std::set<std::string>& exported_metric_names() {
  static const std::set<std::string> names = run_daemon_for_metric_names();
  return names;
}

}  // namespace

TEST_CASE("example Prometheus rules pass promtool and query metrics that exist",
          "[integration][prometheus]") {
  const std::string rules =
      GENERATE(as<std::string>{}, "floorwatch-rules.yml", "floorwatch-recording-rules.yml");
  const std::string path = std::string(FLOORWATCH_SOURCE_DIR) + "/config/prometheus/" + rules;
  auto [status, output] = run_command({"/usr/bin/promtool", "check", "rules", path}, 30s);
  INFO(output);
  REQUIRE(status == 0);

  const std::set<std::string>& exported = exported_metric_names();
  const std::string content = source_file("config/prometheus/" + rules);
  // Metric names, not recording-rule names such as site:floorwatch_x:ratio.
  const std::regex metric(R"((^|[^:\w])(floorwatch_[a-z_]+)(?![:\w]))");
  std::size_t referenced = 0;
  for (std::sregex_iterator it(content.begin(), content.end(), metric), end; it != end; ++it) {
    const std::string name = (*it)[2].str();
    INFO(name);
    CHECK(exported.count(name) == 1);
    ++referenced;
  }
  CHECK(referenced > 5);
}

TEST_CASE("the Grafana dashboard's site, queue and enterprise queries use recorded series",
          "[integration][prometheus][grafana]") {
  const auto dashboard = nlohmann::json::parse(source_file("config/grafana/floorwatch.json"));
  std::vector<std::string> queries;
  for (const auto& panel : dashboard["panels"])
    for (const auto& target : panel.value("targets", nlohmann::json::array()))
      queries.push_back(target["expr"].get<std::string>());
  std::set<std::string> variables;
  for (const auto& variable : dashboard["templating"]["list"])
    variables.insert(variable["name"].get<std::string>());
  CHECK(variables.count("site") == 1);
  CHECK(variables.count("queue") == 1);

  std::set<std::string> recorded;
  const std::string recording = source_file("config/prometheus/floorwatch-recording-rules.yml");
  const std::regex record(R"(record:\s*(\S+))");
  for (std::sregex_iterator it(recording.begin(), recording.end(), record), end; it != end; ++it)
    recorded.insert((*it)[1].str());

  // Names with a colon are recorded series; plain metric names are checked against a real
  // scrape in simulator_test.cpp.
  const std::regex name(R"([a-z_]*:floorwatch_[a-z0-9_:]*)");
  std::size_t enterprise = 0;
  for (const std::string& query : queries) {
    for (std::sregex_iterator it(query.begin(), query.end(), name), end; it != end; ++it) {
      INFO(query << "\n  names " << it->str());
      CHECK(recorded.count(it->str()) == 1);
      ++enterprise;
    }
  }
  CHECK(enterprise >= 8);
}
