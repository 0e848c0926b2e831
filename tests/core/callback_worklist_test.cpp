// The call-back worklist's closing rules, through the engine (events in, worklist out) and on
// the worklist alone (the bound), plus save/load.
#include <catch2/catch.hpp>

#include "core/core_test_support.h"
#include "floorwatch/core/callback_worklist.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

// A caller with a number enqueues in `queue` at `at` and hangs up 30 s later.
void abandon_from(FloorState& floor, const std::string& call, const std::string& queue,
                  const std::string& caller, Timestamp at) {
  floor.apply(enqueued(at, call, queue, Channel::Voice, caller));
  floor.apply(abandoned(at + seconds(30), call));
}

// A caller enqueues in `queue` at `at` and reaches anna 10 s later.
void answer_from(FloorState& floor, const std::string& call, const std::string& queue,
                 const std::string& caller, Timestamp at) {
  floor.apply(enqueued(at, call, queue, Channel::Voice, caller));
  floor.apply(answered(at + seconds(10), call, "anna"));
}

const QueueSnapshot& queue_named(const FloorSnapshot& snapshot, const std::string& name) {
  for (const auto& queue : snapshot.queues)
    if (queue.name == name) return queue;
  throw std::runtime_error("no queue " + name);
}

AbandonedCall abandon_at(const std::string& caller, Timestamp at, const std::string& queue = "q") {
  AbandonedCall abandon;
  abandon.call = caller + "-call";
  abandon.caller = caller;
  abandon.queue = queue;
  abandon.abandoned_at = at;
  return abandon;
}

}  // namespace

SCENARIO("an abandoned caller stays on the worklist until they reach an agent",
         "[core][callbacks]") {
  FloorState floor(FloorConfig{});
  GIVEN("+4670111 hangs up in sales at 09:00:30") {
    abandon_from(floor, "c1", "sales", "+4670111", utc("2026-11-24T09:00:00Z"));
    REQUIRE(floor.callbacks().open_count() == 1);
    const CallbackEntry open = floor.callbacks().open().front();
    CHECK(open.caller == "+4670111");
    CHECK(open.queue == "sales");
    CHECK(open.attempts == 1);
    CHECK(open.first_abandoned_at == utc("2026-11-24T09:00:30Z"));

    WHEN("the same number is answered later in another queue") {
      answer_from(floor, "c2", "support", "+4670111", utc("2026-11-24T09:05:00Z"));
      THEN("the call-back is closed as answered") {
        CHECK(floor.callbacks().open_count() == 0);
        CHECK(floor.callbacks().counters().closed_by(CallbackCloseReason::Answered) == 1);
      }
    }
    WHEN("an answer of that number from before the abandon arrives late") {
      // Another queue's stream is behind: its caller was answered at 09:00:10, before the
      // hang-up at 09:00:30.
      floor.apply(
          enqueued(utc("2026-11-24T09:00:05Z"), "c0", "support", Channel::Voice, "+4670111"));
      floor.apply(answered(utc("2026-11-24T09:00:10Z"), "c0", "anna"));
      THEN("the call-back stays open") {
        CHECK(floor.callbacks().open_count() == 1);
        CHECK(floor.callbacks().counters().closed_by(CallbackCloseReason::Answered) == 0);
      }
    }
    WHEN("a different number is answered") {
      answer_from(floor, "c2", "sales", "+4670999", utc("2026-11-24T09:05:00Z"));
      THEN("the call-back stays open") {
        CHECK(floor.callbacks().open_count() == 1);
      }
    }
    WHEN("the caller abandons again, in another queue") {
      abandon_from(floor, "c3", "support", "+4670111", utc("2026-11-24T09:10:00Z"));
      THEN("it is one entry: two attempts, the latest queue, the first abandon's age") {
        REQUIRE(floor.callbacks().open_count() == 1);
        const CallbackEntry merged = floor.callbacks().open().front();
        CHECK(merged.id == open.id);
        CHECK(merged.attempts == 2);
        CHECK(merged.queue == "support");
        CHECK(merged.call == "c3");
        CHECK(merged.first_abandoned_at == utc("2026-11-24T09:00:30Z"));
        CHECK(merged.last_abandoned_at == utc("2026-11-24T09:10:30Z"));
        const auto snapshot = floor.snapshot(utc("2026-11-24T09:11:00Z"));
        CHECK(queue_named(snapshot, "sales").callbacks_open == 0);
        CHECK(queue_named(snapshot, "support").callbacks_open == 1);
      }
    }
    WHEN("someone calls them back") {
      const auto closed = floor.close_callback(open.id);
      THEN("it is closed as called back, and a second close finds nothing") {
        REQUIRE(closed);
        CHECK(closed->caller == "+4670111");
        CHECK(floor.callbacks().open_count() == 0);
        CHECK(floor.callbacks().counters().closed_by(CallbackCloseReason::CalledBack) == 1);
        CHECK_FALSE(floor.close_callback(open.id));
        CHECK_FALSE(floor.close_callback(999));
      }
    }
  }
}

