// Erlang C against the published test vector (docs/metrics.md; values checked against the R
// ErlangC package): 100 calls per 30 minutes, AHT 180 s -> A = 100 x 180 / 1800 = 10 Erlang,
// answer target 20 s.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <cmath>

#include "floorwatch/core/erlang_c.h"

using namespace floorwatch::core::erlang;

namespace {
constexpr double kTraffic = 10.0;
constexpr double kAnswerTarget = 20.0;
constexpr double kHandleTime = 180.0;
const Workload kHundredCallsPerHalfHour{100, 1800, 180};
}  // namespace

TEST_CASE("Erlang C test vector: A = 10 Erlang, T = 20 s, AHT = 180 s", "[core][erlang]") {
  // agents, P(wait), SL(20 s), ASA (s)
  auto [agents, p_wait, level, asa] = GENERATE(table<int, double, double, double>({
      {12, 0.449388, 0.640158, 40.445},
      {13, 0.285270, 0.795595, 17.116},
      {14, 0.174132, 0.888350, 7.836},
      {15, 0.102042, 0.941453, 3.674},
  }));
  CAPTURE(agents);
  CHECK(probability_of_waiting(agents, kTraffic) == Approx(p_wait).margin(1e-5));
  CHECK(service_level(agents, kTraffic, kAnswerTarget, kHandleTime) == Approx(level).margin(1e-4));
  const auto speed = average_speed_of_answer(agents, kTraffic, kHandleTime);
  REQUIRE(speed.has_value());
  CHECK(*speed == Approx(asa).margin(1e-2));

  const auto row = evaluate(kHundredCallsPerHalfHour, agents, kAnswerTarget);
  CHECK(row.agents == agents);
  CHECK(row.probability_of_waiting == Approx(p_wait).margin(1e-5));
  CHECK(row.service_level == Approx(level).margin(1e-4));
  REQUIRE(row.average_speed_of_answer_seconds.has_value());
  CHECK(*row.average_speed_of_answer_seconds == Approx(asa).margin(1e-2));
  CHECK(row.occupancy == Approx(kTraffic / agents));  // A / N
}

TEST_CASE("the reference figures: N=13 -> 0.7956, N=14 -> 0.8884 and ASA 7.84 s",
          "[core][erlang]") {
  CHECK(service_level(13, kTraffic, kAnswerTarget, kHandleTime) == Approx(0.7956).margin(1e-4));
  CHECK(service_level(14, kTraffic, kAnswerTarget, kHandleTime) == Approx(0.8884).margin(1e-4));
  CHECK(*average_speed_of_answer(14, kTraffic, kHandleTime) == Approx(7.84).margin(5e-3));
}

TEST_CASE("agents required for 100 calls / 30 min, AHT 180 s, 80/20 is 14", "[core][erlang]") {
  CHECK(kHundredCallsPerHalfHour.traffic_erlangs() == Approx(10.0));
  // 13 agents reach 79.6 % (just short of 80 %), 14 reach 88.8 %.
  CHECK(agents_required(kHundredCallsPerHalfHour, kAnswerTarget, 0.80) == 14);
  // A 75/20 target is met by 13; a 90/20 target needs 15.
  CHECK(agents_required(kHundredCallsPerHalfHour, kAnswerTarget, 0.75) == 13);
  CHECK(agents_required(kHundredCallsPerHalfHour, kAnswerTarget, 0.90) == 15);
}

TEST_CASE("agents required: empty workload or unreachable target gives nothing", "[core][erlang]") {
  CHECK_FALSE(agents_required(Workload{0, 1800, 180}, kAnswerTarget, 0.80).has_value());
  // 14 agents would be needed; a ceiling of 13 cannot reach it.
  CHECK_FALSE(agents_required(kHundredCallsPerHalfHour, kAnswerTarget, 0.80, /*max_agents=*/13)
                  .has_value());
}

