// The example Prometheus rules in config/prometheus/ are valid for promtool and only use
// metrics a real floorwatchd exports.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

TEST_CASE("example Prometheus rules pass promtool and query metrics that exist",
          "[integration][prometheus]") {
  const std::string rules = GENERATE(as<std::string>{}, "floorwatch-rules.yml",
                                     "floorwatch-recording-rules.yml");
  const std::string path = std::string(FLOORWATCH_SOURCE_DIR) + "/config/prometheus/" + rules;
  auto [status, output] = run_command({"/usr/bin/promtool", "check", "rules", path}, 30s);
  INFO(output);
  REQUIRE(status == 0);

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
  for (const auto& sample : daemon.scrape()) {
    std::string name = sample.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0 &&
          name.rfind("floorwatch_queue_wait_seconds", 0) == 0)
        name = name.substr(0, name.size() - s.size());
    }
    exported.insert(name);
  }

  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  const std::string content = text.str();
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
