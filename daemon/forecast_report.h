#pragma once
// `report --forecast` (docs/control.md): per queue and interval, what the forecast would have
// said using only the history before that interval, against what happened, and the MAPE per
// queue, so a planner can judge whether to trust it.
#include <atomic>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "daemon/interval_history.h"
#include "floorwatch/core/forecast.h"

namespace floorwatch::daemon {

/// Where the rows of a forecast report over [from, to) start: `weeks` weeks (and a day of DST
/// slack) before `from`, so the first interval has its whole look-back.
core::Timestamp forecast_report_history_start(core::Timestamp from, int weeks);

/// The reply: one row per queue and finished interval starting in [from, min(to, now)) that has
/// a forecast or an actual (forecast_offered / actual_offered null when absent; an interval
/// without a row on a day the queue has rows had 0 calls; left out when both are 0), with error =
/// forecast − actual and absolute_percentage_error; per queue totals with the MAPE. `rows`: the
/// queue's history from forecast_report_history_start(from) to `to`, ordered by queue then start.
/// Throws std::runtime_error once `*cancel` is true.
nlohmann::json forecast_report_json(const std::vector<IntervalRow>& rows, core::Timestamp from,
                                    core::Timestamp to, core::Timestamp now,
                                    const core::SiteCalendar& calendar, int weeks,
                                    const std::atomic<bool>* cancel = nullptr);

}  // namespace floorwatch::daemon
