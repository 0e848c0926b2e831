// A queue group in the control socket's `snapshot` (daemon/group_json.cpp): members, its own
// settings, live waiting, and each window's service level as its formula's numerator over
// denominator, null (never 0) before any call is judged.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "daemon/group_json.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch;
using nlohmann::json;

namespace {

const core::Timestamp t0 = core::from_epoch_ms(1'795'510'800'000);  // 2026-11-24T09:00:00Z

core::Event call_event(core::EventType type, int second, std::string call, std::string queue = {},
                       std::string agent = {}) {
  core::Event e;
  e.type = type;
  e.ts = t0 + std::chrono::seconds(second);
  e.call = std::move(call);
  e.queue = std::move(queue);
  e.agent = std::move(agent);
  return e;
}

core::FloorConfig grouped_floor() {
  core::FloorConfig config;
  config.queues["support"].answer_target = std::chrono::seconds(60);
  config.queues["support_vip"].answer_target = std::chrono::seconds(20);
  core::QueueSettings group;
  group.answer_target = std::chrono::seconds(30);
  group.formula = core::ServiceLevelFormula::AnsweredOnly;
  config.groups["support_all"] = core::QueueGroupConfig{{"support", "support_vip"}, group};
  return config;
}

}  // namespace

TEST_CASE("a group's snapshot JSON carries its own formula's terms per window",
          "[daemon][control][groups]") {
  core::FloorState floor(grouped_floor());
  using T = core::EventType;
  // support: answered after 10 s (within the group's 30 s); vip: answered after 40 s (not);
  // one caller still waits in vip since T0+50.
  for (const core::Event& e : {call_event(T::CallEnqueued, 0, "h1", "support"),
                               call_event(T::CallAnswered, 10, "h1", {}, "ann"),
                               call_event(T::CallEnqueued, 0, "v1", "support_vip"),
                               call_event(T::CallAnswered, 40, "v1", {}, "bob"),
                               call_event(T::CallEnqueued, 50, "w1", "support_vip")})
    REQUIRE(floor.apply(e).applied);
  const core::FloorSnapshot snapshot = floor.snapshot(t0 + std::chrono::seconds(80));
  REQUIRE(snapshot.groups.size() == 1);
  const json group = daemon::to_json(snapshot.groups[0]);

  CHECK(group["name"] == "support_all");
  CHECK(group["queues"] == json::array({"support", "support_vip"}));
  CHECK(group["settings"]["service_level_formula"] == "answered_only");
  CHECK(group["settings"]["answer_target_seconds"] == 30.0);
  CHECK(group["calls_waiting"] == 1);
  CHECK(group["oldest_enqueued_at"] == "2026-11-24T09:00:50.000Z");
  CHECK(group["oldest_wait_seconds"] == Approx(30.0));
  const json& today = group["windows"]["today"];
  CHECK(today["offered"] == 3);
  CHECK(today["answered"] == 2);
  CHECK(today["answered_within_target"] == 1);
  CHECK(today["service_level"] == Approx(0.5));
  CHECK(today["service_level_numerator"] == 1);
  CHECK(today["service_level_denominator"] == 2);
  CHECK(group["lifetime"]["answered"] == 2);

  SECTION("before any call is judged the level is null, and its terms say 0 of 0") {
    core::FloorState quiet(grouped_floor());
    const json empty = daemon::to_json(quiet.snapshot(t0).groups.at(0));
    CHECK(empty["windows"]["today"]["service_level"].is_null());
    CHECK(empty["windows"]["today"]["service_level_denominator"] == 0);
    CHECK(empty["oldest_wait_seconds"].is_null());
  }
}
