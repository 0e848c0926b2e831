#pragma once
// The next interval's forecast (docs/metrics.md "Forecast"): offered calls and handle time of a
// queue's coming intervals from the same interval of the same weekday in the last weeks, in the
// site's local time, recent weeks weighted more; and the agents the next interval needs. Pure:
// history and `now` come in as values.
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "floorwatch/core/floor_snapshot.h"
#include "floorwatch/core/outcome_counters.h"
#include "floorwatch/core/queue_settings.h"
#include "floorwatch/core/site_calendar.h"
#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// One stored reporting interval of one queue. Plain value type.
struct HistoryInterval {
  Timestamp start{};
  Timestamp end{};  ///< exclusive
  OutcomeCounters counts;
};

/// Weeks of history a forecast looks back by default (the history keeps 62 days).
inline constexpr int kDefaultForecastWeeks = 6;

/// Weight of the same interval `week` weeks back (1 = last week) when looking back `weeks`
/// weeks: weeks + 1 - week, a linear decay (6 weeks: 6, 5, 4, 3, 2, 1). Throws
/// std::invalid_argument unless 1 <= week <= weeks.
double forecast_week_weight(int week, int weeks);

/// Forecast of one reporting interval. Plain value type.
struct IntervalForecast {
  Timestamp start{};
  Timestamp end{};
  double offered = 0;                         ///< expected calls entering the queue
  std::optional<double> handle_time_seconds;  ///< nullopt: no handled call in the weeks used
  int weeks_used = 0;                         ///< weeks that had data for this interval
  double expected_handled = 0;                ///< weighted mean of handled calls (for pooling)
  double expected_handle_seconds = 0;         ///< weighted mean of handle time sums (for pooling)
};

/// Forecast of several consecutive intervals (the rest of the day). Plain value type.
struct PeriodForecast {
  Timestamp start{};
  Timestamp end{};
  double offered = 0;                         ///< sum over the intervals that have a forecast
  std::optional<double> handle_time_seconds;  ///< expected handle time / expected handled
  int intervals = 0;                          ///< intervals that had a forecast
};

/// One queue's interval history, indexed for forecasts. Plain value type.
class QueueHistory {
 public:
  /// Throws std::invalid_argument unless weeks >= 1.
  QueueHistory(const std::vector<HistoryInterval>& intervals, SiteCalendar calendar,
               int weeks = kDefaultForecastWeeks);

  /// The interval starting at `start` (an interval boundary): for each of the last `weeks`
  /// weeks, the interval with the same local start time on the same weekday (the first one in a
  /// repeated autumn hour); a week whose reporting day has no row of this queue, or whose local
  /// clock skipped that time, is left out; an interval without a row on a day that has rows
  /// counted 0 calls. Weighted mean of the weeks used; nullopt when none is.
  std::optional<IntervalForecast> forecast_interval(Timestamp start) const;
  /// The intervals starting in [from, to) (from on a boundary); nullopt when none has a forecast.
  std::optional<PeriodForecast> forecast_period(Timestamp from, Timestamp to) const;

  const SiteCalendar& calendar() const { return calendar_; }
  bool empty() const { return by_start_.empty(); }

 private:
  SiteCalendar calendar_;
  int weeks_;
  std::map<Timestamp, OutcomeCounters> by_start_;
  std::set<Timestamp> days_with_rows_;  // reporting-day starts
};

/// What a queue's forecast says at one instant. Plain value type.
struct QueueForecast {
  IntervalForecast next;  ///< the interval after the current one
  std::optional<PeriodForecast>
      rest_of_day;                   ///< from `next` to the end of today (the reporting day)
  std::optional<int> agents_needed;  ///< for `next` at the queue's service-level target
  StaffingModel staffing_model = StaffingModel::ErlangC;  ///< what agents_needed used
};

/// Agents the forecast interval needs to reach `settings`' service-level target: Erlang A with
/// the measured mean patience, Erlang C without (or when Erlang A rejects it). 0 when no call is
/// expected; nullopt without a handle time or when no count reaches the target. Sets `model`.
std::optional<int> forecast_agents_needed(const IntervalForecast& forecast,
                                          const QueueSettings& settings,
                                          std::optional<double> mean_patience_seconds,
                                          StaffingModel& model);

/// The forecast at `now`: the next interval (the one after the interval containing `now`), the
/// rest of the reporting day from it, and the agents the next interval needs. nullopt when the
/// next interval has no history (no forecast, never 0).
std::optional<QueueForecast> forecast_queue(const QueueHistory& history, Timestamp now,
                                            const QueueSettings& settings,
                                            std::optional<double> mean_patience_seconds);

/// How far a forecast was off: |forecast − actual| / actual; nullopt when actual is 0 (a
/// percentage error is undefined there).
std::optional<double> absolute_percentage_error(double forecast, double actual);

/// Mean absolute percentage error (MAPE) over the intervals added, leaving out those with no
/// actual call (see absolute_percentage_error). Plain value type.
class ForecastAccuracy {
 public:
  void add(double forecast, double actual);
  /// nullopt until an interval with actual calls was added.
  std::optional<double> mape() const;
  int compared() const { return compared_; }  ///< intervals in the MAPE
  int skipped() const { return skipped_; }    ///< intervals without actual calls

 private:
  double sum_ = 0;
  int compared_ = 0;
  int skipped_ = 0;
};

}  // namespace floorwatch::core
