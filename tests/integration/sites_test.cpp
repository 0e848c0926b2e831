// Many sites end to end: an HA pair in Stockholm and a daemon in New York, each site scraped
// by its own Prometheus, a central Prometheus federating both and running
// config/prometheus/floorwatch-recording-rules.yml, queried over its HTTP API like Grafana.
// The figures are derived by hand from the events below.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "integration/floor_fixture.h"
#include "support/prometheus_server.h"
#include "support/wait.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// 2026-12-06T22:30:00Z in epoch ms. Stockholm (UTC+1) starts 7 December at 23:00Z; for New
// York (UTC-5) all of this is the afternoon of 6 December.
constexpr long kEarly = 1796596200000;
constexpr long kLate = kEarly + 3600 * 1000L;  // 23:30Z: 00:30 in Stockholm, 18:30 in New York

/// One call: enqueued at `at` + `enqueue_s`, then `outcome` ("answered", "abandoned",
/// "exited", or "" = still waiting) `wait_s` seconds later.
struct Call {
  std::string queue;
  long at;
  int enqueue_s;
  std::string outcome;
  int wait_s;
};

std::string event_lines(const std::string& agent, const std::vector<std::string>& queues,
                        const std::vector<Call>& calls) {
  std::ostringstream s;
  std::string members;
  for (const auto& q : queues) members += (members.empty() ? "\"" : ",\"") + q + "\"";
  s << R"({"ts":)" << kEarly - 60000 << R"(,"type":"agent_state","agent":")" << agent
    << R"(","state":"available","queues":[)" << members << "]}\n";
  // Events must reach the daemon in time order: enqueues and outcomes sorted together.
  std::vector<std::pair<long, std::string>> events;
  int n = 0;
  for (const Call& call : calls) {
    const std::string id = call.queue + "-" + std::to_string(++n);
    const long enqueued = call.at + call.enqueue_s * 1000L;
    const long left = enqueued + call.wait_s * 1000L;
    events.emplace_back(enqueued, R"("type":"call_enqueued","call":")" + id + R"(","queue":")" +
                                      call.queue + R"(","caller":"+100)" + std::to_string(n) +
                                      "\"");
    if (call.outcome == "answered")
      events.emplace_back(
          left, R"("type":"call_answered","call":")" + id + R"(","agent":")" + agent + "\"");
    else if (call.outcome == "abandoned")
      events.emplace_back(left, R"("type":"call_abandoned","call":")" + id + "\"");
    else if (call.outcome == "exited")
      events.emplace_back(left,
                          R"("type":"call_exited","call":")" + id + R"(","reason":"timeout")");
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [ts, body] : events) s << R"({"ts":)" << ts << "," << body << "}\n";
  return s.str();
}

// Stockholm, T = 20 s, S = 5 s. sales: short_abandons_excluded, billing: answered_only.
//   22:30Z (6 December there): 4 sales calls answered within target: not today at the end.
//   23:30Z (7 December): sales A=2 (A_in=1), Ab=2 (Ab_short=1), X=1 -> 1 / (2+2+1-1) = 1/4;
//                        billing A=3 (A_in=2), Ab=1         -> 2 / 3;
//                        one sales call still waiting.
//   Site today: (1 + 2) / (4 + 3) = 3/7; offered today 6 + 4 = 10.
const char* kStockholmConfig =
    "timezone: Europe/Stockholm\n"
    "defaults: {answer_target_seconds: 20, short_abandon_seconds: 5}\n"
    "queues:\n"
    "  sales: {service_level_formula: short_abandons_excluded}\n"
    "  billing: {service_level_formula: answered_only}\n";
const std::vector<Call> kStockholmCalls = {
    {"sales", kEarly, 0, "answered", 5},   {"sales", kEarly, 1, "answered", 5},
    {"sales", kEarly, 2, "answered", 5},   {"sales", kEarly, 3, "answered", 5},
    {"sales", kLate, 0, "answered", 10},   {"sales", kLate, 1, "answered", 30},
    {"sales", kLate, 2, "abandoned", 2},   {"sales", kLate, 3, "abandoned", 10},
    {"sales", kLate, 4, "exited", 60},     {"sales", kLate, 600, "", 0},
    {"billing", kLate, 0, "answered", 5},  {"billing", kLate, 1, "answered", 15},
    {"billing", kLate, 2, "answered", 25}, {"billing", kLate, 3, "abandoned", 3},
};

