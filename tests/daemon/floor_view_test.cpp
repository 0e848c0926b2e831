// The view the loop publishes for scrape threads: every queue is in it, unchanged queues are
// shared with the previous view instead of rebuilt, and live waits and Erlang C figures are
// computed by the reader at the view's instant.
#include <catch2/catch.hpp>

#include "core/core_test_support.h"
#include "daemon/floor_view.h"
#include "daemon/snapshot_json.h"

#include <nlohmann/json.hpp>

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
  CHECK(second->queues[0].figures->name == "billing");
  CHECK(second->queues[1].figures ==
        first->queues[0].figures);  // sales: the same object, not rebuilt
  CHECK(second->queues[2].figures == first->queues[1].figures);  // support

  // Readers see the live wait at the view's instant, though sales was built a second earlier.
  const core::FloorSnapshot snapshot = second->to_snapshot({});
  REQUIRE(snapshot.queues[1].name == "sales");
  CHECK(snapshot.queues[1].oldest_wait_seconds == Approx(2.0));
  CHECK(snapshot.queues[0].oldest_wait_seconds == Approx(0.0));
  CHECK(first->queues[0].figures->oldest_wait_seconds ==
        Approx(1.0));  // earlier views never change
}

TEST_CASE("a view rebuilds only the agents that changed; the others are shared",
          "[daemon][view][agents]") {
  core::FloorState state(core::FloorConfig{});
  daemon::FloorViewPublisher publisher;
  const auto agent = [](int seconds, std::string id, core::AgentStatus status) {
    return core::testing::agent_state(t0 + std::chrono::seconds(seconds), std::move(id), status);
  };
  for (const char* id : {"ann", "bob", "cid"})
    state.apply(agent(0, id, core::AgentStatus::Available));
  publisher.publish(state, t0, {});
  const auto first = publisher.current();
  REQUIRE(first->agents->size() == 3);

  state.apply(agent(1, "bob", core::AgentStatus::Paused));
  publisher.publish(state, t0 + std::chrono::seconds(1), {});
  const auto second = publisher.current();
  REQUIRE(second->agents->size() == 3);
  CHECK((*second->agents)[0] == (*first->agents)[0]);  // ann: the same object
  CHECK((*second->agents)[1] != (*first->agents)[1]);  // bob: rebuilt
  CHECK((*second->agents)[1]->state == core::AgentStatus::Paused);
  CHECK((*first->agents)[1]->state == core::AgentStatus::Available);  // earlier views keep theirs
  CHECK((*second->agents)[2] == (*first->agents)[2]);

  core::SnapshotOptions changed;
  changed.include_agents = true;
  changed.agents_changed_since = first->agents_revision;
  const core::FloorSnapshot moved = second->snapshot({}, changed);
  REQUIRE(moved.agents.size() == 1);
  CHECK(moved.agents[0].agent == "bob");
  changed.agents_changed_since = second->agents_revision + 1;  // not from this daemon
  CHECK(second->snapshot({}, changed).agents.size() == 3);
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

// Every reader but the engine's own loop takes the floor from views, so a view must answer
// each reader's question exactly as the engine would have at that instant.
TEST_CASE("a view answers every reader as the engine would at its instant", "[daemon][view]") {
  using namespace core::testing;
  using Queues = std::vector<std::string>;
  core::FloorConfig config;
  config.time_zone = "Europe/Stockholm";
  config.queues["sales"].short_abandon = seconds(5);
  config.queues["support"];
  core::FloorState engine(config), published(config);
  daemon::FloorViewPublisher publisher;
  const core::Timestamp start = utc("2026-11-24T08:55:00Z");
  // A morning across an interval boundary: agents, answers, an abandon, callers still waiting.
  const std::vector<core::Event> events{
      agent_state(start, "a1", core::AgentStatus::Available, Queues{"sales"}),
      agent_state(start + seconds(1), "a2", core::AgentStatus::Available,
                  Queues{"sales", "support"}),
      enqueued(start + seconds(10), "c1", "sales"),
      answered(start + seconds(25), "c1", "a1"),
      enqueued(start + seconds(40), "c2", "support"),
      abandoned(start + seconds(43), "c2"),
      enqueued(start + seconds(290), "c3", "sales"),
      completed(start + seconds(320), "c1"),
      enqueued(start + seconds(330), "c4", "support"),
      agent_state(start + seconds(331), "a2", core::AgentStatus::Paused,
                  Queues{"sales", "support"}),
  };
  std::uint64_t alert_revision = 0;  // what an alert engine asking for changes would hold
  std::optional<std::uint64_t> seen;
  std::optional<std::uint64_t> agents_seen;  // what the feed asking for changed agents holds
  for (std::size_t i = 0; i < events.size(); ++i) {
    engine.apply(events[i]);
    published.apply(events[i]);
    const core::Timestamp now = events[i].ts + seconds(2);
    publisher.publish(published, now, {});
    const auto view = publisher.current();

    core::SnapshotOptions everything;
    everything.include_waiting_calls = true;
    everything.include_agents = true;
    everything.include_today_intervals = true;
    everything.include_abandons = true;
    INFO("after event " << i);
    CHECK(daemon::to_json(view->snapshot({}, everything)) ==
          daemon::to_json(engine.snapshot(now, everything)));
    const core::FloorSnapshot full = engine.snapshot(now, everything);
    const core::FloorSnapshot from_view = view->snapshot({}, everything);
    CHECK(from_view.recent_abandons.size() == full.recent_abandons.size());
    CHECK(from_view.agents.size() == full.agents.size());
    for (std::size_t q = 0; q < full.queues.size(); ++q) {
      CHECK(from_view.queues[q].waiting_calls.size() == full.queues[q].waiting_calls.size());
      CHECK(from_view.queues[q].today_intervals.size() == full.queues[q].today_intervals.size());
      CHECK(from_view.queues[q].agents_required == full.queues[q].agents_required);
    }

    // An alert engine asks for what changed since its last look: the same queues the engine's
    // own change tracking would name.
    core::SnapshotOptions changed;
    if (seen) changed.changed_since = alert_revision;
    const core::FloorSnapshot delta = view->snapshot({}, changed);
    CHECK(delta.only_changed_since.has_value() == seen.has_value());
    for (const auto& queue : delta.queues) {
      const auto match = std::find_if(full.queues.begin(), full.queues.end(),
                                      [&](const auto& q) { return q.name == queue.name; });
      REQUIRE(match != full.queues.end());
      CHECK(queue.calls_waiting == match->calls_waiting);
    }
    if (seen && i == events.size() - 1) CHECK(delta.queues.size() == 2);  // a2 is in both

    // The feed asks for the agents changed since its last look: the engine's answer.
    core::SnapshotOptions moved;
    moved.include_agents = true;
    moved.agents_changed_since = agents_seen;
    const core::FloorSnapshot from_view_moved = view->snapshot({}, moved);
    const core::FloorSnapshot from_engine_moved = engine.snapshot(now, moved);
    CHECK(from_view_moved.agents == from_engine_moved.agents);
    CHECK(from_view_moved.agents_only_changed_since == from_engine_moved.agents_only_changed_since);
    agents_seen = view->agents_revision;
    alert_revision = delta.revision;
    seen = alert_revision;
  }
}
