// A reload reaches the boards: SIGHUP changing the site's time zone and interval must change
// what a real board's feed client shows (clock offset, zone, sparkline interval) and what
// /metrics reports, in the same wake-up, without a restart.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <csignal>
#include <regex>
#include <thread>

#include "integration/floor_fixture.h"
#include "support/board_model_wait.h"
#include "wallboard/feed_client.h"

using namespace floorwatch;
using namespace floorwatch::test;
using namespace std::chrono_literals;

TEST_CASE("SIGHUP changing the time zone and interval reaches a connected board",
          "[integration][reload][wallboard]") {
  TempDir dir;
  RunningDaemon daemon(dir, "timezone: UTC\ninterval_minutes: 30\nqueues:\n  sales: {}\n", "wall");
  std::smatch match;
  const std::string ready = daemon.process().output();
  REQUIRE(std::regex_search(ready, match, std::regex(R"(feed=(\S+) feed_publish=(\S+))")));
  wallboard::FeedEndpoints endpoints;
  endpoints.snapshot = match[1];
  endpoints.publish = match[2];
  endpoints.control = daemon.control();
  wallboard::FeedClient board(endpoints, "floor-1");

  auto model = wait_for_model(board, [](const auto& m) { return m.time_zone == "UTC"; });
  REQUIRE(model.time_zone == "UTC");
  CHECK(model.utc_offset_seconds == 0);
  CHECK(model.interval_minutes == 30);

  daemon.rewrite_config("timezone: Asia/Kolkata\ninterval_minutes: 15\nqueues:\n  sales: {}\n");
  daemon.process().signal(SIGHUP);
  model = wait_for_model(board, [](const auto& m) { return m.time_zone == "Asia/Kolkata"; });
  INFO(daemon.process().output());
  CHECK(model.time_zone == "Asia/Kolkata");
  CHECK(model.utc_offset_seconds == 5 * 3600 + 1800);
  CHECK(model.interval_minutes == 15);
  CHECK(model.feed_state == wallboard::FeedState::Live);
}
#endif
