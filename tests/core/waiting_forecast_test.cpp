// Waiting callers: who is answered when, and who breaches the answer target before an agent can
// take them (docs/metrics.md "Waiting callers", whose worked example is the first test).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

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

TEST_CASE("the forecast counts the queue's members as they are now, and after a restart",
          "[core][waiting]") {
  FloorConfig config;
  config.queues["support"].answer_target = seconds(90);
  config.queues["sales"];
  FloorState floor(config);
  const auto at = [](const char* time) { return utc(std::string("2026-11-24T") + time + "Z"); };
  const std::vector<std::string> support{"support"};
  // Ann handles a call (AHT 120 s) and takes another at 09:59:00: free at 10:01:00.
  for (const Event& e :
       {agent_state(at("09:49:00"), "ann", AgentStatus::Available, support),
        enqueued(at("09:49:50"), "x1", "support"), answered(at("09:50:00"), "x1", "ann"),
        completed(at("09:51:30"), "x1"), agent_state(at("09:52:00"), "ann", AgentStatus::Available),
        enqueued(at("09:58:55"), "x2", "support"), answered(at("09:59:00"), "x2", "ann"),
        agent_state(at("09:59:10"), "bob", AgentStatus::Available, support),
        enqueued(at("09:59:30"), "c1", "support")})
    REQUIRE(floor.apply(e).applied);
  SnapshotOptions options;
  options.include_waiting_calls = true;
  const auto next_answer = [&](FloorState& state) {
    return state.snapshot(at("10:00:00"), options)
        .queues.at(1)
        .waiting_calls.at(0)
        .predicted_answer_at;
  };
  CHECK(next_answer(floor) == at("10:00:00"));  // Bob is free

  REQUIRE(floor
              .apply(agent_state(at("09:59:50"), "bob", AgentStatus::Available,
                                 std::vector<std::string>{"sales"}))
              .applied);
  CHECK(next_answer(floor) == at("10:01:00"));  // Bob moved to sales: Ann, when she is free

  FloorState restarted(config);
  restarted.load(floor.save());
  CHECK(next_answer(restarted) == at("10:01:00"));
  REQUIRE(
      restarted.apply(agent_state(at("09:59:55"), "bob", AgentStatus::Available, support)).applied);
  CHECK(next_answer(restarted) == at("10:00:00"));  // back in support after the restart
}

// Callers ahead who hang up (docs/metrics.md "Waiting callers", "Callers ahead who hang up").
namespace {

// Three agents free at 10:00:00, 10:00:40 and 10:01:20 with an AHT of 120 s: releases every
// 40 s = 1/(sμ), the evenly spaced schedule on which QL_m holds exactly.
struct EvenFloor {
  Timestamp now = utc("2026-11-24T10:00:00Z");
  std::vector<Timestamp> free_at{now, now + seconds(40), now + seconds(80)};
  double aht = 120.0;
};

std::vector<Timestamp> one_a_second_until(Timestamp now, std::size_t count) {
  std::vector<Timestamp> enqueued;
  for (std::size_t k = 0; k < count; ++k)
    enqueued.push_back(now - seconds(static_cast<double>(count - k)));
  return enqueued;
}

// Σ_{i=0..n} 1/(sμ + iθ) in seconds, term by term.
double ql_m_seconds(int agents, double aht, double patience, int ahead) {
  double sum = 0.0;
  for (int i = 0; i <= ahead; ++i) sum += 1.0 / (agents / aht + i / patience);
  return sum;
}

}  // namespace

