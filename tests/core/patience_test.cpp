// The floor's own patience: mean patience = total time callers waited / abandons.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>
#include <random>

#include "floorwatch/core/patience.h"

using namespace floorwatch::core;
using std::chrono::seconds;

TEST_CASE("worked example: answered, abandoned and still-waiting callers", "[core][patience]") {
  // Answered after 10 s, 20 s and 30 s; hung up after 40 s and 60 s; one caller has been
  // waiting 15 s so far. Total waiting 175 s over 2 abandons: mean patience 87.5 s.
  const PatienceObservations window{seconds(10 + 20 + 30 + 40 + 60 + 15), 2};
  CHECK(estimate_mean_patience_seconds(window, /*min_abandoned=*/2) == Approx(87.5));
  // Counting only the abandoned callers' waits would claim 50 s: impatience overstated, because
  // the answered and waiting callers had not run out of patience yet.
  CHECK(*estimate_mean_patience_seconds(window, 2) > (40.0 + 60.0) / 2);
}

TEST_CASE("worked example: a busy half hour with the default minimum", "[core][patience]") {
  // 180 callers waited 6 h 30 min in total; 26 of them hung up: 23,400 s / 26 = 900 s.
  const PatienceObservations window{std::chrono::minutes(390), 26};
  CHECK(estimate_mean_patience_seconds(window) == Approx(900.0));
}

TEST_CASE("too few abandons: no estimate yet", "[core][patience]") {
  const PatienceObservations window{std::chrono::minutes(60), kMinAbandonsForPatience - 1};
  CHECK_FALSE(estimate_mean_patience_seconds(window).has_value());
  const PatienceObservations enough{std::chrono::minutes(60), kMinAbandonsForPatience};
  CHECK(estimate_mean_patience_seconds(enough) == Approx(3600.0 / kMinAbandonsForPatience));
}

TEST_CASE("nobody hung up or nobody waited: no estimate, whatever the minimum",
          "[core][patience]") {
  CHECK_FALSE(estimate_mean_patience_seconds({std::chrono::minutes(30), 0}, 0).has_value());
  CHECK_FALSE(estimate_mean_patience_seconds({Duration::zero(), 5}, 1).has_value());
}

TEST_CASE("recovers the patience of simulated callers", "[core][patience]") {
  // 20,000 callers with exponential patience (mean 120 s) who are offered an answer after an
  // exponential wait (mean 60 s): each waits min(patience, answer) and hangs up when patience
  // runs out first. The estimate must land within 3 % of 120 s.
  std::mt19937 random(7);
  std::exponential_distribution<double> patience(1.0 / 120), answer(1.0 / 60);
  PatienceObservations window;
  for (int caller = 0; caller < 20000; ++caller) {
    const double gives_up = patience(random), answered = answer(random);
    window.total_wait += seconds_to_duration(std::min(gives_up, answered));
    if (gives_up < answered) ++window.abandoned;
  }
  CHECK(window.abandoned > 5000);
  CHECK(estimate_mean_patience_seconds(window) == Approx(120.0).epsilon(0.03));
}
