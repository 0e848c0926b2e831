// Time-in-state limits: the level of an agent at each millisecond around its limits, per state
// and per pause reason, and the crossings the engine lists for `agents_over_limit`.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>
#include <tuple>

#include "floorwatch/core/agent_limits.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

/// The defaults, with lunch allowed 45 min (amber) and 60 min (red).
AgentLimits limits_with_lunch() {
  AgentLimits limits = default_agent_limits();
  limits.by_pause_reason["lunch"] = {minutes(45), minutes(60)};
  return limits;
}

const QueueSnapshot& queue_in(const FloorSnapshot& snapshot, const std::string& name) {
  const auto it = std::find_if(snapshot.queues.begin(), snapshot.queues.end(),
                               [&](const QueueSnapshot& q) { return q.name == name; });
  REQUIRE(it != snapshot.queues.end());
  return *it;
}

}  // namespace

TEST_CASE("an agent's level at the exact millisecond of each limit, per state and reason",
          "[core][agent_limits]") {
  const AgentLimits limits = limits_with_lunch();
  const Timestamp since = utc("2026-11-24T09:00:00Z");
  using T = std::tuple<AgentStatus, std::string, std::string, AgentLevel>;
  const auto [state, reason, at, level] =
      GENERATE(table<AgentStatus, std::string, std::string, AgentLevel>({
          // break: the paused defaults, 15 min amber and 20 min red
          T{AgentStatus::Paused, "break", "2026-11-24T09:14:59.999Z", AgentLevel::Normal},
          T{AgentStatus::Paused, "break", "2026-11-24T09:15:00.000Z", AgentLevel::Warning},
          T{AgentStatus::Paused, "break", "2026-11-24T09:19:59.999Z", AgentLevel::Warning},
          T{AgentStatus::Paused, "break", "2026-11-24T09:20:00.000Z", AgentLevel::Critical},
          T{AgentStatus::Paused, "", "2026-11-24T09:20:00.000Z", AgentLevel::Critical},
          // lunch: its own override, 45 / 60 min
          T{AgentStatus::Paused, "lunch", "2026-11-24T09:20:00.000Z", AgentLevel::Normal},
          T{AgentStatus::Paused, "lunch", "2026-11-24T09:45:00.000Z", AgentLevel::Warning},
          T{AgentStatus::Paused, "lunch", "2026-11-24T09:59:59.999Z", AgentLevel::Warning},
          T{AgentStatus::Paused, "lunch", "2026-11-24T10:00:00.000Z", AgentLevel::Critical},
          // ringing 20 s / 30 s, wrap-up 2 / 3 min
          T{AgentStatus::Ringing, "", "2026-11-24T09:00:19.999Z", AgentLevel::Normal},
          T{AgentStatus::Ringing, "", "2026-11-24T09:00:20.000Z", AgentLevel::Warning},
          T{AgentStatus::Ringing, "", "2026-11-24T09:00:30.000Z", AgentLevel::Critical},
          T{AgentStatus::Wrapup, "", "2026-11-24T09:02:00.000Z", AgentLevel::Warning},
          T{AgentStatus::Wrapup, "", "2026-11-24T09:03:00.000Z", AgentLevel::Critical},
          // no limits: talking or waiting for calls is never "too long"
          T{AgentStatus::Busy, "", "2026-11-24T12:00:00.000Z", AgentLevel::Normal},
          T{AgentStatus::Available, "", "2026-11-24T12:00:00.000Z", AgentLevel::Normal},
      }));
  INFO(to_string(state) << " (" << reason << ") at " << at);
  CHECK(agent_level(limits.limit_for(state, reason), since, utc(at)) == level);
}

TEST_CASE("the next level change is the next limit ahead, none once red", "[core][agent_limits]") {
  const AgentLimit lunch = limits_with_lunch().limit_for(AgentStatus::Paused, "lunch");
  const Timestamp since = utc("2026-11-24T09:00:00Z");
  CHECK(next_level_change(lunch, since, utc("2026-11-24T09:10:00Z")) ==
        utc("2026-11-24T09:45:00Z"));
  CHECK(next_level_change(lunch, since, utc("2026-11-24T09:45:00Z")) ==
        utc("2026-11-24T10:00:00Z"));
  CHECK_FALSE(next_level_change(lunch, since, utc("2026-11-24T10:00:00Z")));
  CHECK(critical_at(lunch, since) == utc("2026-11-24T10:00:00Z"));
  CHECK_FALSE(critical_at(AgentLimit{}, since));
}

