#include "daemon/snapshot_json.h"

#include <nlohmann/json.hpp>

#include "daemon/agent_json.h"
#include "daemon/group_json.h"

namespace floorwatch::daemon {
namespace {

using nlohmann::json;

template <typename T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json agents_by_state(const std::array<std::int64_t, core::kAgentStatusCount>& counts) {
  json result = json::object();
  for (std::size_t s = 0; s < counts.size(); ++s)
    result[std::string(core::to_string(static_cast<core::AgentStatus>(s)))] = counts[s];
  return result;
}

double seconds_between(core::Timestamp from, core::Timestamp to) {
  return core::to_seconds(to - from);
}

}  // namespace

json to_json(const core::OutcomeCounters& counts) {
  json exited = json::object();
  for (std::size_t r = 0; r < core::kExitReasonCount; ++r)
    exited[std::string(core::to_string(static_cast<core::ExitReason>(r)))] =
        counts.exited_by_reason[r];
  return {
      {"offered", counts.offered},
      {"answered", counts.answered},
      {"answered_within_target", counts.answered_within_target},
      {"abandoned", counts.abandoned},
      {"abandoned_within_target", counts.abandoned_within_target},
      {"abandoned_short", counts.abandoned_short},
      {"exited", exited},
      {"handled", counts.handled},
  };
}

json to_json(const core::QueueSettings& settings) {
  return {{"answer_target_seconds", core::to_seconds(settings.answer_target)},
          {"service_level_target", settings.service_level_target},
          {"short_abandon_seconds", core::to_seconds(settings.short_abandon)},
          {"service_level_formula", core::to_string(settings.formula)},
          {"service_level_formula_description", core::describe(settings.formula)}};
}

json to_json(const core::QueueSnapshot& queue, core::Timestamp now) {
  json windows = json::object();
  for (const core::WindowKind kind : core::kAllWindows) {
    const core::WindowFigures& figures = queue.window(kind);
    json window = to_json(figures.counts);
    window["service_level"] = optional_value(figures.service_level);
    window["asa_seconds"] = optional_value(figures.average_speed_of_answer_seconds);
    window["aht_seconds"] = optional_value(figures.average_handle_time_seconds);
    window["abandon_ratio"] = optional_value(figures.abandon_ratio);
    window["max_wait_seconds"] = optional_value(figures.max_wait_seconds);
    windows[std::string(core::to_string(kind))] = std::move(window);
  }
  json waiting = json::array();
  for (const core::WaitingCallSnapshot& call : queue.waiting_calls) {
    waiting.push_back({{"call", call.call},
                       {"caller", call.caller},
                       {"channel", core::to_string(call.channel)},
                       {"enqueued_at", core::format_timestamp(call.enqueued_at)},
                       {"wait_seconds", seconds_between(call.enqueued_at, now)}});
  }
  json settings_json = to_json(queue.settings);
  settings_json["channel"] = core::to_string(queue.settings.channel);
  return {
      {"name", queue.name},
      {"settings", settings_json},
      {"calls_waiting", queue.calls_waiting},
      {"oldest_enqueued_at", queue.oldest_enqueued_at
                                 ? json(core::format_timestamp(*queue.oldest_enqueued_at))
                                 : json(nullptr)},
      {"oldest_wait_seconds", optional_value(queue.oldest_wait_seconds)},
      {"agents_by_state", agents_by_state(queue.agents_by_state)},
      {"staffed_agents", queue.staffed_agents},
      {"windows", std::move(windows)},
      {"lifetime", to_json(queue.lifetime)},
      {"occupancy", optional_value(queue.occupancy)},
      {"estimated_wait_seconds", optional_value(queue.estimated_wait_seconds)},
      {"arrival_rate_per_second", optional_value(queue.arrival_rate_per_second)},
      {"handle_time_seconds", optional_value(queue.handle_time_seconds)},
      {"agents_required", optional_value(queue.agents_required)},
      {"predicted_service_level", optional_value(queue.predicted_service_level)},
      {"waiting_calls", std::move(waiting)},
  };
}

json to_json(const core::FloorSnapshot& snapshot) {
  json queues = json::array();
  for (const core::QueueSnapshot& queue : snapshot.queues)
    queues.push_back(to_json(queue, snapshot.now));
  json agents = json::array();
  for (const core::AgentSnapshot& agent : snapshot.agents) {
    agents.push_back({{"agent", agent.agent},
                      {"name", agent.name.empty() ? agent.agent : agent.name},
                      {"state", core::to_string(agent.state)},
                      {"reason", agent.reason},
                      {"state_since", core::format_timestamp(agent.state_since)},
                      {"state_seconds", seconds_between(agent.state_since, snapshot.now)},
                      {"queues", agent.queues},
                      {"call", agent.call},
                      {"call_queue", agent.call_queue},
                      {"caller", agent.caller},
                      {"call_answered_at",
                       agent.call.empty() ? json(nullptr)
                                          : json(core::format_timestamp(agent.call_answered_at))}});
    agents.back().update(agent_today_json(agent, snapshot.now));
  }
  json groups = json::array();
  for (const core::GroupSnapshot& group : snapshot.groups) groups.push_back(to_json(group));
  return {
      {"now", core::format_timestamp(snapshot.now)},
      {"active_calls", snapshot.active_calls},
      {"agents_by_state", agents_by_state(snapshot.agents_by_state)},
      {"queues", std::move(queues)},
      {"groups", std::move(groups)},
      {"agents", std::move(agents)},
  };
}

}  // namespace floorwatch::daemon