TEST_CASE("the worked example of docs/metrics.md: callers ahead who hang up (QL_m)",
          "[core][waiting][patience]") {
  const EvenFloor floor;
  const Timestamp now = floor.now;
  const auto at = [](const char* time) { return utc(std::string("2026-11-24T") + time + "Z"); };
  const std::vector<Timestamp> enqueued{at("09:57:30"),
                                        at("09:58:00"),
                                        at("09:58:30"),
                                        at("09:59:00"),
                                        at("09:59:35"),
                                        at("09:59:50"),
                                        now};
  // Answer target 180 s; mean patience 120 s, so θ = 1/120 s and sμ = 3/120 s: sμ/θ = 3.
  const auto stay = forecast_waiting_callers(enqueued, seconds(180), floor.free_at, 120.0, now);
  const auto leave =
      forecast_waiting_callers(enqueued, seconds(180), floor.free_at, 120.0, now, 120.0);
  REQUIRE(stay.size() == 7);
  REQUIRE(leave.size() == 7);
  // Old (everyone stays): 10:00:00, 10:00:40, 10:01:20, then one every 40 s. With patience the
  // first round keeps its releases; then 120 s/(3 + i) per step: 40, 30, 24, 20 s.
  const std::vector<Timestamp> stays{at("10:00:00"), at("10:00:40"), at("10:01:20"), at("10:02:00"),
                                     at("10:02:40"), at("10:03:20"), at("10:04:00")};
  const std::vector<Timestamp> leaves{at("10:00:00"), at("10:00:40"), at("10:01:20"),
                                      at("10:02:00"), at("10:02:30"), at("10:02:54"),
                                      at("10:03:14")};
  const bool marked_if_stay[] = {false, false, false, false, true, true, true};
  const bool marked_if_leave[] = {false, false, false, false, false, true, true};
  for (std::size_t k = 0; k < 7; ++k) {
    CAPTURE(k);
    CHECK(stay[k].predicted_answer_at == stays[k]);
    CHECK(leave[k].predicted_answer_at == leaves[k]);
    CHECK(stay[k].breach_predicted == marked_if_stay[k]);
    CHECK(leave[k].breach_predicted == marked_if_leave[k]);
    CHECK(leave[k].breach_at == enqueued[k] + seconds(180));
  }
  SECTION("each wait past the first round is the closed-form sum 120 s x (H_{n+3} - H_2)") {
    for (int n = 0; n <= 3; ++n) {
      CAPTURE(n);
      double harmonic = 0.0;  // H_{n+3} - H_2 = 1/3 + ... + 1/(n+3)
      for (int j = 3; j <= n + 3; ++j) harmonic += 1.0 / j;
      const Duration expected = seconds(120.0 * harmonic);
      CHECK(*leave[3 + n].predicted_answer_at - at("10:01:20") == expected);
      CHECK(to_seconds(expected) == Approx(ql_m_seconds(3, 120.0, 120.0, n)).epsilon(1e-12));
    }
  }
}

TEST_CASE("without a patience estimate the forecast is the schedule of releases as before",
          "[core][waiting][patience]") {
  // The docs' first worked example (uneven releases) and a long queue on an even one.
  const Timestamp now = utc("2026-11-24T10:00:00Z");
  const std::vector<Timestamp> uneven{now, now + seconds(30), now + seconds(60)};
  const auto [free_at, callers] = GENERATE_COPY(table<std::vector<Timestamp>, std::size_t>(
      {{uneven, 4}, {uneven, 40}, {EvenFloor{}.free_at, 200}}));
  const auto enqueued = one_a_second_until(now, callers);
  const auto stay = forecast_waiting_callers(enqueued, seconds(90), free_at, 120.0, now);
  // θ = 0 in every spelling: no estimate, an infinite mean patience, or a nonsense one.
  const double infinite = std::numeric_limits<double>::infinity();
  for (const std::optional<double> patience :
       {std::optional<double>{}, std::optional(infinite), std::optional(0.0)}) {
    const auto forecast =
        forecast_waiting_callers(enqueued, seconds(90), free_at, 120.0, now, patience);
    REQUIRE(forecast.size() == stay.size());
    for (std::size_t k = 0; k < stay.size(); ++k) {
      CAPTURE(k);
      CHECK(forecast[k].predicted_answer_at == stay[k].predicted_answer_at);
      CHECK(forecast[k].breach_predicted == stay[k].breach_predicted);
    }
  }
  // Caller k of an even schedule waits k x 40 s: Whitt's QL predictor (n + 1)/(sμ) for the
  // n = k - 3 callers ahead once the first round is out, after the first round's 80 s.
  if (callers == 200) CHECK(*stay[199].predicted_answer_at == now + seconds(199 * 40.0));
}

TEST_CASE("more impatient callers ahead: earlier answers, never out of queue order",
          "[core][waiting][patience]") {
  const Timestamp now = utc("2026-11-24T10:00:00Z");
  // Uneven releases too: three agents free now, one at 10:01:30.
  const std::vector<Timestamp> free_at{now, now, now, now + seconds(90)};
  const auto enqueued = one_a_second_until(now, 60);
  std::vector<CallerForecast> previous =
      forecast_waiting_callers(enqueued, seconds(90), free_at, 120.0, now);
  for (const double patience : {3600.0, 600.0, 180.0, 60.0, 10.0}) {
    CAPTURE(patience);
    const auto forecast =
        forecast_waiting_callers(enqueued, seconds(90), free_at, 120.0, now, patience);
    for (std::size_t k = 0; k < forecast.size(); ++k) {
      CAPTURE(k);
      const Timestamp answer = *forecast[k].predicted_answer_at;
      if (k < free_at.size()) {  // the first round keeps each agent's known release
        CHECK(answer == *previous[k].predicted_answer_at);
        continue;
      }
      CHECK(answer >= now + seconds(90));  // never before the first round is over
      CHECK(answer >= *forecast[k - 1].predicted_answer_at);  // first come, first served
      if (k == free_at.size())
        CHECK(answer == now + seconds(120));  // nobody ahead past the first round: as before
      else  // somebody ahead may hang up (releases at the same instant can leave a tie)
        CHECK(answer <= *previous[k].predicted_answer_at);
    }
    CHECK(*forecast.back().predicted_answer_at < *previous.back().predicted_answer_at);
    previous = forecast;
  }
}

