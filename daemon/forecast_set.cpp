#include "daemon/forecast_set.h"

namespace floorwatch::daemon {

std::vector<std::pair<core::Timestamp, core::Timestamp>> forecast_history_ranges(
    core::Timestamp now, const core::SiteCalendar& calendar, int weeks) {
  const core::Timestamp first_day = calendar.day_start(now);
  const core::Timestamp last_day_end = calendar.next_day_start(calendar.interval_end(now));
  constexpr auto kSlack = std::chrono::hours(2);
  std::vector<std::pair<core::Timestamp, core::Timestamp>> ranges;
  for (int week = weeks; week >= 1; --week) {
    const auto back = std::chrono::hours(24 * 7 * week);
    ranges.emplace_back(first_day - back - kSlack, last_day_end - back + kSlack);
  }
  return ranges;
}

std::map<std::string, core::QueueHistory, std::less<>> histories_by_queue(
    const std::vector<IntervalRow>& rows, const core::SiteCalendar& calendar, int weeks) {
  std::map<std::string, std::vector<core::HistoryInterval>, std::less<>> grouped;
  for (const IntervalRow& row : rows)
    grouped[row.queue].push_back(core::HistoryInterval{row.start, row.end, row.counts});
  std::map<std::string, core::QueueHistory, std::less<>> histories;
  for (const auto& [queue, intervals] : grouped)
    histories.emplace(queue, core::QueueHistory(intervals, calendar, weeks));
  return histories;
}

ForecastSet build_forecasts(const std::vector<IntervalRow>& rows, core::Timestamp now,
                            const core::SiteCalendar& calendar,
                            const std::map<std::string, QueueStaffingInputs, std::less<>>& live,
                            int weeks) {
  // The newest row of each queue carries its settings when the floor no longer knows it.
  std::map<std::string, QueueStaffingInputs, std::less<>> inputs;
  for (const IntervalRow& row : rows) inputs[row.queue] = QueueStaffingInputs{row.settings, {}};
  for (const auto& [queue, staffing] : live) inputs[queue] = staffing;

  ForecastSet set;
  set.computed_at = now;
  for (const auto& [queue, history] : histories_by_queue(rows, calendar, weeks)) {
    const QueueStaffingInputs& staffing = inputs[queue];
    if (auto forecast =
            core::forecast_queue(history, now, staffing.settings, staffing.mean_patience_seconds))
      set.queues.emplace(queue, std::move(*forecast));
  }
  return set;
}

}  // namespace floorwatch::daemon
