// An HA pair seen from the floor: one collector feeds fw-a and fw-b; a board and floorwatchctl
// are given both daemons. kill -9 of the daemon the board follows must move the board to the
// partner before its figures go stale, with the same figures, naming the daemon it now reads;
// floorwatchctl must get its answer from the partner.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <thread>

#include "integration/floor_fixture.h"
#include "support/board_model_wait.h"
#include "support/wall_clock.h"
#include "wallboard/board_logic.h"
#include "wallboard/feed_client.h"
#include "wallboard/feed_sync.h"

using namespace floorwatch;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

wallboard::FeedEndpoints board_endpoints(const RunningDaemon& daemon) {
  wallboard::FeedEndpoints endpoints;
  endpoints.publish = daemon.feed_publish();
  endpoints.snapshot = daemon.feed_snapshot();
  endpoints.control = daemon.control();
  return endpoints;
}

// Three callers waiting in sales since a few seconds ago, one agent available.
std::string waiting_callers() {
  const std::int64_t now = wall_clock_ms();
  std::string lines =
      R"({"ts":)" + std::to_string(now - 5000) +
      R"(,"type":"agent_state","agent":"a1","state":"available","queues":["sales"]})"
      "\n";
  for (int i = 1; i <= 3; ++i)
    lines += R"({"ts":)" + std::to_string(now - 4000 + i) + R"(,"type":"call_enqueued","call":"c)" +
             std::to_string(i) + R"(","queue":"sales","caller":"+4670000000)" + std::to_string(i) +
             "\"}\n";
  return lines;
}

int waiting_in_sales(const wallboard::BoardModel& model) {
  for (const auto& queue : model.queues)
    if (queue.name == "sales") return static_cast<int>(queue.calls_waiting);
  return -1;
}

}  // namespace

TEST_CASE("a board and floorwatchctl given both daemons of a pair survive kill -9 of one",
          "[integration][ha][wallboard]") {
  TempDir dir;
  const std::string config = "timezone: UTC\nqueues:\n  sales: {}\n";
  RunningDaemon fw_a(dir, DaemonIdentity{"testsite", "fw-a"}, config, "wall");
  TempDir dir_b;
  RunningDaemon fw_b(dir_b, DaemonIdentity{"testsite", "fw-b"}, config, "wall");

  // One collector, both daemons: each acknowledges every event for itself.
  const std::string events = dir.write("events.jsonl", waiting_callers());
  auto [status, output] =
      run_command({collector_binary(), "jsonl", "--endpoint", fw_a.ingest(), "--endpoint",
                   fw_b.ingest(), "--file", events, "--source-id", "pbx-1"},
                  30s);
  REQUIRE(status == 0);

  wallboard::FeedTimings timings;  // stale after 3 s, as a board's default
  wallboard::FeedClient board({board_endpoints(fw_a), board_endpoints(fw_b)}, "floor-1", timings);
  auto model = wait_for_model(
      board, [](const auto& m) { return m.daemon == "fw-a" && waiting_in_sales(m) == 3; });
  REQUIRE(model.daemon == "fw-a");
  REQUIRE(waiting_in_sales(model) == 3);
  CHECK(
      wallboard::connection_display(model, std::chrono::steady_clock::now(), timings.silence_limit)
          .text.find("fw-a") != std::string::npos);

  fw_a.process().signal(SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  // Sample as often as a frame would: at no instant may the board's data be stale.
  bool ever_stale = false;
  std::uint64_t version = 0;
  while (std::chrono::steady_clock::now() - killed_at < 6s) {
    board.copy_model_if_changed(model, version);
    ever_stale |=
        wallboard::is_stale(model, std::chrono::steady_clock::now(), timings.silence_limit);
    if (model.daemon == "fw-b" && model.feed_state == wallboard::FeedState::Live) break;
    std::this_thread::sleep_for(10ms);
  }
  const auto switched_after = std::chrono::steady_clock::now() - killed_at;
  INFO("switched after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(switched_after).count()
       << " ms; last resync: " << model.last_resync_reason);
  REQUIRE(model.daemon == "fw-b");
  CHECK(switched_after < timings.silence_limit);
  CHECK_FALSE(ever_stale);
  CHECK(model.failovers == 1);
  CHECK(waiting_in_sales(model) == 3);  // the partner saw the same events
  CHECK(
      wallboard::connection_display(model, std::chrono::steady_clock::now(), timings.silence_limit)
          .text.find("LIVE \u00B7 fw-b") != std::string::npos);

  // floorwatchctl with both control endpoints, the dead one first: the partner answers.
  const auto asked_at = std::chrono::steady_clock::now();
  auto [ctl_status, ctl_output] = run_command(
      {ctl_binary(), "status", "--json", "--control", fw_a.control() + "," + fw_b.control()}, 15s);
  INFO(ctl_output);
  REQUIRE(ctl_status == 0);
  CHECK(nlohmann::json::parse(ctl_output).value("daemon", "") == "fw-b");
  CHECK(std::chrono::steady_clock::now() - asked_at < 3s);
}
#endif
