// Delivery guarantees seen from outside: events a collector read while the daemon was down
// arrive once it is up, none lost and none doubled.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <sstream>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// `count` calls on queue "support", each enqueued and answered a second apart.
std::string calls(int count) {
  std::ostringstream s;
  const long t0 = 1795510800000;
  s << R"({"ts":)" << t0
    << R"(,"type":"agent_state","agent":"a","state":"available","queues":["support"]})"
    << "\n";
  for (int i = 0; i < count; ++i) {
    s << R"({"ts":)" << t0 + i * 1000L << R"(,"type":"call_enqueued","call":"c)" << i
      << R"(","queue":"support"})"
      << "\n";
    s << R"({"ts":)" << t0 + i * 1000L + 500 << R"(,"type":"call_abandoned","call":"c)" << i
      << "\"}\n";
  }
  return s.str();
}

}  // namespace

TEST_CASE("events read while the daemon is down are delivered exactly once when it starts",
          "[integration]") {
  TempDir dir;
  const int port = closed_port();
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  const int call_count = 5000;
  const auto file = dir.write("calls.jsonl", calls(call_count));

  // The collector starts first and has nobody to talk to.
  ChildProcess collector({collector_binary(), "jsonl", "--endpoint", endpoint, "--file", file,
                          "--source-id", "late-daemon"});
  REQUIRE_FALSE(collector.wait_exit(1500ms));  // still holding its unacknowledged events

  RunningDaemon daemon(dir, "queues:\n  support: {}\n", "event", endpoint);
  auto status = collector.wait_exit(60s);
  INFO(collector.output());
  REQUIRE(status == 0);

  const auto samples = daemon.scrape();
  CHECK(find_sample(samples, "floorwatch_queue_offered_total", {{"queue", "support"}}) ==
        call_count);
  CHECK(find_sample(samples, "floorwatch_queue_abandoned_total", {{"queue", "support"}}) ==
        call_count);
  CHECK(find_sample(samples, "floorwatch_events_received_total", {{"source", "late-daemon"}}) ==
        2 * call_count + 1);
  // Nothing was applied twice: a doubled enqueue would count as duplicate_call.
  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "duplicate_call"}}) ==
        0);
  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "unknown_call"}}) ==
        0);
}

TEST_CASE("two daemons on the same event stream report the same figures (HA pair)",
          "[integration]") {
  TempDir dir_a, dir_b;
  RunningDaemon daemon_a(dir_a, "queues:\n  support: {}\n");
  RunningDaemon daemon_b(dir_b, "queues:\n  support: {}\n");
  const auto file = dir_a.write("calls.jsonl", calls(300));
  auto [status, output] =
      run_command({collector_binary(), "jsonl", "--endpoint", daemon_a.ingest(), "--endpoint",
                   daemon_b.ingest(), "--file", file, "--source-id", "ha"},
                  60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto a = daemon_a.scrape();
  const auto b = daemon_b.scrape();
  for (const char* metric :
       {"floorwatch_queue_offered_total", "floorwatch_queue_abandoned_total"}) {
    CHECK(find_sample(a, metric, {{"queue", "support"}}) == 300);
    CHECK(find_sample(b, metric, {{"queue", "support"}}) == 300);
  }
}
