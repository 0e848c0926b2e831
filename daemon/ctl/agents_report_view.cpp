#include "daemon/ctl/agents_report_view.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace floorwatch::ctl {
namespace {

using nlohmann::json;

std::string csv_text(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string csv_number(const json& value) {
  return value.is_number() ? value.dump() : std::string();
}

std::string reasons_cell(const json& paused_by_reason) {
  std::string cell;
  for (const auto& [reason, seconds] : paused_by_reason.items()) {
    if (!cell.empty()) cell += ';';
    cell += (reason.empty() ? std::string("(none)") : reason) + "=" + seconds.dump();
  }
  return cell;
}

std::string clock_text(const json& seconds) {
  if (!seconds.is_number()) return "-";
  const auto total = static_cast<long long>(std::llround(seconds.get<double>()));
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  return text;
}

std::string percent_text(const json& fraction) {
  if (!fraction.is_number()) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", fraction.get<double>() * 100.0);
  return text;
}

}  // namespace

std::string format_agents_report_table(const json& reply) {
  std::ostringstream out;
  out << "today per agent since " << reply.value("day_start", std::string("?")) << " (now "
      << reply.value("now", std::string("?")) << ")\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-24s %-10s %-8s %6s %8s %5s %9s  %s\n", "agent", "state",
                "level", "calls", "aht", "occ", "paused", "paused by reason");
  out << line;
  for (const json& agent : reply.value("agents", json::array())) {
    const json& today = agent.at("today");
    std::snprintf(
        line, sizeof line, "%-24s %-10s %-8s %6lld %8s %5s %9s  %s\n",
        agent.value("name", std::string()).c_str(), agent.value("state", std::string()).c_str(),
        agent.value("level", std::string()).c_str(),
        static_cast<long long>(today.value("calls_handled", 0)),
        clock_text(today.at("aht_seconds")).c_str(), percent_text(today.at("occupancy")).c_str(),
        clock_text(today.at("paused_seconds")).c_str(),
        reasons_cell(today.at("paused_by_reason")).c_str());
    out << line;
  }
  return out.str();
}

std::string format_agents_report_csv(const json& reply) {
  std::ostringstream out;
  out << "agent,name,state,reason,level,calls_handled,handle_seconds,aht_seconds,"
         "staffed_seconds,occupied_seconds,occupancy,paused_seconds,paused_by_reason,day_start\n";
  for (const json& agent : reply.value("agents", json::array())) {
    const json& today = agent.at("today");
    out << csv_text(agent.value("agent", std::string())) << ','
        << csv_text(agent.value("name", std::string())) << ','
        << csv_text(agent.value("state", std::string())) << ','
        << csv_text(agent.value("reason", std::string())) << ','
        << csv_text(agent.value("level", std::string())) << ','
        << csv_number(today.at("calls_handled")) << ',' << csv_number(today.at("handle_seconds"))
        << ',' << csv_number(today.at("aht_seconds")) << ','
        << csv_number(today.at("staffed_seconds")) << ','
        << csv_number(today.at("occupied_seconds")) << ',' << csv_number(today.at("occupancy"))
        << ',' << csv_number(today.at("paused_seconds")) << ','
        << csv_text(reasons_cell(today.at("paused_by_reason"))) << ','
        << csv_text(today.value("day_start", std::string())) << '\n';
  }
  return out.str();
}

}  // namespace floorwatch::ctl
