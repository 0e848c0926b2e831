#include "daemon/agent_json.h"

#include <nlohmann/json.hpp>

#include "floorwatch/core/agent_day.h"
#include "floorwatch/core/site_calendar.h"

namespace floorwatch::daemon {
namespace {

using nlohmann::json;

json seconds_or_null(const std::optional<core::Duration>& duration) {
  return duration ? json(core::to_seconds(*duration)) : json(nullptr);
}

json figure_or_null(const std::optional<double>& figure) {
  return figure ? json(*figure) : json(nullptr);
}

}  // namespace

json agent_today_json(const core::AgentSnapshot& agent, core::Timestamp now) {
  const core::AgentDay today = core::day_at(agent.today, agent.state, agent.reason, now);
  json paused_by_reason = json::object();
  for (const auto& [reason, length] : today.paused_by_reason)
    paused_by_reason[reason] = core::to_seconds(length);
  return {
      {"level", core::to_string(core::agent_level(agent.limit, agent.state_since, now))},
      {"limits",
       {{"warning_seconds", seconds_or_null(agent.limit.warning)},
        {"critical_seconds", seconds_or_null(agent.limit.critical)}}},
      {"today",
       {{"day_start", core::format_timestamp(today.day_start)},
        {"calls_handled", today.calls_handled},
        {"handle_seconds", core::to_seconds(today.handle_time)},
        {"aht_seconds", figure_or_null(core::average_handle_time_seconds(today))},
        {"staffed_seconds", core::to_seconds(today.staffed)},
        {"occupied_seconds", core::to_seconds(today.occupied)},
        {"occupancy", figure_or_null(core::occupancy(today))},
        {"paused_seconds", core::to_seconds(today.paused)},
        {"paused_by_reason", std::move(paused_by_reason)}}},
  };
}

json agents_report_json(const core::FloorSnapshot& snapshot) {
  json agents = json::array();
  for (const core::AgentSnapshot& agent : snapshot.agents) {
    json entry = {{"agent", agent.agent},
                  {"name", agent.name.empty() ? agent.agent : agent.name},
                  {"state", core::to_string(agent.state)},
                  {"reason", agent.reason}};
    entry.update(agent_today_json(agent, snapshot.now));
    agents.push_back(std::move(entry));
  }
  json reply = {{"now", core::format_timestamp(snapshot.now)}, {"agents", std::move(agents)}};
  if (snapshot.calendar)
    reply["day_start"] = core::format_timestamp(snapshot.calendar->day_start(snapshot.now));
  return reply;
}

}  // namespace floorwatch::daemon
