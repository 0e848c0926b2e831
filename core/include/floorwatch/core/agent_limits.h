#pragma once
// How long an agent may stay in a state before the floor should look: per state, and per
// pause reason ("lunch" may last longer than "break"). The one place that turns an agent's
// time in state into a level; the wallboard's agents page, the feed and the alert term
// `agents_over_limit` all use it. Pure: `now` is a parameter.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "floorwatch/core/event.h"
#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// The two limits of one state (or pause reason): amber from `warning`, red from `critical`
/// (time in state >= limit). Either may be absent. Plain value type.
struct AgentLimit {
  std::optional<Duration> warning;
  std::optional<Duration> critical;
  bool operator==(const AgentLimit&) const = default;
};

/// The site's limits: one per state, and overrides for paused agents by their reason. Plain
/// value type, safe to hand to other threads.
struct AgentLimits {
  std::array<AgentLimit, kAgentStatusCount> by_state{};
  /// Paused with this reason: replaces by_state[Paused] (reasons as the source sends them).
  std::map<std::string, AgentLimit, std::less<>> by_pause_reason;

  /// The limit in force for an agent in `state` with `reason`.
  const AgentLimit& limit_for(AgentStatus state, std::string_view reason) const;
  bool operator==(const AgentLimits&) const = default;
};

/// Paused 15 min amber, 20 min red; ringing 20 s amber, 30 s red; wrap-up 2 min amber, 3 min
/// red; available, busy and offline have none (docs/metrics.md#agent-time-in-state-limits).
AgentLimits default_agent_limits();

/// How an agent's time in state stands against its limit.
enum class AgentLevel { Normal, Warning, Critical };
std::string_view to_string(AgentLevel level);  ///< "normal", "warning", "critical"

/// The level at `now` of an agent in a state since `state_since`.
AgentLevel agent_level(const AgentLimit& limit, Timestamp state_since, Timestamp now);
/// The first millisecond at which the agent is over its red limit; nullopt without one.
std::optional<Timestamp> critical_at(const AgentLimit& limit, Timestamp state_since);
/// The next instant after `now` at which agent_level() changes with time alone; nullopt when
/// it cannot (already red, or no limit ahead).
std::optional<Timestamp> next_level_change(const AgentLimit& limit, Timestamp state_since,
                                           Timestamp now);

}  // namespace floorwatch::core
