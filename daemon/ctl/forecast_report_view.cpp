#include "daemon/ctl/forecast_report_view.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "daemon/ctl/report_view.h"
#include "daemon/ctl/top_view.h"

namespace floorwatch::ctl {

using nlohmann::json;

namespace {

std::string number(const json& value, const char* format) {
  if (!value.is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, value.get<double>());
  return text;
}

}  // namespace

std::string format_forecast_report_table(const json& report) {
  const json rows = report.value("rows", json::array());
  std::ostringstream out;
  out << "Forecast vs actual " << local_minute(report.value("from_local", json())) << " .. "
      << local_minute(report.value("to_local", json())) << " ("
      << report.value("time_zone", std::string("?")) << ", " << report.value("interval_minutes", 0)
      << "-minute intervals, same weekday of the last " << report.value("forecast_weeks", 0)
      << " weeks)\n";
  if (rows.empty()) {
    out << "(no finished intervals with history in this range)\n";
    return out.str();
  }
  int width = 5;
  for (const json& row : rows)
    width = std::max(width, static_cast<int>(row.value("queue", "").size()));
  char line[256];
  std::snprintf(line, sizeof line, "%-*s  %-16s %9s %7s %8s %7s\n", width, "QUEUE", "INTERVAL",
                "FORECAST", "ACTUAL", "ERROR", "APE");
  out << line;
  for (const json& row : rows) {
    std::snprintf(line, sizeof line, "%-*s  %-16s %9s %7s %8s %7s\n", width,
                  row.value("queue", "").c_str(),
                  local_minute(row.value("start_local", json())).c_str(),
                  number(row.value("forecast_offered", json()), "%.1f").c_str(),
                  number(row.value("actual_offered", json()), "%.0f").c_str(),
                  number(row.value("error", json()), "%+.1f").c_str(),
                  format_percent(row.value("absolute_percentage_error", json())).c_str());
    out << line;
  }
  for (const json& total : report.value("totals", json::array())) {
    out << total.value("queue", "") << ": MAPE " << format_percent(total.value("mape", json()))
        << " over " << total.value("compared", 0) << " intervals (forecast "
        << number(total.value("forecast_offered", json()), "%.0f") << ", actual "
        << number(total.value("actual_offered", json()), "%.0f") << " calls; "
        << total.value("without_actual_calls", 0) << " without calls left out)\n";
  }
  return out.str();
}

std::string format_forecast_report_csv(const json& report) {
  std::ostringstream out;
  out << "row_type,queue,interval_start_local,interval_end_local,interval_start_utc,"
         "interval_end_utc,forecast_offered,forecast_aht_seconds,weeks_used,actual_offered,error,"
         "absolute_percentage_error,compared,mape\r\n";
  for (const json& row : report.value("rows", json::array())) {
    out << "interval";
    for (const char* key : {"queue", "start_local", "end_local", "start", "end", "forecast_offered",
                            "forecast_aht_seconds", "weeks_used", "actual_offered", "error",
                            "absolute_percentage_error"})
      out << ',' << csv_cell(row.value(key, json()));
    out << ",,\r\n";
  }
  for (const json& total : report.value("totals", json::array())) {
    out << "total," << csv_cell(total.value("queue", json())) << ",,,,,"
        << csv_cell(total.value("forecast_offered", json())) << ",,,"
        << csv_cell(total.value("actual_offered", json())) << ",,,"
        << csv_cell(total.value("compared", json())) << ',' << csv_cell(total.value("mape", json()))
        << "\r\n";
  }
  return out.str();
}

}  // namespace floorwatch::ctl
