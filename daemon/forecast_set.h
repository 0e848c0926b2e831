#pragma once
// The forecasts of every queue at one interval boundary (docs/metrics.md "Forecast"), built from
// interval-history rows by core's forecast. Readers on any thread share one immutable set.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/interval_history.h"
#include "floorwatch/core/floor_snapshot.h"
#include "floorwatch/core/forecast.h"

namespace floorwatch::daemon {

/// Forecasts of the queues that have history, by queue name. Plain value type; a queue without
/// history has no entry (no forecast, never 0).
struct ForecastSet {
  core::Timestamp computed_at{};
  std::map<std::string, core::QueueForecast, std::less<>> queues;

  const core::QueueForecast* find(std::string_view queue) const {
    const auto it = queues.find(queue);
    return it == queues.end() ? nullptr : &it->second;
  }
};

/// What the live floor says of a queue's staffing inputs: its settings (service-level target)
/// and measured mean patience (Erlang A when present).
struct QueueStaffingInputs {
  core::QueueSettings settings;
  std::optional<double> mean_patience_seconds;
};

/// The history a forecast at `now` reads: for each of the last `weeks` weeks (oldest first), the
/// same reporting days k·7 days back — today's and, when the next interval starts tomorrow,
/// tomorrow's — with two hours of slack either side for a DST change in between. Only these
/// days matter, so the worker reads about 6 days of rows instead of 43.
std::vector<std::pair<core::Timestamp, core::Timestamp>> forecast_history_ranges(
    core::Timestamp now, const core::SiteCalendar& calendar, int weeks);

/// Groups `rows` (any queues, any order) into one core::QueueHistory per queue.
std::map<std::string, core::QueueHistory, std::less<>> histories_by_queue(
    const std::vector<IntervalRow>& rows, const core::SiteCalendar& calendar, int weeks);

/// The forecasts at `now` of every queue in `rows` (any order; each queue's rows oldest first
/// when its newest row's settings matter). A queue's staffing uses `live` when the floor knows
/// it, else the settings of its newest row and Erlang C. Pure.
ForecastSet build_forecasts(const std::vector<IntervalRow>& rows, core::Timestamp now,
                            const core::SiteCalendar& calendar,
                            const std::map<std::string, QueueStaffingInputs, std::less<>>& live,
                            int weeks = core::kDefaultForecastWeeks);

}  // namespace floorwatch::daemon