TEST_CASE("callers without a number are counted, never listed", "[core][callbacks]") {
  FloorState floor(FloorConfig{});
  abandon_from(floor, "c1", "sales", "", utc("2026-11-24T09:00:00Z"));
  CHECK(floor.callbacks().open_count() == 0);
  CHECK(floor.callbacks().counters().without_number == 1);
  CHECK(floor.recent_abandons().size() == 1);  // still on the abandons list
}

TEST_CASE("the queue picture counts its open call-backs and the oldest one's start",
          "[core][callbacks]") {
  FloorState floor(FloorConfig{});
  abandon_from(floor, "c1", "sales", "+1", utc("2026-11-24T09:00:00Z"));
  abandon_from(floor, "c2", "sales", "+2", utc("2026-11-24T09:01:00Z"));
  const auto before = floor.snapshot(utc("2026-11-24T09:02:00Z"));
  CHECK(queue_named(before, "sales").callbacks_open == 2);
  CHECK(queue_named(before, "sales").oldest_callback_since == utc("2026-11-24T09:00:30Z"));

  SnapshotOptions only_changed;
  only_changed.changed_since = before.revision;
  floor.close_callback(floor.callbacks().open().front().id);
  const auto after = floor.snapshot(utc("2026-11-24T09:02:00Z"), only_changed);
  // A reader of changed queues only learns of the close: the queue changed.
  CHECK(queue_named(after, "sales").callbacks_open == 1);
  CHECK(queue_named(after, "sales").oldest_callback_since == utc("2026-11-24T09:01:30Z"));
}

TEST_CASE("a full worklist drops the caller whose latest abandon is oldest, and counts it",
          "[core][callbacks]") {
  CallbackWorklist worklist(2);
  worklist.on_abandon(abandon_at("+1", utc("2026-11-24T09:00:00Z")));
  worklist.on_abandon(abandon_at("+2", utc("2026-11-24T09:01:00Z")));
  worklist.on_abandon(abandon_at("+1", utc("2026-11-24T09:02:00Z")));  // +1 tried again
  const auto changed = worklist.on_abandon(abandon_at("+3", utc("2026-11-24T09:03:00Z"), "r"));
  CHECK(changed == std::vector<std::string>{"q", "r"});
  const auto open = worklist.open();
  REQUIRE(open.size() == 2);
  CHECK(open[0].caller == "+1");
  CHECK(open[1].caller == "+3");
  CHECK(worklist.counters().closed_by(CallbackCloseReason::Dropped) == 1);
}

