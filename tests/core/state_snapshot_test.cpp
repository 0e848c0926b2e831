// Saving and loading the live state (what the daemon's crash recovery builds on): a restored
// floor must continue exactly like one that never stopped, and bad bytes must never load.
#include <catch2/catch.hpp>

#include <random>

#include "core/core_test_support.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch::core;
using namespace floorwatch::core::test;

namespace {

// A morning with answers, abandons, exits, wrap-ups and calls still waiting, in time order.
std::vector<Event> busy_morning() {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> wait_seconds(0, 150);
  std::uniform_int_distribution<int> talk_seconds(30, 300);
  const std::vector<std::string> queues{"sales", "support"};
  const auto t0 = utc("2026-11-24T07:00:00Z");
  std::vector<Event> events;
  for (int a = 0; a < 6; ++a) {
    events.push_back(agent_state(t0, "agent-" + std::to_string(a), AgentStatus::Available,
                                 std::vector<std::string>{queues[a % 2]}));
  }
  for (int i = 0; i < 1500; ++i) {
    const std::string call = "call-" + std::to_string(i);
    const auto joined = t0 + seconds(10.0 * i);
    events.push_back(enqueued(joined, call, queues[i % 2]));
    const auto left = joined + seconds(wait_seconds(random));
    const int fate = percent(random);
    if (fate < 75) {
      const std::string agent = "agent-" + std::to_string(i % 6);
      const auto talk_end = left + seconds(talk_seconds(random));
      events.push_back(answered(left, call, agent));
      events.push_back(completed(talk_end, call));
      events.push_back(agent_state(talk_end + seconds(15), agent, AgentStatus::Available));
    } else if (fate < 92) {
      events.push_back(abandoned(left, call));
    } else {
      events.push_back(exited(left, call, ExitReason::Timeout));
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });
  return events;
}

FloorConfig stockholm() {
  FloorConfig config;
  config.time_zone = "Europe/Stockholm";
  config.queues["sales"].answer_target = seconds(30);
  return config;
}

}  // namespace

TEST_CASE("a restored floor continues exactly like one that never stopped", "[core][snapshot]") {
  const auto events = busy_morning();
  const std::size_t crash_at = events.size() / 2;
  FloorState uninterrupted(stockholm());
  FloorState before_crash(stockholm());
  for (std::size_t i = 0; i < crash_at; ++i) {
    uninterrupted.apply(events[i]);
    before_crash.apply(events[i]);
  }
  before_crash.advance(events[crash_at - 1].ts);
  const std::string saved = before_crash.save();

  FloorState restored(stockholm());
  restored.load(saved);
  CHECK(restored.save() == saved);  // nothing lost or invented by the round trip
  CHECK(restored.active_call_count() == before_crash.active_call_count());
  CHECK(restored.active_call_count() > 0);  // callers were waiting or talking at the crash

  for (std::size_t i = crash_at; i < events.size(); ++i) {
    const auto expected = uninterrupted.apply(events[i]);
    const auto actual = restored.apply(events[i]);
    REQUIRE(expected.applied == actual.applied);
  }
  // After the last event (about 11:16), as a live daemon would snapshot.
  for (const char* now : {"2026-11-24T11:30:00Z", "2026-11-24T11:50:00Z"}) {
    CAPTURE(now);
    const auto a = uninterrupted.snapshot(utc(now), {true, true});
    const auto b = restored.snapshot(utc(now), {true, true});
    REQUIRE(a.queues.size() == b.queues.size());
    for (std::size_t q = 0; q < a.queues.size(); ++q) {
      CAPTURE(a.queues[q].name);
      CHECK(a.queues[q].calls_waiting == b.queues[q].calls_waiting);
      CHECK(a.queues[q].oldest_enqueued_at == b.queues[q].oldest_enqueued_at);
      CHECK(a.queues[q].lifetime == b.queues[q].lifetime);
      CHECK(a.queues[q].wait_bucket_counts == b.queues[q].wait_bucket_counts);
      for (std::size_t w = 0; w < kWindowCount; ++w) {
        CHECK(a.queues[q].windows[w].counts == b.queues[q].windows[w].counts);
      }
    }
    REQUIRE(a.agents.size() == b.agents.size());
    for (std::size_t i = 0; i < a.agents.size(); ++i) {
      CHECK(a.agents[i].state == b.agents[i].state);
      CHECK(a.agents[i].state_since == b.agents[i].state_since);  // time in state survives
    }
  }
  CHECK(restored.save() == uninterrupted.save());
}

TEST_CASE("a waiting caller keeps the original enqueue time across save and load",
          "[core][snapshot]") {
  FloorState floor(FloorConfig{});
  floor.apply(enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"));
  FloorState restored(FloorConfig{});
  restored.load(floor.save());
  const auto snapshot = restored.snapshot(utc("2026-11-24T09:02:05Z"));
  REQUIRE(snapshot.queues.size() == 1);
  CHECK(snapshot.queues[0].oldest_wait_seconds == Approx(125.0));
}

TEST_CASE("truncated or corrupted snapshots are refused and leave the state unchanged",
          "[core][snapshot]") {
  FloorState source(FloorConfig{});
  for (const auto& event : busy_morning()) source.apply(event);
  const std::string saved = source.save();

  FloorState target(FloorConfig{});
  target.apply(enqueued(utc("2026-11-24T12:00:00Z"), "keep-me", "support"));
  const std::string before = target.save();

  std::string corrupted = saved;
  corrupted[corrupted.size() / 2] ^= 0x5a;
  CHECK_THROWS_AS(target.load(corrupted), SnapshotError);
  CHECK_THROWS_WITH(target.load(corrupted), Catch::Contains("checksum"));
  CHECK_THROWS_AS(target.load(saved.substr(0, saved.size() - 100)), SnapshotError);
  CHECK_THROWS_AS(target.load(""), SnapshotError);
  CHECK(target.save() == before);
  CHECK(target.active_call_count() == 1);
}
