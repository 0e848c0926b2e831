// The forecast against a simulated floor with a known weekly pattern: seven weeks of Poisson
// arrivals (weekday-peaks), the last week forecast from the six before it. The error must be what
// the Poisson noise allows — no more (a wrong weekday, interval or DST mapping shows as bias) and
// no less (a forecast that peeks at the week it forecasts would beat the noise).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numbers>

#include "floorwatch/core/forecast.h"
#include "traffic_simulator.h"

using namespace floorwatch;
using namespace floorwatch::collectors;

namespace {

// Monday 2026-10-05T00:00:00Z: 20731 days after the epoch.
const core::Timestamp kMonday = core::from_epoch_ms(20731LL * 86'400'000);
constexpr core::Duration kWeek = std::chrono::hours(24 * 7);
constexpr int kWeeks = core::kDefaultForecastWeeks;

// Offered calls per 30-minute interval (UTC) of the one simulated queue.
std::map<core::Timestamp, core::OutcomeCounters> offered_by_interval(
    const SimulationConfig& config) {
  TrafficSimulator simulator(config);
  std::map<core::Timestamp, core::OutcomeCounters> intervals;
  while (auto event = simulator.next()) {
    if (event->type != core::EventType::CallEnqueued) continue;
    const auto start = std::chrono::floor<std::chrono::minutes>(event->ts);
    const core::Timestamp interval =
        start - std::chrono::minutes(start.time_since_epoch().count() % 30);
    ++intervals[interval].offered;
  }
  return intervals;
}

}  // namespace

TEST_CASE("simulated weeks: forecast error within the Poisson noise", "[forecast]") {
  SimulationConfig config;
  config.seed = 14;
  config.start = kMonday;
  config.duration = (kWeeks + 1) * kWeek;
  config.queues = {"support"};
  config.pattern = WeeklyPattern::WeekdayPeaks;
  const auto intervals = offered_by_interval(config);

  const core::Timestamp last_week = kMonday + kWeeks * kWeek;
  std::vector<core::HistoryInterval> history;
  for (const auto& [start, counts] : intervals)
    if (start < last_week) history.push_back({start, start + std::chrono::minutes(30), counts});
  const core::QueueHistory queue(history, core::SiteCalendar("UTC", 0, 30), kWeeks);

  // Derivation of the bound. Each week's count of one interval is Poisson(λ) (thinned Poisson
  // arrivals, the same weekly curve every week), so the forecast F = Σ w_k·X_k / Σ w_k has
  // variance λ·Σw²/(Σw)² = λ/n_eff, n_eff = (Σw)²/Σw² = 21²/91 ≈ 4.85 for weights 6..1, and the
  // actual A is an independent Poisson(λ). F − A: mean 0, variance λ(1 + 1/n_eff); for λ ≥ 20 it
  // is nearly normal, so E|F − A| = √(2/π)·√(λ(1 + 1/n_eff)) and E[APE] ≈ that / λ. MAPE over m
  // intervals: the mean of those, within about ±0.75/√m relative (m ≈ 250 here: ±5 %), plus a few
  // percent upward because A (not λ) divides. Hence the band [0.8, 1.25] × expected.
  double sum_w = 0, sum_w2 = 0;
  for (int k = 1; k <= kWeeks; ++k) {
    sum_w += core::forecast_week_weight(k, kWeeks);
    sum_w2 += std::pow(core::forecast_week_weight(k, kWeeks), 2);
  }
  const double n_eff = sum_w * sum_w / sum_w2;
  core::ForecastAccuracy accuracy;
  double expected_ape_sum = 0, forecast_sum = 0, actual_sum = 0;
  int compared = 0;
  for (core::Timestamp t = last_week; t < last_week + kWeek; t += std::chrono::minutes(30)) {
    const double lambda =
        TrafficSimulator::expected_offered(config, 0, t, t + std::chrono::minutes(30));
    if (lambda < 20) continue;  // night and weekend troughs: too few calls for a percentage
    const auto forecast = queue.forecast_interval(t);
    REQUIRE(forecast);
    const auto it = intervals.find(t);
    const double actual = it == intervals.end() ? 0.0 : static_cast<double>(it->second.offered);
    accuracy.add(forecast->offered, actual);
    expected_ape_sum += std::sqrt(2 / std::numbers::pi) * std::sqrt((1 + 1 / n_eff) / lambda);
    forecast_sum += forecast->offered;
    actual_sum += actual;
    ++compared;
  }
  REQUIRE(compared > 150);
  const double expected_mape = expected_ape_sum / compared;
  INFO("MAPE " << *accuracy.mape() << ", expected from the noise " << expected_mape << " over "
               << compared << " intervals; forecast " << forecast_sum << " vs actual "
               << actual_sum);
  CHECK(*accuracy.mape() <= 1.25 * expected_mape);
  CHECK(*accuracy.mape() >= 0.8 * expected_mape);
  // No bias: over the week, forecast and actual agree within the noise of ~10,000 calls (±2 %).
  CHECK(forecast_sum == Approx(actual_sum).epsilon(0.03));
}

TEST_CASE("weekly patterns: names and weekday factors", "[forecast]") {
  CHECK(parse_weekly_pattern("daily") == WeeklyPattern::Daily);
  CHECK(parse_weekly_pattern("weekday-peaks") == WeeklyPattern::WeekdayPeaks);
  CHECK_FALSE(parse_weekly_pattern("weekly"));
  CHECK(weekday_factor(WeeklyPattern::Daily, 6) == 1.0);
  CHECK(weekday_factor(WeeklyPattern::WeekdayPeaks, 0) == 1.0);  // Monday
  CHECK(weekday_factor(WeeklyPattern::WeekdayPeaks, 6) <
        weekday_factor(WeeklyPattern::WeekdayPeaks, 4));
}