TEST_CASE("the worklist survives save and load, ids going on", "[core][callbacks][snapshot]") {
  FloorState floor(FloorConfig{});
  abandon_from(floor, "c1", "sales", "+1", utc("2026-11-24T09:00:00Z"));
  abandon_from(floor, "c2", "sales", "+2", utc("2026-11-24T09:01:00Z"));
  abandon_from(floor, "c3", "sales", "+2", utc("2026-11-24T09:02:00Z"));
  abandon_from(floor, "c4", "sales", "", utc("2026-11-24T09:03:00Z"));
  REQUIRE(floor.close_callback(floor.callbacks().open().front().id));

  FloorState restored(FloorConfig{});
  restored.load(floor.save());
  CHECK(restored.save() == floor.save());
  const auto open = restored.callbacks().open();
  REQUIRE(open.size() == 1);
  CHECK(open[0].caller == "+2");
  CHECK(open[0].attempts == 2);
  CHECK(restored.callbacks().counters().closed_by(CallbackCloseReason::CalledBack) == 1);
  CHECK(restored.callbacks().counters().without_number == 1);
  CHECK(queue_named(restored.snapshot(utc("2026-11-24T09:05:00Z")), "sales").callbacks_open == 1);
  // A closed id stays closed after the restart, and new entries get new ids.
  CHECK_FALSE(restored.close_callback(1));
  abandon_from(restored, "c5", "sales", "+5", utc("2026-11-24T09:06:00Z"));
  CHECK(restored.callbacks().open().back().id == 3);
}

// --- Call-back closes shared by an HA pair (docs/ha.md "Shared call-back closes") ---

namespace {

// Everything `from` closed, merged into `to` as the peer link carries it.
std::vector<CallbackMergeResult> exchange(const FloorState& from, FloorState& to, Timestamp now) {
  std::vector<CallbackMergeResult> results;
  for (const CallbackClose& close : from.callbacks().closes())
    results.push_back(to.merge_callback_close(close, now));
  return results;
}

bool is_open(const FloorState& floor, const std::string& caller) {
  for (const auto& entry : floor.callbacks().open())
    if (entry.caller == caller) return true;
  return false;
}

}  // namespace

SCENARIO("a call-back closed by hand on one daemon closes on its HA partner",
         "[core][callbacks][ha]") {
  // Two daemons fed the same events; their numeric ids may differ, the caller and abandon
  // times do not.
  FloorState a(FloorConfig{}), b(FloorConfig{});
  const Timestamp t0 = utc("2026-11-24T09:00:00Z");
  for (FloorState* floor : {&a, &b}) {
    abandon_from(*floor, "c1", "sales", "+1", t0);
    abandon_from(*floor, "c2", "sales", "+2", t0 + seconds(60));
    abandon_from(*floor, "c3", "sales", "+1", t0 + seconds(120));  // +1 again: 2 attempts
  }
  const Timestamp closed_at = t0 + seconds(300);
  const std::uint64_t id_on_a = a.callbacks().open().front().id;
  REQUIRE(a.close_callback(id_on_a, "maria", closed_at));
  REQUIRE(a.callbacks().closes().size() == 1);
  const CallbackClose record = a.callbacks().closes().front();
  CHECK(record.caller == "+1");
  CHECK(record.first_abandoned_at == t0 + seconds(30));
  CHECK(record.last_abandoned_at == t0 + seconds(150));  // covers both abandons
  CHECK(record.by == "maria");
  CHECK(record.at == closed_at);

  WHEN("the partner merges it") {
    CHECK(exchange(a, b, closed_at) == std::vector{CallbackMergeResult::Applied});
    THEN("it is closed there as called back, counted once, and the closes agree") {
      CHECK_FALSE(is_open(b, "+1"));
      CHECK(is_open(b, "+2"));
      CHECK(b.callbacks().counters().closed_by(CallbackCloseReason::CalledBack) == 1);
      CHECK(b.callbacks().counters().peer_closes_by(CallbackMergeResult::Applied) == 1);
      CHECK(b.callbacks().closes().front().by == "maria");
      CHECK(queue_named(b.snapshot(closed_at), "sales").callbacks_open == 1);
    }
    AND_WHEN("the set comes again every second, and goes back") {
      const auto revision = b.callbacks().closes_revision();
      CHECK(exchange(a, b, closed_at) == std::vector{CallbackMergeResult::Known});
      CHECK(exchange(b, a, closed_at) == std::vector{CallbackMergeResult::Known});
      THEN("nothing changes: merging is idempotent") {
        CHECK(b.callbacks().closes_revision() == revision);
        CHECK(b.callbacks().counters().closed_by(CallbackCloseReason::CalledBack) == 1);
        CHECK(a.callbacks().counters().peer_closes ==
              std::array<std::int64_t, kCallbackMergeResultCount>{});
      }
    }
  }
  WHEN("both daemons closed it by hand before hearing of each other") {
    const std::uint64_t id_on_b = b.callbacks().open().front().id;
    REQUIRE(b.close_callback(id_on_b, "ann", closed_at + seconds(5)));
    CHECK(exchange(b, a, closed_at) == std::vector{CallbackMergeResult::Known});
    CHECK(exchange(a, b, closed_at) == std::vector{CallbackMergeResult::Earlier});
    THEN("both keep the earliest close, whatever order the messages came in") {
      CHECK(b.callbacks().closes().front().by == "maria");
      CHECK(b.callbacks().closes().front().at == closed_at);
      CHECK(a.callbacks().closes().front().by == "maria");
      CHECK(b.callbacks().counters().closed_by(CallbackCloseReason::CalledBack) == 1);
    }
  }
  WHEN("two closes at the same instant") {
    const std::uint64_t id_on_b = b.callbacks().open().front().id;
    REQUIRE(b.close_callback(id_on_b, "ann", closed_at));
    exchange(a, b, closed_at);
    exchange(b, a, closed_at);
    THEN("the smaller name wins on both") {
      CHECK(a.callbacks().closes().front().by == "ann");
      CHECK(b.callbacks().closes().front().by == "ann");
    }
  }
}