// New York, support: abandons_negative, T = 30 s. All on 6 December local:
//   A=3 (A_in=2), Ab=1, X=1 -> 2 / (3+1+1) = 2/5; offered today 5.
const char* kNewYorkConfig =
    "timezone: America/New_York\n"
    "queues:\n"
    "  support: {answer_target_seconds: 30, service_level_formula: abandons_negative}\n";
const std::vector<Call> kNewYorkCalls = {
    {"support", kEarly, 0, "answered", 10}, {"support", kEarly, 1, "answered", 40},
    {"support", kLate, 0, "answered", 20},  {"support", kLate, 1, "abandoned", 50},
    {"support", kLate, 2, "exited", 0},
};

std::string site_prometheus_config(const std::vector<const RunningDaemon*>& daemons) {
  std::string targets;
  for (const auto* daemon : daemons)
    targets += (targets.empty() ? "" : ", ") + std::string("'127.0.0.1:") +
               std::to_string(daemon->metrics_port()) + "'";
  return "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
         "scrape_configs:\n"
         "  - job_name: floorwatch\n"
         "    static_configs: [{targets: [" +
         targets + "]}]\n";
}

// The recommended layout (docs/deployment.md): the central Prometheus federates every site's
// floorwatch series, labels as the site saw them (honor_labels), stamped when it federates
// them (so a lost site goes stale at once), and runs the rules.
std::string central_prometheus_config(const std::vector<const RunningPrometheus*>& sites) {
  std::string config =
      "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
      "rule_files: ['" +
      std::string(FLOORWATCH_SOURCE_DIR) +
      "/config/prometheus/floorwatch-recording-rules.yml']\n"
      "scrape_configs:\n"
      "  - job_name: federate\n"
      "    honor_labels: true\n"
      "    honor_timestamps: false\n"
      "    metrics_path: /federate\n"
      "    params: {'match[]': ['{__name__=~\"floorwatch_.*\"}']}\n"
      "    static_configs: [{targets: [";
  for (std::size_t i = 0; i < sites.size(); ++i)
    config += (i ? ", '" : "'") + sites[i]->address() + "'";
  return config + "]}]\n";
}

}  // namespace

