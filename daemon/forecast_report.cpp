#include "daemon/forecast_report.h"

#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "daemon/forecast_set.h"

namespace floorwatch::daemon {
namespace {

using nlohmann::json;

json optional_number(std::optional<double> value) {
  return value ? json(*value) : json(nullptr);
}

// What happened in one queue's intervals: offered by start, and the days that have rows.
struct Actuals {
  std::map<core::Timestamp, const IntervalRow*> by_start;
  std::set<core::Timestamp> days;

  // Offered calls in the interval; 0 on a day with rows, nullopt on a day without any.
  std::optional<double> offered(core::Timestamp start, const core::SiteCalendar& calendar) const {
    if (const auto it = by_start.find(start); it != by_start.end())
      return static_cast<double>(it->second->counts.offered);
    if (days.contains(calendar.day_start(start))) return 0.0;
    return std::nullopt;
  }
};

std::map<std::string, Actuals, std::less<>> actuals_by_queue(const std::vector<IntervalRow>& rows,
                                                             const core::SiteCalendar& calendar) {
  std::map<std::string, Actuals, std::less<>> actuals;
  for (const IntervalRow& row : rows) {
    Actuals& queue = actuals[row.queue];
    queue.by_start[row.start] = &row;
    queue.days.insert(calendar.day_start(row.start));
  }
  return actuals;
}

json interval_entry(const std::string& queue, core::Timestamp start,
                    const core::SiteCalendar& calendar,
                    const std::optional<core::IntervalForecast>& forecast,
                    std::optional<double> actual) {
  const core::Timestamp end = calendar.interval_end(start);
  json entry{{"queue", queue},
             {"start", core::format_timestamp(start)},
             {"end", core::format_timestamp(end)},
             {"start_local", format_local_time(start, calendar)},
             {"end_local", format_local_time(end, calendar)},
             {"forecast_offered", forecast ? json(forecast->offered) : json(nullptr)},
             {"forecast_aht_seconds",
              optional_number(forecast ? forecast->handle_time_seconds : std::nullopt)},
             {"weeks_used", forecast ? forecast->weeks_used : 0},
             {"actual_offered", optional_number(actual)},
             {"error", nullptr},
             {"absolute_percentage_error", nullptr}};
  if (forecast && actual) {
    entry["error"] = forecast->offered - *actual;
    entry["absolute_percentage_error"] =
        optional_number(core::absolute_percentage_error(forecast->offered, *actual));
  }
  return entry;
}

}  // namespace

core::Timestamp forecast_report_history_start(core::Timestamp from, int weeks) {
  return from - std::chrono::hours(24 * (7 * weeks + 1));
}

json forecast_report_json(const std::vector<IntervalRow>& rows, core::Timestamp from,
                          core::Timestamp to, core::Timestamp now,
                          const core::SiteCalendar& calendar, int weeks,
                          const std::atomic<bool>* cancel) {
  const auto histories = histories_by_queue(rows, calendar, weeks);
  const auto actuals = actuals_by_queue(rows, calendar);
  const core::Timestamp first = calendar.interval_start(from) < from
                                    ? calendar.interval_end(from)
                                    : calendar.interval_start(from);
  json out_rows = json::array();
  json totals = json::array();
  for (const auto& [queue, history] : histories) {
    const Actuals& actual = actuals.at(queue);
    core::ForecastAccuracy accuracy;
    double forecast_sum = 0, actual_sum = 0;
    int intervals = 0;
    // Only finished intervals: a running one has no actual yet.
    for (core::Timestamp t = first; t < to && calendar.interval_end(t) <= now;
         t = calendar.interval_end(t)) {
      if (cancel && cancel->load(std::memory_order_relaxed))
        throw std::runtime_error("report cancelled");
      // Weeks before t only: what the forecast would have said then.
      const auto forecast = history.forecast_interval(t);
      const auto offered = actual.offered(t, calendar);
      if (!forecast && !offered) continue;
      // Nothing expected and nothing came (nights, closed days): no information for a planner.
      if (forecast && offered && forecast->offered == 0 && *offered == 0) continue;
      out_rows.push_back(interval_entry(queue, t, calendar, forecast, offered));
      ++intervals;
      if (!forecast || !offered) continue;
      accuracy.add(forecast->offered, *offered);
      forecast_sum += forecast->offered;
      actual_sum += *offered;
    }
    if (intervals == 0) continue;
    totals.push_back(json{{"queue", queue},
                          {"intervals", intervals},
                          {"compared", accuracy.compared()},
                          {"without_actual_calls", accuracy.skipped()},
                          {"forecast_offered", forecast_sum},
                          {"actual_offered", actual_sum},
                          {"mape", optional_number(accuracy.mape())}});
  }
  json reply = report_range_json(from, to, now, calendar);
  reply["forecast_weeks"] = weeks;
  reply["rows"] = std::move(out_rows);
  reply["totals"] = std::move(totals);
  return reply;
}

}  // namespace floorwatch::daemon