SCENARIO("a close for an abandon the partner has not seen yet is held until it arrives",
         "[core][callbacks][ha]") {
  FloorState a(FloorConfig{}), b(FloorConfig{});
  const Timestamp t0 = utc("2026-11-24T09:00:00Z");
  abandon_from(a, "c1", "sales", "+1", t0);
  REQUIRE(a.close_callback(a.callbacks().open().front().id, "maria", t0 + seconds(60)));

  GIVEN("b is behind: it has not seen +1 hang up") {
    CHECK(exchange(a, b, t0 + seconds(60)) == std::vector{CallbackMergeResult::Held});
    CHECK(b.callbacks().counters().closes_held == 1);
    WHEN("the abandon reaches b") {
      abandon_from(b, "c1", "sales", "+1", t0);
      THEN("it never opens there, and is counted as called back like on a") {
        CHECK(b.callbacks().open_count() == 0);
        CHECK(b.callbacks().counters().closed_by(CallbackCloseReason::CalledBack) == 1);
        CHECK(b.callbacks().counters().closes_held == 0);
        CHECK(b.callbacks().counters().peer_closes_by(CallbackMergeResult::Held) == 1);
      }
      AND_WHEN("+1 hangs up again after the call-back") {
        abandon_from(a, "c2", "sales", "+1", t0 + seconds(600));
        abandon_from(b, "c2", "sales", "+1", t0 + seconds(600));
        THEN("both owe them a new call") {
          CHECK(is_open(a, "+1"));
          CHECK(is_open(b, "+1"));
        }
      }
    }
    WHEN("the abandon never comes") {
      b.advance(t0 + seconds(60) + kCallbackCloseRetention + seconds(1));
      THEN("the held close expires") {
        CHECK(b.callbacks().closes().empty());
        CHECK(b.callbacks().counters().closes_held == 0);
      }
    }
  }
  GIVEN("b has already seen +1 hang up again, after a's call") {
    abandon_from(b, "c1", "sales", "+1", t0);
    abandon_from(b, "c2", "sales", "+1", t0 + seconds(120));
    CHECK(exchange(a, b, t0 + seconds(130)) == std::vector{CallbackMergeResult::Applied});
    THEN("the call-back stays open: they are owed a new call") {
      CHECK(is_open(b, "+1"));
      CHECK(b.callbacks().counters().closed_by(CallbackCloseReason::CalledBack) == 1);
    }
  }
  GIVEN("a close older than the retention") {
    const auto late = t0 + seconds(60) + kCallbackCloseRetention + seconds(1);
    CHECK(exchange(a, b, late) == std::vector{CallbackMergeResult::Expired});
    CHECK(b.callbacks().closes().empty());
    CHECK(b.callbacks().counters().peer_closes_by(CallbackMergeResult::Expired) == 1);
  }
}

