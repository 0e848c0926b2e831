#include "daemon/ctl/top_view.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace floorwatch::ctl {

using nlohmann::json;

namespace {

std::int64_t count(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

const json& window(const json& queue, const char* name) {
  static const json empty = json::object();
  const auto windows = queue.find("windows");
  if (windows == queue.end() || !windows->contains(name)) return empty;
  return (*windows)[name];
}

json field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? json(nullptr) : *it;
}

// "85.0% 17/20": the group's service level with its formula's numerator and denominator.
std::string service_level_terms(const json& window) {
  std::string text = format_percent(field(window, "service_level"));
  text += " " + std::to_string(count(window, "service_level_numerator")) + "/" +
          std::to_string(count(window, "service_level_denominator"));
  return text;
}

std::string formula_and_target(const json& settings) {
  char formula[64];
  std::snprintf(formula, sizeof formula, "%s %.0f/%.0fs",
                settings.value("service_level_formula", "?").c_str(),
                settings.value("service_level_target", 0.0) * 100,
                settings.value("answer_target_seconds", 0.0));
  return formula;
}

std::string members(const json& group) {
  std::string text;
  for (const json& queue : group.value("queues", json::array())) {
    if (!text.empty()) text += ",";
    text += queue.is_string() ? queue.get<std::string>() : "?";
  }
  return text;
}

// The queue groups (config `groups:`), after the queues: each with its own formula over its
// own counters, shown as numerator/denominator so nobody mistakes it for an average.
void render_groups(const json& groups, std::ostringstream& out) {
  if (!groups.is_array() || groups.empty()) return;
  char line[320];
  std::snprintf(line, sizeof line, "\n%-16s %5s %7s %-16s %-16s %-32s %7s %6s %5s  %s\n", "GROUP",
                "WAIT", "OLDEST", "SL INT (N/D)", "SL TODAY (N/D)", "FORMULA (TARGET)", "OFFERED",
                "ANSWD", "ABND", "MEMBERS");
  out << line;
  for (const json& group : groups) {
    const json& today = window(group, "today");
    std::snprintf(
        line, sizeof line, "%-16s %5lld %7s %-16s %-16s %-32s %7lld %6lld %5lld  %s\n",
        group.value("name", "?").c_str(), static_cast<long long>(count(group, "calls_waiting")),
        format_wait(field(group, "oldest_wait_seconds")).c_str(),
        service_level_terms(window(group, "interval")).c_str(), service_level_terms(today).c_str(),
        formula_and_target(group.value("settings", json::object())).c_str(),
        static_cast<long long>(count(today, "offered")),
        static_cast<long long>(count(today, "answered")),
        static_cast<long long>(count(today, "abandoned")), members(group).c_str());
    out << line;
  }
}

}  // namespace

std::string format_wait(const json& seconds) {
  if (!seconds.is_number()) return "-";
  const auto total = static_cast<long>(std::floor(seconds.get<double>()));
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%02ld:%02ld", total / 60, total % 60);
  return text;
}

std::string format_percent(const json& ratio) {
  if (!ratio.is_number()) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", ratio.get<double>() * 100);
  return text;
}

std::string render_top(const json& snapshot) {
  std::ostringstream out;
  out << "floorwatch  site=" << snapshot.value("site", "?")
      << "  daemon=" << snapshot.value("daemon", "?") << "  now=" << snapshot.value("now", "?")
      << "  active calls=" << count(snapshot, "active_calls") << "\n\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %5s %7s %7s %8s  %-32s %6s %5s %5s %4s %4s %6s %9s\n",
                "QUEUE", "WAIT", "OLDEST", "SL INT", "SL TODAY", "FORMULA (TARGET)", "ASA", "ABND",
                "AVAIL", "BUSY", "WRAP", "PAUSED", "NEED/STAF");
  out << line;
  for (const json& queue : snapshot.value("queues", json::array())) {
    const json settings = queue.value("settings", json::object());
    const json agents = queue.value("agents_by_state", json::object());
    const json& today = window(queue, "today");
    const std::string formula = formula_and_target(settings);
    const json asa = field(today, "asa_seconds");
    char asa_text[16] = "-";
    if (asa.is_number()) std::snprintf(asa_text, sizeof asa_text, "%.0fs", asa.get<double>());
    const json required = field(queue, "agents_required");
    char staffing[24];
    std::snprintf(staffing, sizeof staffing, "%s/%lld",
                  required.is_number() ? std::to_string(required.get<int>()).c_str() : "-",
                  static_cast<long long>(count(queue, "staffed_agents")));
    // "busy" on a wallboard means on a call: ringing counts too.
    std::snprintf(
        line, sizeof line, "%-16s %5lld %7s %7s %8s  %-32s %6s %5lld %5lld %4lld %4lld %6lld %9s\n",
        queue.value("name", "?").c_str(), static_cast<long long>(count(queue, "calls_waiting")),
        format_wait(field(queue, "oldest_wait_seconds")).c_str(),
        format_percent(field(window(queue, "interval"), "service_level")).c_str(),
        format_percent(field(today, "service_level")).c_str(), formula.c_str(), asa_text,
        static_cast<long long>(count(today, "abandoned")),
        static_cast<long long>(count(agents, "available")),
        static_cast<long long>(count(agents, "busy") + count(agents, "ringing")),
        static_cast<long long>(count(agents, "wrapup")),
        static_cast<long long>(count(agents, "paused")), staffing);
    out << line;
  }
  render_groups(snapshot.value("groups", json::array()), out);
  return out.str();
}

}  // namespace floorwatch::ctl