TEST_CASE("Erlang B recursion on hand-checkable values", "[core][erlang]") {
  // B(0, A) = 1: with no servers every call is blocked.
  CHECK(erlang_b(0, 3.0) == Approx(1.0));
  // B(1, A) = A / (1 + A)
  CHECK(erlang_b(1, 1.0) == Approx(0.5));
  // B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
  CHECK(erlang_b(2, 1.0) == Approx(0.2));
  // No traffic, no blocking.
  CHECK(erlang_b(5, 0.0) == Approx(0.0).margin(1e-15));
}

TEST_CASE("too few agents: everyone waits, nobody within target, ASA infinite", "[core][erlang]") {
  auto agents = GENERATE(0, 5, 9, 10);  // N <= A = 10
  CAPTURE(agents);
  CHECK(probability_of_waiting(agents, kTraffic) == 1.0);
  CHECK(service_level(agents, kTraffic, kAnswerTarget, kHandleTime) == 0.0);
  CHECK_FALSE(average_speed_of_answer(agents, kTraffic, kHandleTime).has_value());
  const auto row = evaluate(kHundredCallsPerHalfHour, agents, kAnswerTarget);
  CHECK(row.probability_of_waiting == 1.0);
  CHECK(row.service_level == 0.0);
  CHECK_FALSE(row.average_speed_of_answer_seconds.has_value());
}

TEST_CASE("no traffic: nobody waits", "[core][erlang]") {
  CHECK(probability_of_waiting(3, 0.0) == Approx(0.0).margin(1e-15));
  CHECK(service_level(3, 0.0, kAnswerTarget, kHandleTime) == Approx(1.0));
  CHECK(*average_speed_of_answer(3, 0.0, kHandleTime) == Approx(0.0).margin(1e-12));
}

TEST_CASE("service level grows and waiting shrinks with every added agent", "[core][erlang]") {
  double previous_level = 0;
  double previous_wait = 1;
  for (int agents = 11; agents <= 30; ++agents) {
    CAPTURE(agents);
    const double level = service_level(agents, kTraffic, kAnswerTarget, kHandleTime);
    const double wait = probability_of_waiting(agents, kTraffic);
    CHECK(level > previous_level);
    CHECK(wait < previous_wait);
    CHECK(level <= 1.0);
    previous_level = level;
    previous_wait = wait;
  }
}

TEST_CASE("large floors do not overflow: 2000 agents at 1900 Erlang", "[core][erlang]") {
  // A factorial formula overflows a double long before N = 2000 (171! > DBL_MAX).
  const double blocking = erlang_b(2000, 1900.0);
  CHECK(std::isfinite(blocking));
  CHECK(blocking > 0.0);
  CHECK(blocking < 0.01);  // B(2000, 1900) = 0.000679

  const double p_wait = probability_of_waiting(2000, 1900.0);
  CHECK(std::isfinite(p_wait));
  CHECK(p_wait == Approx(0.013406).margin(1e-5));

  const double level = service_level(2000, 1900.0, kAnswerTarget, kHandleTime);
  CHECK(std::isfinite(level));
  CHECK(level > 0.99);
  CHECK(level <= 1.0);

  const auto speed = average_speed_of_answer(2000, 1900.0, kHandleTime);
  REQUIRE(speed.has_value());
  CHECK(std::isfinite(*speed));

  // 19,000 calls / 30 min at 180 s = 1900 Erlang: the answer is just above the traffic, and
  // one agent fewer misses the target.
  const Workload big{19'000, 1800, 180};
  const auto required = agents_required(big, kAnswerTarget, 0.80);
  REQUIRE(required.has_value());
  CHECK(*required > 1900);
  CHECK(*required < 2000);
  CHECK(service_level(*required, big.traffic_erlangs(), kAnswerTarget, 180) >= 0.80);
  CHECK(service_level(*required - 1, big.traffic_erlangs(), kAnswerTarget, 180) < 0.80);
}
