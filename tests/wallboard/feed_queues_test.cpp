// The feed's queue groups and waiting callers (daemon/feed_publisher.h) without sockets: a group
// goes out when it changes and with every snapshot, a removed group is named, and each waiting
// caller carries the engine's forecast as absolute times.
#include <catch2/catch.hpp>

#include "daemon/feed_publisher.h"
#include "floorwatch/core/floor_state.h"
#include "floorwatch/v1/feed.pb.h"

using namespace floorwatch;

namespace {

const core::Timestamp t0 = core::from_epoch_ms(1'795'510'800'000);  // 2026-11-24T09:00:00Z

core::Event enqueue(int s, std::string call, std::string queue, std::string caller) {
  core::Event e;
  e.type = core::EventType::CallEnqueued;
  e.ts = t0 + std::chrono::seconds(s);
  e.call = std::move(call);
  e.queue = std::move(queue);
  e.caller = std::move(caller);
  return e;
}

core::FloorConfig grouped() {
  core::FloorConfig config;
  config.queues["sales"].answer_target = core::Duration{20'000};
  config.queues["support"].answer_target = core::Duration{60'000};
  config.groups["all"] = core::QueueGroupConfig{{"sales", "support"}, {}};
  config.groups["all"].settings.answer_target = core::Duration{30'000};
  return config;
}

std::optional<v1::FeedMessage> publish(core::FloorState& state, daemon::FeedModel& feed,
                                       core::Timestamp now) {
  core::SnapshotOptions options;
  options.include_waiting_calls = true;
  auto bytes = feed.update(state.snapshot(now, options), false, {});
  if (!bytes) return std::nullopt;
  v1::FeedMessage message;
  REQUIRE(message.ParseFromString(*bytes));
  return message;
}

}  // namespace

TEST_CASE("groups go out when they change, with every snapshot, and removed ones are named",
          "[wallboard][feed][groups]") {
  core::FloorState state(grouped());
  daemon::FeedModel feed({"stockholm", "fw-a", true}, 7);
  state.apply(enqueue(0, "s1", "sales", "+4670001"));
  state.apply(enqueue(5, "u1", "support", "+4670002"));
  auto first = publish(state, feed, t0 + std::chrono::seconds(10));
  REQUIRE(first);
  REQUIRE(first->delta().groups_size() == 1);
  const v1::FeedGroup& group = first->delta().groups(0);
  CHECK(group.name() == "all");
  CHECK(group.calls_waiting() == 2);
  CHECK(group.oldest_enqueued_at_ms() == core::to_epoch_ms(t0));
  CHECK(group.answer_target_seconds() == 30);
  CHECK(group.today().offered() == 2);

  // Nothing changed: no delta at all, although the group is still there.
  CHECK_FALSE(publish(state, feed, t0 + std::chrono::seconds(10)));
  v1::FeedMessage snapshot;
  REQUIRE(snapshot.ParseFromString(feed.snapshot(t0 + std::chrono::seconds(10))));
  REQUIRE(snapshot.snapshot().groups_size() == 1);

  core::FloorConfig without = grouped();
  without.groups.clear();
  state.reconfigure(without, t0 + std::chrono::seconds(11));
  auto removed = publish(state, feed, t0 + std::chrono::seconds(11));
  REQUIRE(removed);
  REQUIRE(removed->delta().removed_groups_size() == 1);
  CHECK(removed->delta().removed_groups(0) == "all");
}

TEST_CASE("each waiting caller carries its number and the forecast as absolute times",
          "[wallboard][feed][callers]") {
  core::FloorState state(grouped());
  daemon::FeedModel feed({"stockholm", "fw-a", true}, 7);
  state.apply(enqueue(0, "s1", "sales", "+4670001"));
  auto message = publish(state, feed, t0 + std::chrono::seconds(10));
  REQUIRE(message);
  const v1::FeedQueue* sales = nullptr;
  for (const auto& q : message->delta().queues())
    if (q.name() == "sales") sales = &q;
  REQUIRE(sales);
  REQUIRE(sales->waiting_callers_size() == 1);
  const v1::FeedWaitingCaller& caller = sales->waiting_callers(0);
  CHECK(caller.call() == "s1");
  CHECK(caller.caller() == "+4670001");
  CHECK(caller.enqueued_at_ms() == core::to_epoch_ms(t0));
  CHECK(caller.breach_at_ms() == core::to_epoch_ms(t0) + 20'000);
  CHECK_FALSE(caller.has_predicted_answer_at_ms());  // nobody staffed
  CHECK(caller.breach_predicted());
}
