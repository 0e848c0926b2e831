// The view the loop publishes for scrape threads: every queue is in it, unchanged queues are
// shared with the previous view instead of rebuilt, and live waits and Erlang C figures are
// computed by the reader at the view's instant.
#include <catch2/catch.hpp>

#include "daemon/floor_view.h"

using namespace floorwatch;

namespace {

const core::Timestamp t0 = core::from_epoch_ms(1'795'510'800'000);  // 2026-11-24T09:00:00Z

core::Event enqueue(int seconds, std::string call, std::string queue) {
  core::Event e;
  e.type = core::EventType::CallEnqueued;
  e.ts = t0 + std::chrono::seconds(seconds);
  e.call = std::move(call);
  e.queue = std::move(queue);
  return e;
}

}  // namespace

TEST_CASE("a published view holds every queue and rebuilds only the changed ones",
          "[daemon][view]") {
  core::FloorConfig config;
  config.queues["sales"];
  config.queues["support"];
  core::FloorState state(config);
  daemon::FloorViewPublisher publisher;
  CHECK(publisher.current()->queues.empty());  // never null, even before the first publish

  state.apply(enqueue(0, "c1", "sales"));
  publisher.publish(state, t0 + std::chrono::seconds(1), {});
  const auto first = publisher.current();
  REQUIRE(first->queues.size() == 2);

  state.apply(enqueue(2, "c2", "billing"));  // a new queue; sales and support unchanged
  publisher.publish(state, t0 + std::chrono::seconds(2), {});
  const auto second = publisher.current();
  REQUIRE(second->queues.size() == 3);
  CHECK(second->queues[0]->name == "billing");
  CHECK(second->queues[1] == first->queues[0]);  // sales: the same object, not rebuilt
  CHECK(second->queues[2] == first->queues[1]);  // support

  // Readers see the live wait at the view's instant, though sales was built a second earlier.
  const core::FloorSnapshot snapshot = second->to_snapshot({});
  REQUIRE(snapshot.queues[1].name == "sales");
  CHECK(snapshot.queues[1].oldest_wait_seconds == Approx(2.0));
  CHECK(snapshot.queues[0].oldest_wait_seconds == Approx(0.0));
  CHECK(first->queues[0]->oldest_wait_seconds == Approx(1.0));  // earlier views never change
}

TEST_CASE("with a running clock a reader sees live waits at the moment it reads",
          "[daemon][view]") {
  core::FloorState state(core::FloorConfig{});
  state.apply(enqueue(0, "c1", "sales"));
  const auto published_at = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  daemon::FloorViewPublisher wall(true), replay(false);
  wall.publish(state, t0 + std::chrono::seconds(10), published_at);
  replay.publish(state, t0 + std::chrono::seconds(10), published_at);
  const auto read_at = published_at + std::chrono::milliseconds(250);
  CHECK(wall.current()->to_snapshot(read_at).queues[0].oldest_wait_seconds == Approx(10.25));
  // --clock event: time moves only with events, so a later read changes nothing.
  CHECK(replay.current()->to_snapshot(read_at).queues[0].oldest_wait_seconds == Approx(10.0));
}