TEST_CASE("a central Prometheus gives per-site and enterprise figures from two time zones",
          "[integration][sites][prometheus]") {
  TempDir sto_a_dir, sto_b_dir, nyc_dir, prometheus_dir;
  RunningDaemon sto_a(sto_a_dir, DaemonIdentity{"stockholm", "sto-a"}, kStockholmConfig);
  RunningDaemon sto_b(sto_b_dir, DaemonIdentity{"stockholm", "sto-b"}, kStockholmConfig);
  RunningDaemon nyc(nyc_dir, DaemonIdentity{"new_york", "nyc-a"}, kNewYorkConfig);

  // The HA pair gets the same events, as the collector's fan-out gives them.
  const auto stockholm_events = prometheus_dir.write(
      "stockholm.jsonl", event_lines("sto-agent", {"sales", "billing"}, kStockholmCalls));
  const auto new_york_events =
      prometheus_dir.write("new_york.jsonl", event_lines("nyc-agent", {"support"}, kNewYorkCalls));
  const std::vector<std::pair<const RunningDaemon*, std::string>> feeds = {
      {&sto_a, stockholm_events}, {&sto_b, stockholm_events}, {&nyc, new_york_events}};
  for (const auto& [daemon, file] : feeds) {
    auto [status, output] = send_jsonl(daemon->ingest(), file, 20s);
    INFO(output);
    REQUIRE(status == 0);
  }
  // Each daemon's own view first, so a mismatch below is the rules' and not the daemon's.
  const std::map<std::string, std::string> sales_today{{"queue", "sales"}, {"window", "today"}};
  REQUIRE(sto_a.metric("floorwatch_queue_service_level_numerator", sales_today) == 1);
  REQUIRE(sto_b.metric("floorwatch_queue_service_level_denominator", sales_today) == 4);
  REQUIRE(nyc.metric("floorwatch_queue_service_level_denominator",
                     {{"queue", "support"}, {"window", "today"}}) == 5);

  RunningPrometheus stockholm_prometheus(prometheus_dir, "stockholm",
                                         site_prometheus_config({&sto_a, &sto_b}), closed_port());
  RunningPrometheus new_york_prometheus(prometheus_dir, "new_york", site_prometheus_config({&nyc}),
                                        closed_port());
  RunningPrometheus central(
      prometheus_dir, "central",
      central_prometheus_config({&stockholm_prometheus, &new_york_prometheus}), closed_port());

  // Scrape, federation and rule evaluation each take up to a second.
  const auto settled = [&](const std::string& promql, double expected) {
    std::optional<double> got;
    wait_until(
        [&] {
          got = central.value(promql);
          return got && *got == Approx(expected);
        },
        20s, 200ms);
    INFO(promql);
    REQUIRE(got.has_value());
    CHECK(*got == Approx(expected));
  };

  // Both sites are in, the HA pair once: 2 sites, 3 daemons.
  settled(":floorwatch_sites_reporting:count", 2);
  settled("count(floorwatch_build_info)", 3);

  // Stockholm's today is its 7 December: the 22:30Z calls are yesterday there.
  settled(R"(site:floorwatch_queue_service_level_numerator:sum{site="stockholm",window="today"})",
          3);
  settled(R"(site:floorwatch_queue_service_level_denominator:sum{site="stockholm",window="today"})",
          7);
  settled(R"(site:floorwatch_queue_service_level:ratio{site="stockholm",window="today"})",
          3.0 / 7.0);
  settled(R"(site:floorwatch_queue_offered:sum{site="stockholm",window="today"})", 10);
  // New York's today is its 6 December: both blocks.
  settled(R"(site:floorwatch_queue_service_level:ratio{site="new_york",window="today"})",
          2.0 / 5.0);
  // Enterprise: numerators and denominators added, then divided: (3 + 2) / (7 + 5).
  settled(R"(:floorwatch_queue_service_level:ratio{window="today"})", 5.0 / 12.0);
  settled(R"(:floorwatch_queue_offered:sum{window="today"})", 15);
  settled(":floorwatch_queue_calls_waiting:sum", 1);
  // One queue's copy per site: billing 2 / 3 from either daemon of the pair.
  settled(
      R"(site_queue:floorwatch_queue_service_level_numerator:max{site="stockholm",queue="billing",window="today"})",
      2);

  // Every query of the Grafana dashboard is valid PromQL for this Prometheus, with the
  // dashboard's variables as Grafana would fill them in.
  std::ifstream dashboard_file(std::string(FLOORWATCH_SOURCE_DIR) +
                               "/config/grafana/floorwatch.json");
  const auto dashboard = nlohmann::json::parse(dashboard_file);
  std::size_t enterprise_with_data = 0;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel.value("targets", nlohmann::json::array())) {
      std::string expr = target["expr"].get<std::string>();
      for (const auto& [variable, value] :
           std::vector<std::pair<std::string, std::string>>{{"$__rate_interval", "1m"},
                                                            {"$site", ".*"},
                                                            {"$queue", ".*"},
                                                            {"$window", "today"}}) {
        for (auto at = expr.find(variable); at != std::string::npos; at = expr.find(variable))
          expr.replace(at, variable.size(), value);
      }
      INFO(expr);
      nlohmann::json result;
      REQUIRE_NOTHROW(result = central.query(expr));
      if (expr.find(":floorwatch_") != std::string::npos && !result.empty()) ++enterprise_with_data;
    }
  }
  // The windowed and live enterprise panels have data already (the rates need 5 minutes).
  CHECK(enterprise_with_data >= 6);

  // New York's Prometheus goes down: the central federation scrape fails, Prometheus marks
  // New York's series stale at once, and the enterprise is Stockholm alone, saying so.
  new_york_prometheus.process().signal(SIGTERM);
  REQUIRE(new_york_prometheus.process().wait_exit(10s).has_value());
  settled(":floorwatch_sites_reporting:count", 1);
  settled(R"(:floorwatch_queue_service_level:ratio{window="today"})", 3.0 / 7.0);
  settled(R"(up{job="federate"} == 0)", 0);
}