TEST_CASE("a long queue's last caller: QL_m's sum, (1/θ)(H_{n+3} - H_2) for sμ/θ = 3",
          "[core][waiting][patience]") {
  const EvenFloor floor;
  const std::size_t callers = 2004;  // n = 2000 ahead of the last one once the first round is out
  const auto enqueued = one_a_second_until(floor.now, callers);
  const auto forecast =
      forecast_waiting_callers(enqueued, seconds(90), floor.free_at, floor.aht, floor.now, 120.0);
  const double waited = to_seconds(*forecast.back().predicted_answer_at - floor.free_at.back());
  // H_m by its asymptotic series (error below 1/(120 m^4)), not by adding the terms up.
  const auto harmonic = [](double m) {
    return std::log(m) + 0.5772156649015329 + 1.0 / (2 * m) - 1.0 / (12 * m * m);
  };
  const double closed_form = 120.0 * (harmonic(2003.0) - 1.5);
  CHECK(waited == Approx(closed_form).margin(0.001));
  CHECK(waited == Approx(ql_m_seconds(3, 120.0, 120.0, 2000)).margin(0.001));
  // Bounded by the patience, where everyone staying would take (n + 1) x 40 s = 80,040 s.
  CHECK(waited < 120.0 * std::log(1.0 + 2000.0 / 3.0) + 40.0);
  SECTION("an uneven schedule (every agent free now) agrees within one AHT") {
    const std::vector<Timestamp> bursts{floor.now, floor.now, floor.now};
    const auto burst_forecast =
        forecast_waiting_callers(enqueued, seconds(90), bursts, floor.aht, floor.now, 120.0);
    const double burst_waited = to_seconds(*burst_forecast.back().predicted_answer_at - floor.now);
    CHECK(std::abs(burst_waited - closed_form) <= 120.0);
  }
}

TEST_CASE("the engine forecasts with its queue's measured patience", "[core][waiting][patience]") {
  FloorConfig config;
  QueueSettings settings;
  settings.answer_target = seconds(90);
  config.queues["support"] = settings;
  FloorState floor(config);
  const auto at = [](const char* time) { return utc(std::string("2026-11-24T") + time + "Z"); };
  const auto apply = [&floor](const Event& event) { REQUIRE(floor.apply(event).applied); };
  apply(agent_state(at("09:00:00"), "ann", AgentStatus::Available,
                    std::vector<std::string>{"support"}));
  // 20 callers hang up after 60 s each, and two answered at once: patience 1200 s / 20 = 60 s.
  for (int i = 0; i < 20; ++i) {
    const std::string call = "ab" + std::to_string(i);
    const Timestamp joined = at("09:10:00") + seconds(10.0 * i);
    apply(enqueued(joined, call, "support"));
    apply(abandoned(joined + seconds(60), call));
  }
  // One handled call sets the AHT at 120 s; Ann takes the next at 09:59:00 (free at 10:01:00).
  apply(enqueued(at("09:50:00"), "x1", "support"));
  apply(answered(at("09:50:00"), "x1", "ann"));
  apply(completed(at("09:51:30"), "x1"));
  apply(agent_state(at("09:52:00"), "ann", AgentStatus::Available));
  apply(enqueued(at("09:59:00"), "x2", "support"));
  apply(answered(at("09:59:00"), "x2", "ann"));
  apply(enqueued(at("09:59:30"), "c1", "support"));
  apply(enqueued(at("09:59:35"), "c2", "support"));
  apply(enqueued(at("09:59:40"), "c3", "support"));

  SnapshotOptions options;
  options.include_waiting_calls = true;
  const QueueSnapshot support = floor.snapshot(at("10:00:00"), options).queues.at(0);
  REQUIRE(support.handle_time_seconds == 120.0);
  REQUIRE(support.mean_patience_seconds == 60.0);
  REQUIRE(support.waiting_calls.size() == 3);
  // s = 1, sμ = 1/120 s, θ = 1/60 s. c1 takes Ann at 10:01:00, c2 at 10:03:00 (nobody ahead of
  // it past the first round); c3 has c2 ahead: 120 s + 1/(1/120 + 1/60) = 160 s after 10:01:00.
  CHECK(support.waiting_calls[0].predicted_answer_at == at("10:01:00"));
  CHECK(support.waiting_calls[1].predicted_answer_at == at("10:03:00"));
  CHECK(support.waiting_calls[2].predicted_answer_at == at("10:03:40"));  // 10:05:00 if c2 stays
}
