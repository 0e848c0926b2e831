// The call-back worklist on the feed: the daemon's FeedModel sends the open call-backs (whole
// list on a change, in snapshots too) and each queue's count and oldest; a board's FeedSync
// turns them into BoardModel::callbacks and the tile figures.
#include <catch2/catch.hpp>

#include "daemon/feed_publisher.h"
#include "floorwatch/core/floor_state.h"
#include "floorwatch/v1/feed.pb.h"
#include "wallboard/board_logic.h"
#include "wallboard/feed_sync.h"

using namespace floorwatch;

namespace {

const core::Timestamp t0 = core::from_epoch_ms(1'795'510'800'000);  // 2026-11-24T09:00:00Z

core::Event event(core::EventType type, int s, std::string call, std::string queue = "",
                  std::string caller = "") {
  core::Event e;
  e.type = type;
  e.ts = t0 + std::chrono::seconds(s);
  e.call = std::move(call);
  e.queue = std::move(queue);
  e.caller = std::move(caller);
  e.agent = "ann";
  return e;
}

struct Floor {
  core::FloorState state{core::FloorConfig{}};
  daemon::FeedModel feed{{"stockholm", "fw-a", true}, 7};

  std::optional<std::string> publish(int s) {
    const core::SnapshotOptions options = feed.picture_options(
        state.agents_revision(), state.callbacks().revision(), state.shared_calendar(), false);
    return feed.update(state.snapshot(t0 + std::chrono::seconds(s), options),
                       options.include_agents, {}, nullptr, options.include_callbacks);
  }
};

}  // namespace

TEST_CASE("the worklist reaches a board: opened, merged and closed", "[wallboard][callbacks]") {
  Floor floor;
  const auto start = std::chrono::steady_clock::now();
  wallboard::FeedSync board;
  board.start(start);
  floor.publish(0);
  board.on_snapshot(floor.feed.snapshot(t0), start);

  floor.state.apply(event(core::EventType::CallEnqueued, 1, "c1", "sales", "+461"));
  floor.state.apply(event(core::EventType::CallAbandoned, 11, "c1"));
  floor.state.apply(event(core::EventType::CallEnqueued, 12, "c2", "sales", "+462"));
  floor.state.apply(event(core::EventType::CallAbandoned, 20, "c2"));
  floor.state.apply(event(core::EventType::CallEnqueued, 30, "c3", "sales", "+461"));
  floor.state.apply(event(core::EventType::CallAbandoned, 40, "c3"));  // +461 again
  const auto opened = floor.publish(40);
  REQUIRE(opened);
  v1::FeedMessage message;
  REQUIRE(message.ParseFromString(*opened));
  CHECK(message.delta().callbacks_changed());
  REQUIRE(message.delta().open_callbacks_size() == 2);
  CHECK(message.delta().open_callbacks(0).caller() == "+461");
  CHECK(message.delta().open_callbacks(0).attempts() == 2);
  CHECK(message.delta().open_callbacks(0).callback_id() == 1);
  CHECK(message.delta().open_callbacks(0).first_abandoned_at_ms() ==
        core::to_epoch_ms(t0) + 11'000);

  board.on_published(*opened, start);
  const wallboard::BoardModel& model = board.model();
  REQUIRE(model.callbacks.size() == 2);
  CHECK(model.callbacks[0].id == 1);
  CHECK(model.callbacks[0].attempts == 2);
  CHECK(model.callbacks[1].caller == "+462");
  REQUIRE(model.queues.size() == 1);
  CHECK(model.queues[0].callbacks_open == 2);
  CHECK(wallboard::callbacks_text(model.queues[0], core::to_epoch_ms(t0) + 71'000) ==
        "2 call-backs \u00B7 1:00");
  CHECK(wallboard::callbacks_level(model.queues[0]) == wallboard::Level::Warning);

  // Nothing changed: no delta for the worklist.
  CHECK_FALSE(floor.publish(41));

  // +462 is answered later (any queue): closed; a board that connects now gets one entry.
  floor.state.apply(event(core::EventType::CallEnqueued, 50, "c4", "support", "+462"));
  floor.state.apply(event(core::EventType::CallAnswered, 55, "c4"));
  const auto closed = floor.publish(55);
  REQUIRE(closed);
  board.on_published(*closed, start);
  REQUIRE(board.model().callbacks.size() == 1);
  CHECK(board.model().callbacks[0].caller == "+461");

  wallboard::FeedSync late;
  late.start(start);
  late.on_snapshot(floor.feed.snapshot(t0 + std::chrono::seconds(55)), start);
  REQUIRE(late.model().callbacks.size() == 1);
  CHECK(late.model().callbacks[0].id == 1);
  CHECK(wallboard::callbacks_text(wallboard::QueueView{}, 0) == "no call-backs");
}
