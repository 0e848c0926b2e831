// Queue groups: the group's own formula over its own counters, each member call classified with
// the group's target (docs/metrics.md "Queue groups", whose worked example is the first test).
#include <catch2/catch.hpp>

#include "core_test_support.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

QueueSettings target(double answer_seconds) {
  QueueSettings settings;
  settings.answer_target = seconds(answer_seconds);
  settings.formula = ServiceLevelFormula::AnsweredOnly;
  return settings;
}

FloorConfig support_floor() {
  FloorConfig config;
  config.queues["support"] = target(60);
  config.queues["support_vip"] = target(20);
  config.groups["support_all"] = QueueGroupConfig{{"support", "support_vip"}, target(30)};
  return config;
}

// Answers a call after `wait` seconds; calls are numbered so every one is new.
void answer_after(FloorState& floor, const std::string& queue, double wait, int& number) {
  const std::string call = queue + "-" + std::to_string(++number);
  const Timestamp start = utc("2026-11-24T09:00:00Z") + minutes(number);
  REQUIRE(floor.apply(enqueued(start, call, queue)).applied);
  REQUIRE(floor.apply(answered(start + seconds(wait), call, "agent-" + call)).applied);
}

GroupSnapshot group_of(const FloorSnapshot& snapshot) {
  REQUIRE(snapshot.groups.size() == 1);
  return snapshot.groups.front();
}

}  // namespace

TEST_CASE("the worked example: a group's service level is its own, not an average",
          "[core][groups]") {
  FloorState floor(support_floor());
  int number = 0;
  for (double wait : {10, 10, 10, 10, 25, 45, 45, 70}) answer_after(floor, "support", wait, number);
  for (double wait : {15, 25}) answer_after(floor, "support_vip", wait, number);
  const FloorSnapshot snapshot = floor.snapshot(utc("2026-11-24T09:30:00Z"));

  const auto today = [&](const std::string& queue) {
    for (const QueueSnapshot& q : snapshot.queues)
      if (q.name == queue) return *q.window(WindowKind::Today).service_level;
    FAIL("no queue " << queue);
    return 0.0;
  };
  CHECK(today("support") == Approx(7.0 / 8));      // 87.5 % within its 60 s
  CHECK(today("support_vip") == Approx(1.0 / 2));  // 50 % within its 20 s
  const double average_of_percentages = (today("support") + today("support_vip")) / 2;
  CHECK(average_of_percentages == Approx(0.6875));  // what a naive board would show

  const GroupSnapshot group = group_of(snapshot);
  CHECK(group.name == "support_all");
  const OutcomeCounters& counts = group.window(WindowKind::Today).counts;
  CHECK(counts.answered == 10);
  CHECK(counts.answered_within_target == 7);  // within the group's own 30 s
  CHECK(*group.window(WindowKind::Today).service_level == Approx(0.70));
  CHECK(*group.window(WindowKind::Today).service_level != Approx(average_of_percentages));
  // Adding the members' own numerators (8 of 10) mixes a 60 s and a 20 s target: not 30 s.
  CHECK(*group.window(WindowKind::Today).service_level != Approx(0.80));
  CHECK(group.lifetime.answered_within_target == 7);
}

TEST_CASE("abandons and exits of members count with the group's own short abandon and target",
          "[core][groups]") {
  FloorConfig config = support_floor();
  config.groups["support_all"].settings.short_abandon = seconds(10);
  config.groups["support_all"].settings.formula = ServiceLevelFormula::AbandonsPositive;
  FloorState floor(config);
  const Timestamp t0 = utc("2026-11-24T09:00:00Z");
  REQUIRE(floor.apply(enqueued(t0, "a", "support")).applied);
  REQUIRE(floor.apply(abandoned(t0 + seconds(8), "a")).applied);  // short for the group (10 s)
  REQUIRE(floor.apply(enqueued(t0, "b", "support_vip")).applied);
  REQUIRE(floor.apply(abandoned(t0 + seconds(25), "b")).applied);  // within 30, over vip's 20
  REQUIRE(floor.apply(enqueued(t0, "c", "support_vip")).applied);
  REQUIRE(floor.apply(exited(t0 + seconds(40), "c", ExitReason::Timeout)).applied);
  REQUIRE(floor.apply(enqueued(t0, "other", "sales")).applied);  // not a member

  const GroupSnapshot group = group_of(floor.snapshot(t0 + minutes(1)));
  const OutcomeCounters& counts = group.window(WindowKind::Today).counts;
  CHECK(counts.offered == 3);
  CHECK(counts.abandoned == 2);
  CHECK(counts.abandoned_short == 1);
  CHECK(counts.abandoned_within_target == 2);
  CHECK(counts.exited() == 1);
  // (A_in + Ab_in) / (A + Ab) = (0 + 2) / (0 + 2)
  CHECK(*group.window(WindowKind::Today).service_level == Approx(1.0));
}

TEST_CASE("a group shows its members' waiting callers and oldest wait", "[core][groups]") {
  FloorState floor(support_floor());
  const Timestamp t0 = utc("2026-11-24T09:00:00Z");
  REQUIRE(floor.apply(enqueued(t0 + seconds(5), "a", "support")).applied);
  REQUIRE(floor.apply(enqueued(t0, "b", "support_vip")).applied);
  REQUIRE(floor.apply(enqueued(t0 + seconds(9), "c", "support_vip")).applied);
  const GroupSnapshot group = group_of(floor.snapshot(t0 + seconds(30)));
  CHECK(group.calls_waiting == 3);
  CHECK(group.oldest_enqueued_at == t0);
  CHECK(group.oldest_wait_seconds == 30.0);
  CHECK(group.queues == std::vector<std::string>{"support", "support_vip"});
}

TEST_CASE("a group keeps its counters across a reload and a restart", "[core][groups]") {
  FloorState floor(support_floor());
  int number = 0;
  answer_after(floor, "support", 10, number);
  answer_after(floor, "support_vip", 50, number);
  const Timestamp now = utc("2026-11-24T09:30:00Z");

  SECTION("SIGHUP with a new target: counted calls stay, new ones use the new target") {
    FloorConfig next = support_floor();
    next.groups["support_all"].settings.answer_target = seconds(60);
    floor.reconfigure(next, now);
    answer_after(floor, "support_vip", 50, number);
    const GroupSnapshot group = group_of(floor.snapshot(now));
    CHECK(group.window(WindowKind::Today).counts.answered == 3);
    CHECK(group.window(WindowKind::Today).counts.answered_within_target == 2);
    CHECK(group.settings.answer_target == seconds(60));
  }
  SECTION("a removed group disappears; a new one starts empty") {
    FloorConfig next = support_floor();
    next.groups.clear();
    next.groups["vip_only"] = QueueGroupConfig{{"support_vip"}, target(30)};
    floor.reconfigure(next, now);
    const GroupSnapshot group = group_of(floor.snapshot(now));
    CHECK(group.name == "vip_only");
    CHECK(group.lifetime.answered == 0);
  }
  SECTION("save() and load() keep the group's counters") {
    const std::string bytes = floor.save();
    FloorState restarted(support_floor());
    restarted.load(bytes);
    const GroupSnapshot group = group_of(restarted.snapshot(now));
    CHECK(group.window(WindowKind::Today).counts.answered == 2);
    CHECK(group.window(WindowKind::Today).counts.answered_within_target == 1);
    CHECK(group.lifetime.answered == 2);
  }
}
