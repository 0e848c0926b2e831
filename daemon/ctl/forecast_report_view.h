#pragma once
// `floorwatchctl report --forecast`: forecast vs actual per interval and the MAPE per queue, as
// an aligned table or CSV. Pure functions of the `report` reply with "forecast": true
// (docs/control.md).
#include <string>

#include <nlohmann/json.hpp>

namespace floorwatch::ctl {

/// A heading line, a column header, one line per interval (forecast, actual, error, APE) and a
/// MAPE line per queue.
std::string format_forecast_report_table(const nlohmann::json& report);
/// RFC 4180 CSV with a header row: `interval` rows, then one `total` row per queue with the
/// MAPE. Ratios are fractions (0.12), absent figures empty cells.
std::string format_forecast_report_csv(const nlohmann::json& report);

}  // namespace floorwatch::ctl
