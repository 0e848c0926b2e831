#pragma once
// `floorwatchctl report`: the interval history as an aligned table for people or as CSV for
// spreadsheets. Pure functions of the `report` reply (docs/control.md).
#include <string>

#include <nlohmann/json.hpp>

namespace floorwatch::ctl {

/// A heading line (range, zone), a column header, one line per interval and a total line per
/// queue; running intervals are marked `*`.
std::string format_report_table(const nlohmann::json& report);
/// RFC 4180 CSV with a header row: one `interval` row per stored interval, then one `total`
/// row per queue. Ratios are fractions (0.75), absent figures empty cells.
std::string format_report_csv(const nlohmann::json& report);

/// "2026-12-01T09:30:00+01:00" -> "2026-12-01 09:30": the site's wall clock, as on the boards;
/// "-" when not a string. Shared by the report views.
std::string local_minute(const nlohmann::json& text);
/// A CSV cell: numbers as JSON prints them (shortest exact form), null as empty, text quoted
/// when it holds a separator, quote or line break.
std::string csv_cell(const nlohmann::json& value);

}  // namespace floorwatch::ctl
