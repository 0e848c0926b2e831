// Waiting callers: who is answered when, and who breaches the answer target before an agent can
// take them (docs/metrics.md "Waiting callers", whose worked example is the first test).
#include <catch2/catch.hpp>

#include "core_test_support.h"
#include "floorwatch/core/floor_state.h"
#include "floorwatch/core/waiting_forecast.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

TEST_CASE("the worked example of docs/metrics.md: four callers, one available and two busy agents",
          "[core][waiting]") {
  // Answer target 90 s, AHT 120 s, now 10:00:00. Ann is available; Bob answered at 09:59:00
  // (free at 10:01:00); Cleo at 09:58:30 (free at 10:00:30).
  const Timestamp now = utc("2026-11-24T10:00:00Z");
  const std::vector<AnsweringAgent> agents{
      {AgentStatus::Available, now - minutes(5)},
      {AgentStatus::Busy, utc("2026-11-24T09:59:00Z")},
      {AgentStatus::Busy, utc("2026-11-24T09:58:30Z")},
      {AgentStatus::Paused, now - minutes(20)},  // never counted
  };
  const auto free_at = agents_free_at(agents, 120.0, now);
  REQUIRE(free_at ==
          std::vector<Timestamp>{now, utc("2026-11-24T10:00:30Z"), utc("2026-11-24T10:01:00Z")});
  const std::vector<Timestamp> enqueued{utc("2026-11-24T09:59:30Z"), utc("2026-11-24T09:59:45Z"),
                                        utc("2026-11-24T09:59:55Z"), utc("2026-11-24T10:00:00Z")};
  const auto forecast = forecast_waiting_callers(enqueued, seconds(90), free_at, 120.0, now);
  REQUIRE(forecast.size() == 4);
  // 1 of 4 goes to Ann now; 2 of 4 to Cleo at 10:00:30; 3 of 4 to Bob at 10:01:00.
  CHECK(forecast[0].predicted_answer_at == now);
  CHECK(forecast[1].predicted_answer_at == utc("2026-11-24T10:00:30Z"));
  CHECK(forecast[2].predicted_answer_at == utc("2026-11-24T10:01:00Z"));
  // 4 of 4 waits for Ann again, at 10:02:00: after its breach at 10:01:30, so it is marked.
  CHECK(forecast[3].predicted_answer_at == utc("2026-11-24T10:02:00Z"));
  CHECK(forecast[3].breach_at == utc("2026-11-24T10:01:30Z"));
  const bool marked[] = {false, false, false, true};
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(forecast[i].breach_at == enqueued[i] + seconds(90));
    CHECK(forecast[i].breach_predicted == marked[i]);
  }
}

TEST_CASE("when each agent can take the next caller", "[core][waiting]") {
  const Timestamp now = utc("2026-11-24T10:00:00Z");
  using Row = std::tuple<AgentStatus, Duration /*busy for*/, std::optional<Timestamp>>;
  const auto [state, busy_for, expected] =
      GENERATE_COPY(table<AgentStatus, Duration, std::optional<Timestamp>>({
          Row{AgentStatus::Available, Duration{0}, now},
          Row{AgentStatus::Ringing, Duration{0}, now},
          Row{AgentStatus::Wrapup, Duration{0}, now},
          Row{AgentStatus::Busy, seconds(30), now + seconds(90)},  // AHT 120 s, 30 s talked
          Row{AgentStatus::Busy, seconds(300), now},               // over the AHT: any moment
          Row{AgentStatus::Paused, Duration{0}, std::nullopt},
          Row{AgentStatus::Offline, Duration{0}, std::nullopt},
      }));
  CAPTURE(to_string(state));
  const auto free_at = agents_free_at({{state, now - busy_for}}, 120.0, now);
  if (expected) {
    REQUIRE(free_at.size() == 1);
    CHECK(free_at[0] == *expected);
  } else {
    CHECK(free_at.empty());
  }
  SECTION("without a handle time nobody can say when a busy agent frees up") {
    CHECK(agents_free_at({{AgentStatus::Busy, now}}, std::nullopt, now).empty());
  }
}

TEST_CASE("callers nobody can answer, and callers already over the target, are marked",
          "[core][waiting]") {
  const Timestamp now = utc("2026-11-24T10:00:00Z");
  SECTION("no agent at all") {
    const auto forecast = forecast_waiting_callers({now - seconds(5)}, seconds(60), {}, 120.0, now);
    CHECK_FALSE(forecast[0].predicted_answer_at);
    CHECK(forecast[0].breach_predicted);
  }
  SECTION("an available agent, but the caller already waited past the target") {
    const auto forecast =
        forecast_waiting_callers({now - seconds(70)}, seconds(60), {now}, 120.0, now);
    CHECK(forecast[0].predicted_answer_at == now);
    CHECK(forecast[0].breach_predicted);
  }
  SECTION("answered exactly at the breach instant is not a breach (wait <= target counts)") {
    const auto forecast =
        forecast_waiting_callers({now - seconds(60)}, seconds(60), {now}, 120.0, now);
    CHECK_FALSE(forecast[0].breach_predicted);
  }
}

TEST_CASE("the engine forecasts its waiting callers from its members, their talk and the AHT",
          "[core][waiting]") {
  FloorConfig config;
  QueueSettings settings;
  settings.answer_target = seconds(90);
  config.queues["support"] = settings;
  FloorState floor(config);
  const auto at = [](const char* time) { return utc(std::string("2026-11-24T") + time + "Z"); };
  // One handled call sets the AHT: answered 09:50:00, wrap-up ends 09:52:00 -> 120 s.
  REQUIRE(floor
              .apply(agent_state(at("09:49:00"), "ann", AgentStatus::Available,
                                 std::vector<std::string>{"support"}))
              .applied);
  REQUIRE(floor.apply(enqueued(at("09:49:50"), "x1", "support")).applied);
  REQUIRE(floor.apply(answered(at("09:50:00"), "x1", "ann")).applied);
  REQUIRE(floor.apply(completed(at("09:51:30"), "x1")).applied);
  REQUIRE(floor.apply(agent_state(at("09:52:00"), "ann", AgentStatus::Available)).applied);
  // Ann takes another call at 09:59:00: free again at 10:01:00.
  REQUIRE(floor.apply(enqueued(at("09:58:55"), "x2", "support")).applied);
  REQUIRE(floor.apply(answered(at("09:59:00"), "x2", "ann")).applied);
  REQUIRE(
      floor.apply(enqueued(at("09:59:30"), "c1", "support", Channel::Voice, "+4670001")).applied);
  REQUIRE(
      floor.apply(enqueued(at("09:59:40"), "c2", "support", Channel::Voice, "+4670002")).applied);

  SnapshotOptions options;
  options.include_waiting_calls = true;
  const FloorSnapshot snapshot = floor.snapshot(at("10:00:00"), options);
  const QueueSnapshot& support = snapshot.queues.at(0);
  REQUIRE(support.handle_time_seconds == 120.0);
  REQUIRE(support.waiting_calls.size() == 2);
  const WaitingCallSnapshot& first = support.waiting_calls[0];
  const WaitingCallSnapshot& second = support.waiting_calls[1];
  CHECK(first.caller == "+4670001");
  CHECK(first.predicted_answer_at == at("10:01:00"));
  CHECK(first.breach_at == at("10:01:00"));
  CHECK_FALSE(first.breach_predicted);  // answered as the target ends
  CHECK(second.predicted_answer_at == at("10:03:00"));
  CHECK(second.breach_at == at("10:01:10"));
  CHECK(second.breach_predicted);  // Ann is its only hope, two minutes too late
}
