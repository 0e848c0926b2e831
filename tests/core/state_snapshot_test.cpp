// Saving and loading the live state (what the daemon's crash recovery builds on): a restored
// floor must continue exactly like one that never stopped, and bad bytes must never load.
#include <catch2/catch.hpp>

#include <algorithm>
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
      CHECK(a.queues[q].mean_patience_seconds == b.queues[q].mean_patience_seconds);
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

namespace {

// Counters as snapshots up to version 2 wrote them: no abandoned or exited wait sums.
void write_version_2_counters(ByteWriter& out, std::int64_t abandoned, std::int64_t wait_ms) {
  // offered, answered, answered within target, abandoned, abandoned within target, short,
  // answered wait sum, handled, handle time sum, max wait; then the exits by reason.
  for (std::int64_t value :
       {abandoned, std::int64_t{0}, std::int64_t{0}, abandoned, std::int64_t{0}, std::int64_t{0},
        std::int64_t{0}, std::int64_t{0}, std::int64_t{0}, wait_ms})
    out.i64(value);
  for (std::size_t r = 0; r < kExitReasonCount; ++r) out.i64(0);
}

// A version 2 snapshot: queue "support" with `abandoned` abandons today and in the last hour.
std::string version_2_snapshot(Timestamp now, std::int64_t abandoned) {
  ByteWriter out;
  out.string("floorwatch-state");
  out.u64(2);
  out.time(now);
  out.u64(1);
  out.string("support");
  out.boolean(true);  // rolling windows: started, the three window starts, one bucket
  for (int minutes_back : {15, 30, 60}) out.time(now - minutes(minutes_back));
  out.u64(1);
  out.time(now);
  write_version_2_counters(out, abandoned, 60'000);
  out.u64(0);  // no intervals
  out.u64(1);  // today, from midnight in Stockholm
  out.time(utc("2026-11-23T23:00:00Z"));
  write_version_2_counters(out, abandoned, 60'000);
  write_version_2_counters(out, abandoned, 60'000);  // lifetime
  for (std::size_t b = 0; b <= kWaitBucketsSeconds.size(); ++b) out.i64(0);
  for (int empty = 0; empty < 4; ++empty) out.u64(0);  // calls, agents, abandons, their list
  out.u64(fnv1a64(out.bytes()));
  return out.bytes();
}

}  // namespace

TEST_CASE("a snapshot from before the abandoned and exited wait sums still loads",
          "[core][snapshot][patience]") {
  const auto now = utc("2026-11-24T09:30:00Z");
  FloorState floor(stockholm());
  floor.load(version_2_snapshot(now, 25));

  const auto snapshot = floor.snapshot(now);
  const auto support = std::find_if(snapshot.queues.begin(), snapshot.queues.end(),
                                    [](const QueueSnapshot& q) { return q.name == "support"; });
  REQUIRE(support != snapshot.queues.end());
  CHECK(support->lifetime.abandoned == 25);
  CHECK(support->window(WindowKind::Rolling60m).counts.abandoned == 25);
  CHECK(support->window(WindowKind::Today).counts.abandoned == 25);
  CHECK(support->window(WindowKind::Today).counts.abandoned_wait_sum_ms == 0);
  CHECK(support->window(WindowKind::Today).max_wait_seconds == Approx(60.0));
  // Their waits were never summed: no patience from them rather than an impossible 0 s.
  CHECK_FALSE(support->mean_patience_seconds.has_value());
  // Saved again, it is a current snapshot that loads the same.
  FloorState again(stockholm());
  again.load(floor.save());
  CHECK(again.snapshot(now).queues.size() == snapshot.queues.size());
}
