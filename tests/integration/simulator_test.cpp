// The demo path: the built-in simulator streams a working day into a real daemon; the figures
// are self-consistent, the scrape is valid for Prometheus, and the Grafana dashboard only
// queries metrics that really exist.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

std::string run_simulated_morning(RunningDaemon& daemon, int seed) {
  auto [status, output] = run_command(
      {collector_binary(), "simulate", "--endpoint", daemon.ingest(), "--seed",
       std::to_string(seed), "--speed", "0", "--start", "2026-11-24T07:00:00Z", "--duration", "3h"},
      120s);
  INFO(output);
  REQUIRE(status == 0);
  return daemon.scrape_text();
}

std::set<std::string> queues_in(const std::vector<Sample>& samples) {
  std::set<std::string> queues;
  for (const auto& s : samples)
    if (s.name == "floorwatch_queue_info") queues.insert(s.labels.at("queue"));
  return queues;
}

}  // namespace

TEST_CASE("a simulated morning gives consistent figures and a valid scrape", "[integration]") {
  TempDir dir;
  RunningDaemon daemon(dir, "timezone: Europe/Stockholm\n");
  const std::string text = run_simulated_morning(daemon, 42);
  const auto samples = parse_exposition(text);

  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "unknown_call"}}) ==
        0);
  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "out_of_order"}}) ==
        0);
  const auto queues = queues_in(samples);
  REQUIRE(queues.size() >= 2);
  double total_answered = 0, total_abandoned = 0;
  for (const auto& queue : queues) {
    INFO("queue " << queue);
    const double offered =
        *find_sample(samples, "floorwatch_queue_offered_total", {{"queue", queue}});
    const double answered =
        *find_sample(samples, "floorwatch_queue_answered_total", {{"queue", queue}});
    const double abandoned =
        *find_sample(samples, "floorwatch_queue_abandoned_total", {{"queue", queue}});
    const double waiting =
        *find_sample(samples, "floorwatch_queue_calls_waiting", {{"queue", queue}});
    double exited = 0;
    for (const char* reason : {"timeout", "no_agents", "key", "transfer"})
      exited += find_sample(samples, "floorwatch_queue_exited_total",
                            {{"queue", queue}, {"reason", reason}})
                    .value_or(0);
    // Every call that entered has either left the queue or is still waiting.
    CHECK(offered == answered + abandoned + exited + waiting);
    CHECK(*find_sample(samples, "floorwatch_queue_answered_within_target_total",
                       {{"queue", queue}}) <= answered);
    CHECK(*find_sample(samples, "floorwatch_queue_wait_seconds_count", {{"queue", queue}}) ==
          answered);
    total_answered += answered;
    total_abandoned += abandoned;
  }
  // A realistic morning has both answered and abandoned calls.
  CHECK(total_answered > 100);
  CHECK(total_abandoned > 0);

  auto [promtool_status, promtool_output] = promtool_check(dir, text);
  INFO(promtool_output);
  CHECK(promtool_status == 0);
}

TEST_CASE("the same seed replays to identical figures", "[integration]") {
  TempDir dir_a, dir_b;
  RunningDaemon daemon_a(dir_a, "timezone: UTC\n");
  RunningDaemon daemon_b(dir_b, "timezone: UTC\n");
  const auto a = parse_exposition(run_simulated_morning(daemon_a, 7));
  const auto b = parse_exposition(run_simulated_morning(daemon_b, 7));
  int compared = 0;
  for (const auto& sample : a) {
    if (sample.name.rfind("floorwatch_queue_", 0) != 0) continue;
    INFO(sample.name);
    auto other = find_sample(b, sample.name, sample.labels);
    REQUIRE(other);
    CHECK(*other == Approx(sample.value));
    ++compared;
  }
  CHECK(compared > 100);
}

TEST_CASE("every metric the Grafana dashboard queries exists in a real scrape", "[integration]") {
  TempDir dir;
  RunningDaemon daemon(dir, "timezone: UTC\n");
  const auto samples = parse_exposition(run_simulated_morning(daemon, 3));
  std::set<std::string> scraped;
  for (const auto& s : samples) scraped.insert(s.name);

  std::ifstream file(std::string(FLOORWATCH_SOURCE_DIR) + "/config/grafana/floorwatch.json");
  const std::string dashboard((std::istreambuf_iterator<char>(file)), {});
  REQUIRE(dashboard.size() > 1000);
  // Metric names; recorded series such as site:floorwatch_x:sum are checked against the
  // recording rules (prometheus_rules_test.cpp).
  const std::regex metric_name(R"((^|[^:\w])(floorwatch_[a-z_]+)(?![:\w]))");
  int checked = 0;
  for (auto it = std::sregex_iterator(dashboard.begin(), dashboard.end(), metric_name);
       it != std::sregex_iterator(); ++it) {
    const std::string name = (*it)[2].str();
    if (name.rfind("floorwatch_overview", 0) == 0) continue;  // the dashboard uid
    INFO("dashboard queries " << name);
    CHECK(scraped.count(name) == 1);
    ++checked;
  }
  CHECK(checked >= 15);
}
