#include "floorwatch/core/agent_limits.h"

namespace floorwatch::core {

const AgentLimit& AgentLimits::limit_for(AgentStatus state, std::string_view reason) const {
  if (state == AgentStatus::Paused && !reason.empty()) {
    if (const auto found = by_pause_reason.find(reason); found != by_pause_reason.end())
      return found->second;
  }
  return by_state[static_cast<std::size_t>(state)];
}

AgentLimits default_agent_limits() {
  using std::chrono::minutes;
  using std::chrono::seconds;
  AgentLimits limits;
  limits.by_state[static_cast<std::size_t>(AgentStatus::Paused)] = {minutes(15), minutes(20)};
  limits.by_state[static_cast<std::size_t>(AgentStatus::Ringing)] = {seconds(20), seconds(30)};
  limits.by_state[static_cast<std::size_t>(AgentStatus::Wrapup)] = {minutes(2), minutes(3)};
  return limits;
}

std::string_view to_string(AgentLevel level) {
  switch (level) {
    case AgentLevel::Normal:
      return "normal";
    case AgentLevel::Warning:
      return "warning";
    case AgentLevel::Critical:
      return "critical";
  }
  return "normal";
}

AgentLevel agent_level(const AgentLimit& limit, Timestamp state_since, Timestamp now) {
  const Duration in_state = now - state_since;
  if (limit.critical && in_state >= *limit.critical) return AgentLevel::Critical;
  if (limit.warning && in_state >= *limit.warning) return AgentLevel::Warning;
  return AgentLevel::Normal;
}

std::optional<Timestamp> critical_at(const AgentLimit& limit, Timestamp state_since) {
  if (!limit.critical) return std::nullopt;
  return state_since + *limit.critical;
}

std::optional<Timestamp> next_level_change(const AgentLimit& limit, Timestamp state_since,
                                           Timestamp now) {
  std::optional<Timestamp> next;
  for (const auto& at : {limit.warning, limit.critical}) {
    if (!at || state_since + *at <= now) continue;
    if (!next || state_since + *at < *next) next = state_since + *at;
  }
  return next;
}

}  // namespace floorwatch::core