TEST_CASE("queues list their members' red-limit crossings; a new reason moves them",
          "[core][agent_limits][floor_state]") {
  FloorConfig config;
  config.agent_limits = limits_with_lunch();
  FloorState floor(config);
  const std::vector<std::string> support{"support"};
  for (const Event& e : {
           agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Paused, support, "break"),
           agent_state(utc("2026-11-24T09:10:00Z"), "bob", AgentStatus::Paused, support, "lunch"),
           agent_state(utc("2026-11-24T09:10:00Z"), "cleo", AgentStatus::Available, support),
       })
    REQUIRE(floor.apply(e).applied);
  const FloorSnapshot first = floor.snapshot(utc("2026-11-24T09:30:00Z"));
  const auto& crossings = queue_in(first, "support").agent_limit_crossings;
  REQUIRE(crossings.size() == 2);  // cleo is available: no limit
  CHECK(crossings[0].agent == "anna");
  CHECK(crossings[0].critical_at == utc("2026-11-24T09:20:00Z"));  // 09:00 + 20 min
  CHECK(crossings[1].agent == "bob");
  CHECK(crossings[1].reason == "lunch");
  CHECK(crossings[1].critical_at == utc("2026-11-24T10:10:00Z"));  // 09:10 + 60 min

  // bob's lunch turns into a break: readers of changed queues see it, with the break's limit
  // counted from the new reason.
  REQUIRE(floor
              .apply(agent_state(utc("2026-11-24T09:40:00Z"), "bob", AgentStatus::Paused,
                                 std::nullopt, "break"))
              .applied);
  SnapshotOptions changed;
  changed.changed_since = first.revision;
  const FloorSnapshot second = floor.snapshot(utc("2026-11-24T09:41:00Z"), changed);
  const auto& moved = queue_in(second, "support").agent_limit_crossings;
  REQUIRE(moved.size() == 2);
  CHECK(moved[1].critical_at == utc("2026-11-24T10:00:00Z"));  // 09:40 + 20 min

  // The agents' pictures carry the limit in force, for the board.
  const auto agents = floor.agents();
  CHECK(agents[1].limit.critical == minutes(20));
  CHECK_FALSE(agents[2].limit.critical);
}

TEST_CASE("red-limit crossings survive a restart and follow a move to another queue",
          "[core][agent_limits][floor_state]") {
  FloorConfig config;
  FloorState floor(config);
  for (const Event& e : {
           agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Paused,
                       std::vector<std::string>{"support", "sales"}, "break"),
           agent_state(utc("2026-11-24T09:00:00Z"), "bob", AgentStatus::Paused,
                       std::vector<std::string>{"sales"}, "break"),
       })
    REQUIRE(floor.apply(e).applied);
  FloorState restarted(config);
  restarted.load(floor.save());
  const FloorSnapshot loaded = restarted.snapshot(utc("2026-11-24T09:30:00Z"));
  REQUIRE(queue_in(loaded, "support").agent_limit_crossings.size() == 1);
  CHECK(queue_in(loaded, "support").agent_limit_crossings[0].agent == "anna");
  REQUIRE(queue_in(loaded, "sales").agent_limit_crossings.size() == 2);
  CHECK(queue_in(loaded, "sales").agent_limit_crossings[1].agent == "bob");

  // anna leaves support after the restart: only sales lists her now.
  REQUIRE(restarted
              .apply(agent_state(utc("2026-11-24T09:31:00Z"), "anna", AgentStatus::Paused,
                                 std::vector<std::string>{"sales"}, "break"))
              .applied);
  const FloorSnapshot moved = restarted.snapshot(utc("2026-11-24T09:32:00Z"));
  CHECK(queue_in(moved, "support").agent_limit_crossings.empty());
  CHECK(queue_in(moved, "sales").agent_limit_crossings.size() == 2);
}

TEST_CASE("new limits make readers take the agents again", "[core][agent_limits][floor_state]") {
  FloorConfig config;
  FloorState floor(config);
  REQUIRE(
      floor.apply(agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Paused)).applied);
  const auto revision = floor.agents_revision();
  floor.reconfigure(config, utc("2026-11-24T09:00:00Z"));
  CHECK(floor.agents_revision() == revision);
  config.agent_limits.by_state[static_cast<std::size_t>(AgentStatus::Paused)].critical =
      minutes(30);
  floor.reconfigure(config, utc("2026-11-24T09:00:00Z"));
  CHECK(floor.agents_revision() != revision);
  CHECK(floor.agents()[0].limit.critical == minutes(30));
}
