#include "floorwatch/core/forecast.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "floorwatch/core/erlang_a.h"
#include "floorwatch/core/erlang_c.h"

namespace floorwatch::core {
namespace {

constexpr Duration kWeek = std::chrono::hours(24 * 7);

// The weighted sums of one interval's weeks, before they become means.
struct WeightedSums {
  double weight = 0;
  double offered = 0;
  double handled = 0;
  double handle_seconds = 0;
  int weeks = 0;

  void add(double w, const OutcomeCounters& counts) {
    weight += w;
    offered += w * static_cast<double>(counts.offered);
    handled += w * static_cast<double>(counts.handled);
    handle_seconds += w * static_cast<double>(counts.handle_time_sum_ms) / 1000.0;
    ++weeks;
  }
};

std::optional<double> ratio(double numerator, double denominator) {
  if (denominator <= 0) return std::nullopt;
  return numerator / denominator;
}

}  // namespace

double forecast_week_weight(int week, int weeks) {
  if (weeks < 1 || week < 1 || week > weeks)
    throw std::invalid_argument("forecast week " + std::to_string(week) + " outside 1.." +
                                std::to_string(weeks));
  return static_cast<double>(weeks + 1 - week);
}

QueueHistory::QueueHistory(const std::vector<HistoryInterval>& intervals, SiteCalendar calendar,
                           int weeks)
    : calendar_(std::move(calendar)), weeks_(weeks) {
  if (weeks < 1)
    throw std::invalid_argument("forecast weeks must be at least 1, got " + std::to_string(weeks));
  for (const HistoryInterval& row : intervals) {
    by_start_[row.start] += row.counts;
    days_with_rows_.insert(calendar_.day_start(row.start));
  }
}

std::optional<IntervalForecast> QueueHistory::forecast_interval(Timestamp start) const {
  const Duration local = calendar_.local_time(start);
  WeightedSums sums;
  for (int week = 1; week <= weeks_; ++week) {
    const std::optional<Timestamp> then = calendar_.first_instant_at(local - week * kWeek);
    if (!then || !days_with_rows_.contains(calendar_.day_start(*then))) continue;
    const auto row = by_start_.find(*then);
    sums.add(forecast_week_weight(week, weeks_),
             row == by_start_.end() ? OutcomeCounters{} : row->second);
  }
  if (sums.weeks == 0) return std::nullopt;
  IntervalForecast forecast;
  forecast.start = start;
  forecast.end = calendar_.interval_end(start);
  forecast.offered = sums.offered / sums.weight;
  forecast.expected_handled = sums.handled / sums.weight;
  forecast.expected_handle_seconds = sums.handle_seconds / sums.weight;
  forecast.handle_time_seconds = ratio(sums.handle_seconds, sums.handled);
  forecast.weeks_used = sums.weeks;
  return forecast;
}

std::optional<PeriodForecast> QueueHistory::forecast_period(Timestamp from, Timestamp to) const {
  PeriodForecast period;
  period.start = from;
  period.end = to;
  double handled = 0, handle_seconds = 0;
  for (Timestamp t = from; t < to; t = calendar_.interval_end(t)) {
    const auto interval = forecast_interval(t);
    if (!interval) continue;
    period.offered += interval->offered;
    handled += interval->expected_handled;
    handle_seconds += interval->expected_handle_seconds;
    ++period.intervals;
  }
  if (period.intervals == 0) return std::nullopt;
  period.handle_time_seconds = ratio(handle_seconds, handled);
  return period;
}

std::optional<int> forecast_agents_needed(const IntervalForecast& forecast,
                                          const QueueSettings& settings,
                                          std::optional<double> mean_patience_seconds,
                                          StaffingModel& model) {
  model = mean_patience_seconds ? StaffingModel::ErlangA : StaffingModel::ErlangC;
  if (forecast.offered <= 0) return 0;  // nobody expected: nobody needed
  if (!forecast.handle_time_seconds || *forecast.handle_time_seconds <= 0) return std::nullopt;
  const erlang::Workload workload{forecast.offered, to_seconds(forecast.end - forecast.start),
                                  *forecast.handle_time_seconds};
  const double target_seconds = to_seconds(settings.answer_target);
  if (mean_patience_seconds) {
    try {
      return erlang_a::agents_required(
          workload, *mean_patience_seconds,
          erlang_a::StaffingTarget{target_seconds, settings.service_level_target, std::nullopt});
    } catch (const std::invalid_argument&) {
      model = StaffingModel::ErlangC;  // an unusable patience: as if not measured
    }
  }
  return erlang::agents_required(workload, target_seconds, settings.service_level_target);
}

std::optional<QueueForecast> forecast_queue(const QueueHistory& history, Timestamp now,
                                            const QueueSettings& settings,
                                            std::optional<double> mean_patience_seconds) {
  const SiteCalendar& calendar = history.calendar();
  const Timestamp next_start = calendar.interval_end(now);
  auto next = history.forecast_interval(next_start);
  if (!next) return std::nullopt;
  QueueForecast forecast;
  forecast.next = *next;
  forecast.rest_of_day = history.forecast_period(next_start, calendar.next_day_start(now));
  forecast.agents_needed = forecast_agents_needed(forecast.next, settings, mean_patience_seconds,
                                                  forecast.staffing_model);
  return forecast;
}

std::optional<double> absolute_percentage_error(double forecast, double actual) {
  if (actual <= 0) return std::nullopt;
  return std::abs(forecast - actual) / actual;
}

void ForecastAccuracy::add(double forecast, double actual) {
  if (const auto error = absolute_percentage_error(forecast, actual)) {
    sum_ += *error;
    ++compared_;
  } else {
    ++skipped_;
  }
}

std::optional<double> ForecastAccuracy::mape() const {
  return ratio(sum_, compared_);
}

}  // namespace floorwatch::core
