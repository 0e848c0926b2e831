#include "daemon/ctl/report_view.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "daemon/ctl/top_view.h"
#include "floorwatch/core/event.h"

namespace floorwatch::ctl {

using nlohmann::json;

namespace {

std::int64_t count(const json& counts, const char* key) {
  const auto it = counts.find(key);
  return it != counts.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

std::string formula_of(const json& entry) {
  const json settings = entry.value("settings", json::object());
  std::string name = settings.value("service_level_formula", "?");
  if (entry.value("mixed_settings", false)) name += " (settings changed in range)";
  return name;
}

}  // namespace

std::string local_minute(const json& text) {
  if (!text.is_string()) return "-";
  std::string value = text.get<std::string>().substr(0, 16);
  if (value.size() > 10) value[10] = ' ';
  return value;
}

std::string csv_cell(const json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (!value.is_string()) return value.dump();
  const std::string text = value.get<std::string>();
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string format_report_table(const json& report) {
  const json rows = report.value("rows", json::array());
  const json totals = report.value("totals", json::array());
  std::ostringstream out;
  out << "Interval report " << local_minute(report.value("from_local", json())) << " .. "
      << local_minute(report.value("to_local", json())) << " ("
      << report.value("time_zone", std::string("?")) << ", " << report.value("interval_minutes", 0)
      << "-minute intervals)\n";
  if (rows.empty()) {
    out << "(no intervals in this range)\n";
    return out.str();
  }
  int queue_width = 5;
  for (const json& row : rows)
    queue_width = std::max(queue_width, static_cast<int>(row.value("queue", "").size()));

  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %-17s %7s %8s %9s %9s %5s %5s %7s %6s %6s %7s %8s  %s\n",
                queue_width, "QUEUE", "INTERVAL", "OFFERED", "ANSWERED", "IN TARGET", "ABANDONED",
                "SHORT", "EXITS", "SL", "ASA", "AHT", "ABAND", "MAX WAIT", "FORMULA");
  out << line;
  bool any_partial = false;
  auto print = [&](const json& entry, const std::string& label) {
    const json counts = entry.value("counts", json::object());
    std::snprintf(line, sizeof line,
                  "%-*s  %-17s %7lld %8lld %9lld %9lld %5lld %5lld %7s %6s %6s %7s %8s  %s\n",
                  queue_width, entry.value("queue", "").c_str(), label.c_str(),
                  static_cast<long long>(count(counts, "offered")),
                  static_cast<long long>(count(counts, "answered")),
                  static_cast<long long>(count(counts, "answered_within_target")),
                  static_cast<long long>(count(counts, "abandoned")),
                  static_cast<long long>(count(counts, "abandoned_short")),
                  static_cast<long long>(count(counts, "exited_total")),
                  format_percent(entry.value("service_level", json())).c_str(),
                  format_wait(entry.value("asa_seconds", json())).c_str(),
                  format_wait(entry.value("aht_seconds", json())).c_str(),
                  format_percent(entry.value("abandon_ratio", json())).c_str(),
                  format_wait(entry.value("max_wait_seconds", json())).c_str(),
                  formula_of(entry).c_str());
    out << line;
  };
  std::size_t next_total = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& row = rows[i];
    const bool partial = row.value("partial", false);
    any_partial = any_partial || partial;
    print(row, local_minute(row.value("start_local", json())) + (partial ? "*" : ""));
    // Rows come grouped by queue, totals in the same queue order: close each group.
    const bool last_of_queue =
        i + 1 == rows.size() || rows[i + 1].value("queue", "") != row.value("queue", "");
    if (last_of_queue && next_total < totals.size()) {
      const json& total = totals[next_total++];
      print(total, "total (" + std::to_string(total.value("intervals", 0)) + ")");
    }
  }
  if (any_partial) out << "* interval still running: figures so far\n";
  return out.str();
}

std::string format_report_csv(const json& report) {
  std::vector<std::string> exit_reasons;
  for (std::size_t r = 0; r < core::kExitReasonCount; ++r)
    exit_reasons.emplace_back(core::to_string(static_cast<core::ExitReason>(r)));

  std::ostringstream out;
  out << "row_type,queue,interval_start_local,interval_end_local,interval_start_utc,"
         "interval_end_utc,partial,offered,answered,answered_within_target,abandoned,"
         "abandoned_within_target,abandoned_short";
  for (const auto& reason : exit_reasons) out << ",exited_" << reason;
  out << ",exited_total,answered_wait_sum_ms,handled,handle_time_sum_ms,max_wait_ms,"
         "answer_target_seconds,service_level_target,service_level_formula,service_level,"
         "asa_seconds,aht_seconds,abandon_ratio,max_wait_seconds\r\n";

  auto write = [&](const json& entry, const char* type, const json& start_local,
                   const json& end_local, const json& start, const json& end, const json& partial) {
    const json counts = entry.value("counts", json::object());
    const json exited = counts.value("exited", json::object());
    const json settings = entry.value("settings", json::object());
    out << type << ',' << csv_cell(entry.value("queue", json())) << ',' << csv_cell(start_local)
        << ',' << csv_cell(end_local) << ',' << csv_cell(start) << ',' << csv_cell(end) << ','
        << csv_cell(partial);
    for (const char* key : {"offered", "answered", "answered_within_target", "abandoned",
                            "abandoned_within_target", "abandoned_short"})
      out << ',' << csv_cell(counts.value(key, json()));
    for (const auto& reason : exit_reasons) out << ',' << csv_cell(exited.value(reason, json()));
    for (const char* key :
         {"exited_total", "answered_wait_sum_ms", "handled", "handle_time_sum_ms", "max_wait_ms"})
      out << ',' << csv_cell(counts.value(key, json()));
    for (const char* key :
         {"answer_target_seconds", "service_level_target", "service_level_formula"})
      out << ',' << csv_cell(settings.value(key, json()));
    for (const char* key :
         {"service_level", "asa_seconds", "aht_seconds", "abandon_ratio", "max_wait_seconds"})
      out << ',' << csv_cell(entry.value(key, json()));
    out << "\r\n";
  };
  for (const json& row : report.value("rows", json::array())) {
    write(row, "interval", row.value("start_local", json()), row.value("end_local", json()),
          row.value("start", json()), row.value("end", json()), row.value("partial", json()));
  }
  // A total spans the whole requested range; its settings are those of its latest interval.
  for (const json& total : report.value("totals", json::array())) {
    write(total, "total", report.value("from_local", json()), report.value("to_local", json()),
          report.value("from", json()), report.value("to", json()), json());
  }
  return out.str();
}

}  // namespace floorwatch::ctl