TEST_CASE("close records are bounded: the oldest close is forgotten and counted",
          "[core][callbacks][ha]") {
  CallbackWorklist worklist;
  const Timestamp t0 = utc("2026-11-24T09:00:00Z");
  for (std::size_t i = 0; i <= kCallbackCloseLimit; ++i)
    worklist.merge_close(
        CallbackClose{"+" + std::to_string(i), t0, t0, "maria", t0 + std::chrono::milliseconds(i)},
        t0);
  CHECK(worklist.closes().size() == kCallbackCloseLimit);
  CHECK(worklist.counters().close_records_dropped == 1);
  CHECK(worklist.counters().closes_held == static_cast<std::int64_t>(kCallbackCloseLimit));
  for (const auto& close : worklist.closes()) CHECK_FALSE(close.caller == "+0");
}

TEST_CASE("close records and merge counters survive save and load (state version 5)",
          "[core][callbacks][ha][snapshot]") {
  FloorState a(FloorConfig{}), b(FloorConfig{});
  const Timestamp t0 = utc("2026-11-24T09:00:00Z");
  abandon_from(a, "c1", "sales", "+1", t0);
  abandon_from(a, "c2", "sales", "+2", t0);
  abandon_from(b, "c1", "sales", "+1", t0);  // b has not seen +2 yet
  REQUIRE(a.close_callback(a.callbacks().open().front().id, "maria", t0 + seconds(60)));
  REQUIRE(a.close_callback(a.callbacks().open().front().id, "maria", t0 + seconds(61)));
  exchange(a, b, t0 + seconds(61));
  REQUIRE(b.callbacks().counters().closes_held == 1);

  FloorState restored(FloorConfig{});
  restored.load(b.save());
  CHECK(restored.save() == b.save());
  CHECK(restored.callbacks().closes().size() == 2);
  CHECK(restored.callbacks().counters().closes_held == 1);
  CHECK(restored.callbacks().counters().peer_closes_by(CallbackMergeResult::Applied) == 1);
  CHECK(restored.callbacks().counters().peer_closes_by(CallbackMergeResult::Held) == 1);
  // The held close still settles +2 when its abandon arrives after the restart.
  abandon_from(restored, "c2", "sales", "+2", t0);
  CHECK(restored.callbacks().open_count() == 0);
}

TEST_CASE("the open call-back bound comes from the config and follows a reload",
          "[core][callbacks][config]") {
  FloorConfig config;
  config.callbacks_max_open = 2;
  FloorState floor(config);
  const Timestamp t0 = utc("2026-11-24T09:00:00Z");
  for (int i = 0; i < 3; ++i)
    abandon_from(floor, "c" + std::to_string(i), "sales", "+" + std::to_string(i),
                 t0 + seconds(60 * i));
  CHECK(floor.callbacks().open_count() == 2);
  CHECK(floor.callbacks().counters().closed_by(CallbackCloseReason::Dropped) == 1);

  SECTION("a lower bound on reload drops the stalest at once, counted") {
    config.callbacks_max_open = 1;
    floor.reconfigure(config, t0 + seconds(300));
    REQUIRE(floor.callbacks().open_count() == 1);
    CHECK(floor.callbacks().open().front().caller == "+2");
    CHECK(floor.callbacks().counters().closed_by(CallbackCloseReason::Dropped) == 2);
    CHECK(queue_named(floor.snapshot(t0 + seconds(600)), "sales").callbacks_open == 1);
  }
  SECTION("a higher bound keeps more") {
    config.callbacks_max_open = 5;
    floor.reconfigure(config, t0 + seconds(300));
    abandon_from(floor, "c9", "sales", "+9", t0 + seconds(600));
    CHECK(floor.callbacks().open_count() == 3);
  }
  SECTION("a snapshot taken under a higher bound is cut to the bound in force") {
    FloorConfig smaller = config;
    smaller.callbacks_max_open = 1;
    FloorState restored(smaller);
    restored.load(floor.save());
    CHECK(restored.callbacks().open_count() == 1);
  }
}
