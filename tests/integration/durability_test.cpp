// Crash recovery with real processes: the daemon is killed (SIGKILL) or stopped (SIGTERM) while
// the simulator streams, restarted on the same state file, and must end up with exactly the
// figures of a run that was never interrupted: nothing acknowledged is lost, nothing doubled.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <csignal>

#include <map>
#include <thread>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const char* kQueues = "queues:\n  sales: {}\n  support: {}\n  billing: {}\n";

std::vector<std::string> simulator(const std::string& endpoint, const std::string& speed) {
  // Eight simulated hours; at --speed 3600 that is eight real seconds.
  return {collector_binary(), "simulate",
          "--endpoint",       endpoint,
          "--seed",           "42",
          "--speed",          speed,
          "--start",          "2026-11-24T07:00:00Z",
          "--duration",       "8h",
          "--agents",         "60",
          "--source-id",      "sim"};
}

double events_received(const RunningDaemon& daemon) {
  return daemon.metric("floorwatch_events_received_total");
}

}  // namespace

TEST_CASE("a daemon killed mid-stream recovers to exactly the uninterrupted figures",
          "[integration][durability]") {
  // The reference: the same seeded day into a daemon that is never interrupted.
  TempDir reference_dir;
  RunningDaemon reference(reference_dir, kQueues);
  auto [reference_status, reference_output] = run_command(simulator(reference.ingest(), "0"), 60s);
  INFO(reference_output);
  REQUIRE(reference_status == 0);
  const auto expected = queue_figures(reference.scrape());
  REQUIRE(expected.size() > 100);

  const int how = GENERATE(SIGKILL, SIGTERM);
  CAPTURE(how);
  TempDir dir;
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(closed_port());
  const std::string state = std::string(kQueues) + "state:\n  path: " + dir.file("state.db") +
                            "\n  snapshot_interval_seconds: 1\n";
  auto first = std::make_unique<RunningDaemon>(dir, state, "event", endpoint);
  ChildProcess collector(simulator(endpoint, "3600"));
  // Let a few simulated hours (and at least one snapshot) go by, then pull the plug.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (events_received(*first) < 5000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(1500ms);
  const double before_crash = events_received(*first);
  REQUIRE(before_crash > 5000);
  first->process().signal(how);
  REQUIRE(first->process().wait_exit(10s));
  first.reset();
  std::this_thread::sleep_for(1s);  // the collector keeps reading and buffering meanwhile

  RunningDaemon second(dir, state, "event", endpoint);
  INFO(second.process().output());
  const auto collector_status = collector.wait_exit(60s);
  INFO(collector.output());
  REQUIRE(collector_status == 0);  // it exits only when every event is acknowledged
  CHECK_THAT(second.process().output(), Catch::Contains("recovered state from"));

  const auto actual = queue_figures(second.scrape());
  CHECK(actual.size() == expected.size());
  std::size_t differences = 0;
  for (const auto& [series, value] : expected) {
    auto it = actual.find(series);
    if (it == actual.end() || it->second != Approx(value).margin(1e-9)) {
      ++differences;
      if (differences <= 10) {
        UNSCOPED_INFO(
            series << " expected " << value << " got "
                   << (it == actual.end() ? std::string("(missing)") : std::to_string(it->second)));
      }
    }
  }
  CHECK(differences == 0);
}
