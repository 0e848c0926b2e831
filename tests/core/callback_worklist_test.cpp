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
