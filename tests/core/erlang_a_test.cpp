// Erlang A (M/M/n+M): published figures, an independent brute-force solution of the same model,
// and properties a planner relies on (more agents, fewer hang-ups; infinite patience is Erlang C).
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <vector>

#include "floorwatch/core/erlang_a.h"
#include "floorwatch/core/erlang_c.h"

using namespace floorwatch::core;
using erlang_a::StaffingRow;
using erlang_a::StaffingTarget;
using erlang_a::Workload;

namespace {

// The scenario of pyworkforce's Erlang A documentation and tests: 100 calls per 30 minutes,
// AHT 3 min, mean patience 5 min, answer target 20 s (A = 10 Erlangs).
const Workload kHundredCallsPerHalfHour{100, 1800, 180};
constexpr double kFiveMinutes = 300;
constexpr double kAnswerTarget = 20;

StaffingTarget target_of(double answer_target, double level,
                         std::optional<double> max_abandoning = std::nullopt) {
  return {answer_target, level, max_abandoning};
}

// The model solved by brute force, sharing no formula with the code under test: the stationary
// distribution of the birth–death chain (birth λ, death min(k,n)·μ + max(k−n,0)·θ) truncated
// far into its tail, and the chain of one tagged caller who finds j callers ahead (advances at
// nμ + jθ, hangs up at θ) solved by first-step analysis and, for the answer-time distribution,
// by integrating its forward equations with Runge–Kutta.
struct ChainFigures {
  double probability_of_waiting = 0;
  double probability_of_abandoning = 0;
  double service_level = 0;
  double average_wait_seconds = 0;
  double average_speed_of_answer_seconds = 0;
  double occupancy = 0;
};

// Stationary probabilities of k callers in the system, k = 0..K, computed in logarithms so a
// floor of hundreds of agents does not overflow; K is where the tail drops below e^−60.
std::vector<double> stationary_distribution(double lambda, double mu, double theta, int n) {
  std::vector<double> log_weight{0.0};
  double highest = 0;
  for (int k = 1;; ++k) {
    const double death = std::min(k, n) * mu + std::max(k - n, 0) * theta;
    log_weight.push_back(log_weight.back() + std::log(lambda / death));
    highest = std::max(highest, log_weight.back());
    if (k > n && death > lambda && log_weight.back() < highest - 60) break;
  }
  std::vector<double> probability;
  double total = 0;
  for (double w : log_weight) total += probability.emplace_back(std::exp(w - highest));
  for (double& p : probability) p /= total;
  return probability;
}

// P(answered within `target` | j ahead) for j = 0..max_ahead: u_j' = r_j·(u_{j−1} − u_j) − θ·u_j
// with u_{−1} = 1 (answered), r_j = nμ + jθ, u(0) = 0.
std::vector<double> answered_within(double mu, double theta, int n, int max_ahead, double target) {
  const auto derivative = [&](const std::vector<double>& u) {
    std::vector<double> du(u.size());
    for (size_t j = 0; j < u.size(); ++j) {
      const double ahead_done = j == 0 ? 1.0 : u[j - 1];
      du[j] = (n * mu + j * theta) * (ahead_done - u[j]) - theta * u[j];
    }
    return du;
  };
  const double fastest = n * mu + (max_ahead + 1) * theta;
  const int steps = std::max(100, static_cast<int>(std::ceil(target * fastest / 0.02)));
  const double h = target / steps;
  std::vector<double> u(max_ahead + 1, 0.0);
  const auto plus = [](std::vector<double> a, const std::vector<double>& b, double f) {
    for (size_t i = 0; i < a.size(); ++i) a[i] += f * b[i];
    return a;
  };
  for (int s = 0; s < steps; ++s) {
    const auto k1 = derivative(u);
    const auto k2 = derivative(plus(u, k1, h / 2));
    const auto k3 = derivative(plus(u, k2, h / 2));
    const auto k4 = derivative(plus(u, k3, h));
    for (size_t j = 0; j < u.size(); ++j) u[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
  return u;
}

ChainFigures solve_birth_death(const Workload& workload, double patience, int n, double target) {
  const double lambda = workload.calls / workload.period_seconds;
  const double mu = 1 / workload.handle_time_seconds;
  const double theta = 1 / patience;
  const std::vector<double> pi = stationary_distribution(lambda, mu, theta, n);
  const int max_ahead = static_cast<int>(pi.size()) - 1 - n;
  const std::vector<double> within = answered_within(mu, theta, n, max_ahead, target);

  ChainFigures chain;
  double busy = 0, answered_wait = 0;
  double served = 1, served_wait = 0, wait = 0;  // for j − 1 ahead; j = −1 is "answered now"
  for (int k = 0; k < static_cast<int>(pi.size()); ++k) busy += std::min(k, n) * pi[k];
  for (int k = 0; k < n; ++k) chain.service_level += pi[k];
  for (int j = 0; j <= max_ahead; ++j) {
    const double rate = n * mu + j * theta, leave = rate + theta;
    // First step: the next event is the queue moving (rate) or this caller hanging up (θ).
    served_wait = rate / leave * (served / leave + served_wait);
    served = rate / leave * served;
    wait = 1 / leave + rate / leave * wait;
    const double p = pi[n + j];
    chain.probability_of_waiting += p;
    chain.probability_of_abandoning += p * (1 - served);
    chain.service_level += p * within[j];
    chain.average_wait_seconds += p * wait;
    answered_wait += p * served_wait;
  }
  chain.average_speed_of_answer_seconds = answered_wait / (1 - chain.probability_of_abandoning);
  chain.occupancy = busy / n;
  return chain;
}

}  // namespace

TEST_CASE("pyworkforce's published Erlang A figures", "[core][erlang_a]") {
  // rodrigo-arenas/pyworkforce (MIT), pyworkforce/queuing/tests/test_abandonment.py,
  // test_erlanga_regression_metrics: 14 positions -> waiting_probability 0.14526,
  // abandonment_probability 0.013984, occupancy 0.704297, average_speed_of_answer 0.069919 min
  // (pyworkforce's ASA is the mean wait of all callers), service_level 0.916792.
  const StaffingRow fourteen =
      erlang_a::evaluate(kHundredCallsPerHalfHour, kFiveMinutes, 14, kAnswerTarget);
  CHECK(fourteen.probability_of_waiting == Approx(0.14526).margin(5e-6));
  CHECK(fourteen.probability_of_abandoning == Approx(0.013984).margin(5e-7));
  CHECK(fourteen.occupancy == Approx(0.704297).margin(5e-7));
  CHECK(fourteen.average_wait_seconds / 60 == Approx(0.069919).margin(5e-7));
  CHECK(fourteen.service_level == Approx(0.916792).margin(5e-7));

  // pyworkforce docs/guide/erlanga.md, required_positions(service_level=0.8, max_occupancy=0.85,
  // max_abandonment=0.05) -> raw_positions 13 with service_level 0.858, occupancy 0.750,
  // abandonment_probability 0.025, waiting_probability 0.226, average_speed_of_answer 0.125 min
  // (printed to three decimals).
  const StaffingRow thirteen =
      erlang_a::evaluate(kHundredCallsPerHalfHour, kFiveMinutes, 13, kAnswerTarget);
  CHECK(thirteen.service_level == Approx(0.858).margin(5e-4));
  CHECK(thirteen.occupancy == Approx(0.750).margin(5e-4));
  CHECK(thirteen.probability_of_abandoning == Approx(0.025).margin(5e-4));
  CHECK(thirteen.probability_of_waiting == Approx(0.226).margin(5e-4));
  CHECK(thirteen.average_wait_seconds / 60 == Approx(0.125).margin(5e-4));
  const StaffingTarget target = target_of(kAnswerTarget, 0.8, 0.05);
  CHECK(erlang_a::agents_required(kHundredCallsPerHalfHour, kFiveMinutes, target) == 13);
  // We could not read Garnett, Mandelbaum & Reiman's or Mandelbaum & Zeltyn's own tables in
  // full, so no row of theirs is quoted here; the brute-force check below covers the model.
}

TEST_CASE("every figure agrees with a brute-force solution of the birth-death chain",
          "[core][erlang_a]") {
  // calls per 30 min, AHT, mean patience, agents, answer target: under- and overloaded floors,
  // a single agent, very impatient callers, and a floor of 500 agents.
  auto [calls, aht, patience, agents, target] =
      GENERATE(table<double, double, double, int, double>({
          {100, 180, 300, 13, 20},
          {100, 180, 300, 8, 20},
          {10, 300, 60, 1, 30},
          {60, 120, 30, 2, 10},
          {400, 240, 600, 50, 20},
          {4800, 180, 300, 500, 20},
          {5500, 180, 300, 500, 20},
      }));
  CAPTURE(calls, aht, patience, agents, target);
  const Workload workload{calls, 1800, aht};
  const StaffingRow row = erlang_a::evaluate(workload, patience, agents, target);
  const ChainFigures chain = solve_birth_death(workload, patience, agents, target);

  CHECK(row.agents == agents);
  CHECK(row.probability_of_waiting == Approx(chain.probability_of_waiting).margin(1e-9));
  CHECK(row.probability_of_abandoning == Approx(chain.probability_of_abandoning).margin(1e-9));
  CHECK(row.service_level == Approx(chain.service_level).margin(1e-7));
  CHECK(row.average_wait_seconds == Approx(chain.average_wait_seconds).epsilon(1e-8));
  REQUIRE(row.average_speed_of_answer_seconds.has_value());
  CHECK(*row.average_speed_of_answer_seconds ==
        Approx(chain.average_speed_of_answer_seconds).epsilon(1e-8));
  CHECK(row.occupancy == Approx(chain.occupancy).epsilon(1e-9));
}

TEST_CASE("more agents: fewer callers hang up, more are answered in time", "[core][erlang_a]") {
  // Offered Erlangs x patience / AHT over a grid, from 1 agent to well past the traffic.
  auto traffic = GENERATE(2.0, 10.0, 50.0, 200.0);
  auto patience_over_aht = GENERATE(0.2, 1.0, 5.0);
  CAPTURE(traffic, patience_over_aht);
  const Workload workload{traffic * 1800 / 180, 1800, 180};
  StaffingRow previous = erlang_a::evaluate(workload, 180 * patience_over_aht, 1, kAnswerTarget);
  for (int agents = 2; agents <= 2 * traffic + 10; ++agents) {
    CAPTURE(agents);
    const StaffingRow row =
        erlang_a::evaluate(workload, 180 * patience_over_aht, agents, kAnswerTarget);
    CHECK(row.probability_of_abandoning < previous.probability_of_abandoning);
    // Deep in overload P(wait) is 1 to the last bit of a double, and SL (a true 1e-20 there)
    // is 1 − P(abandon) − P(answered late), exact to about 1e-13 only: no strict change.
    CHECK(row.probability_of_waiting <= previous.probability_of_waiting);
    CHECK(row.service_level >= previous.service_level - 1e-12);
    CHECK(row.service_level <= 1 - row.probability_of_abandoning);
    previous = row;
  }
}

TEST_CASE("with endless patience Erlang A becomes Erlang C", "[core][erlang_a]") {
  // Callers who would wait 100 million seconds (3 years) on average practically never hang up:
  // at 11 agents the mean wait is 164 s, so P(abandon) is about 164 / 10^8.
  constexpr double kEndless = 1e8;
  auto agents = GENERATE(range(11, 21));
  CAPTURE(agents);
  const StaffingRow a = erlang_a::evaluate(kHundredCallsPerHalfHour, kEndless, agents, 20);
  const erlang::StaffingRow c = erlang::evaluate(kHundredCallsPerHalfHour, agents, 20);
  CHECK(a.probability_of_abandoning < 1e-5);
  CHECK(a.probability_of_waiting == Approx(c.probability_of_waiting).margin(1e-5));
  CHECK(a.service_level == Approx(c.service_level).margin(1e-5));
  REQUIRE(a.average_speed_of_answer_seconds.has_value());
  CHECK(*a.average_speed_of_answer_seconds ==
        Approx(*c.average_speed_of_answer_seconds).epsilon(1e-3));
  CHECK(a.average_wait_seconds == Approx(*c.average_speed_of_answer_seconds).epsilon(1e-3));
  CHECK(a.occupancy == Approx(c.occupancy).epsilon(1e-5));
  // Erlang C's own test vector agrees: 14 agents reach 80/20 (at 10^7 s, which is quicker to
  // search from one agent up: the queue of an overloaded floor is ~y − x callers long).
  CHECK(erlang_a::agents_required(kHundredCallsPerHalfHour, 1e7, target_of(20, 0.8)) == 14);
}

TEST_CASE("hang-ups relieve the queue: Erlang A needs fewer agents than Erlang C",
          "[core][erlang_a]") {
  // Erlang C needs 14 for 80/20; with 5-minute patience 13 already answer 85.8 % in 20 s.
  CHECK(erlang::agents_required(kHundredCallsPerHalfHour, kAnswerTarget, 0.8) == 14);
  CHECK(erlang_a::agents_required(kHundredCallsPerHalfHour, kFiveMinutes,
                                  target_of(kAnswerTarget, 0.8)) == 13);
  // A ceiling on hang-ups can need more than the service level alone: 1 % needs 15 agents
  // (14 agents lose 1.40 % of callers, 15 lose 0.75 %).
  CHECK(erlang_a::agents_required(kHundredCallsPerHalfHour, kFiveMinutes,
                                  target_of(kAnswerTarget, 0.8, 0.01)) == 15);
}

TEST_CASE("agents required is the first count that meets the target", "[core][erlang_a]") {
  auto [calls, patience, level] = GENERATE(table<double, double, double>(
      {{100, 300, 0.8}, {100, 60, 0.9}, {2000, 120, 0.8}, {9000, 600, 0.95}, {30, 30, 0.5}}));
  CAPTURE(calls, patience, level);
  const Workload workload{calls, 1800, 180};
  const auto required =
      erlang_a::agents_required(workload, patience, target_of(kAnswerTarget, level));
  REQUIRE(required.has_value());
  CHECK(erlang_a::evaluate(workload, patience, *required, kAnswerTarget).service_level >= level);
  CHECK(erlang_a::evaluate(workload, patience, *required - 1, kAnswerTarget).service_level < level);
}

TEST_CASE("a big overloaded floor stays finite and conserves work", "[core][erlang_a]") {
  // 500 agents offered 550 or 2000 Erlangs: factorials and powers would overflow long before.
  auto traffic = GENERATE(480.0, 550.0, 2000.0);
  CAPTURE(traffic);
  const Workload workload{traffic * 1800 / 180, 1800, 180};
  const StaffingRow row = erlang_a::evaluate(workload, 120, 500, kAnswerTarget);
  for (double figure : {row.probability_of_waiting, row.probability_of_abandoning,
                        row.service_level, row.occupancy, row.average_wait_seconds}) {
    CHECK(std::isfinite(figure));
    CHECK(figure >= 0);
  }
  CHECK(row.probability_of_waiting <= 1);
  CHECK(row.occupancy <= 1);
  // Agents cannot serve more than 500 Erlangs: at least 1 − 500/A of the callers must hang up.
  CHECK(row.probability_of_abandoning >= std::max(0.0, 1 - 500 / traffic) - 1e-12);
  // Agents required at such a load is found in one pass.
  const auto required = erlang_a::agents_required(workload, 120, target_of(kAnswerTarget, 0.8));
  REQUIRE(required.has_value());
  CHECK(*required < traffic + 100);
}

TEST_CASE("edge cases: no traffic, no agents, bad input", "[core][erlang_a]") {
  SECTION("nobody calls: nobody waits and every (absent) call is in time") {
    const StaffingRow row = erlang_a::evaluate({0, 1800, 180}, kFiveMinutes, 3, kAnswerTarget);
    CHECK(row.probability_of_waiting == 0);
    CHECK(row.probability_of_abandoning == 0);
    CHECK(row.service_level == 1);
    CHECK(row.occupancy == 0);
    CHECK_FALSE(erlang_a::agents_required({0, 1800, 180}, kFiveMinutes, {}).has_value());
  }
  SECTION("no agents: every caller waits out their patience and hangs up") {
    const StaffingRow row = erlang_a::evaluate(kHundredCallsPerHalfHour, kFiveMinutes, 0, 20);
    CHECK(row.probability_of_abandoning == 1);
    CHECK(row.service_level == 0);
    CHECK(row.average_wait_seconds == kFiveMinutes);
    CHECK_FALSE(row.average_speed_of_answer_seconds.has_value());
  }
  SECTION("an unreachable target within the ceiling gives nothing") {
    CHECK_FALSE(erlang_a::agents_required(kHundredCallsPerHalfHour, kFiveMinutes,
                                          target_of(kAnswerTarget, 0.8), /*max_agents=*/12)
                    .has_value());
  }
  SECTION("no patience or no handle time is a broken input") {
    CHECK_THROWS_AS(erlang_a::evaluate(kHundredCallsPerHalfHour, 0, 13, 20), std::invalid_argument);
    CHECK_THROWS_AS(erlang_a::evaluate({100, 1800, 0}, kFiveMinutes, 13, 20),
                    std::invalid_argument);
  }
}
