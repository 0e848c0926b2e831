// A reload reaches the boards: SIGHUP changing the site's time zone and interval must change
// what a real board's feed client shows (clock offset, zone, sparkline interval) and what
// /metrics reports, in the same wake-up, without a restart; new agent names rename the agents
// a board already shows.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <csignal>
#include <regex>
#include <thread>

#include "integration/floor_fixture.h"
#include "support/board_model_wait.h"
#include "wallboard/board_logic.h"
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

#ifdef FLOORWATCH_HAVE_WALLBOARD
TEST_CASE("agents: names reach the board, and a reload renames agents already shown",
          "[integration][reload][wallboard][agents]") {
  TempDir dir;
  RunningDaemon daemon(dir, "queues:\n  sales: {}\nagents:\n  \"SIP/2503\": Maria Lopez\n");
  const std::string events = dir.write(
      "agents.jsonl",
      R"({"ts":1795510800000,"type":"agent_state","agent":"SIP/2503","state":"available","queues":["sales"]})"
      "\n"
      R"({"ts":1795510800000,"type":"agent_state","agent":"SIP/2504","state":"available","queues":["sales"]})"
      "\n"
      R"({"ts":1795510801000,"type":"call_enqueued","call":"c1","queue":"sales","caller":"+46701234567"})"
      "\n"
      R"({"ts":1795510805000,"type":"call_answered","call":"c1","agent":"SIP/2503"})"
      "\n");
  REQUIRE(send_jsonl(daemon.ingest(), events).first == 0);
  wallboard::FeedEndpoints endpoints;
  endpoints.snapshot = daemon.feed_snapshot();
  endpoints.publish = daemon.feed_publish();
  endpoints.control = daemon.control();
  wallboard::FeedClient board(endpoints, "floor-1");

  const auto label_of = [](const wallboard::BoardModel& model, const std::string& id) {
    for (const auto& agent : model.agents)
      if (agent.agent == id) return wallboard::agent_label(agent);
    return std::string("(absent)");
  };
  auto model = wait_for_model(board, [&](const auto& m) { return m.agents.size() == 2; });
  CHECK(label_of(model, "SIP/2503") == "Maria Lopez");
  CHECK(label_of(model, "SIP/2504") == "SIP/2504");  // no name configured: the id
  for (const auto& agent : model.agents)  // what Maria is doing: a sales caller since 09:00:05
    if (agent.agent == "SIP/2503")
      CHECK(wallboard::agent_activity(agent) == "busy \u00B7 sales \u00B7 +46701234567");

  daemon.rewrite_config(
      "queues:\n  sales: {}\nagents:\n  \"SIP/2503\": Maria Lopez\n"
      "  \"SIP/2504\": Jon Berg\n");
  daemon.process().signal(SIGHUP);
  model =
      wait_for_model(board, [&](const auto& m) { return label_of(m, "SIP/2504") == "Jon Berg"; });
  INFO(daemon.process().output());
  CHECK(label_of(model, "SIP/2504") == "Jon Berg");
  CHECK(label_of(model, "SIP/2503") == "Maria Lopez");
}
#endif
