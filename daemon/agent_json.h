#pragma once
// JSON form of each agent's time-in-state level and today's figures for the control socket:
// the `snapshot` agents carry them, and the `agents` command (floorwatchctl report --agents)
// returns them for every agent (docs/control.md). Per-agent figures are here, not in /metrics
// (docs/metrics.md#today-per-agent).
#include <nlohmann/json_fwd.hpp>

#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::daemon {

/// `level`, `limits` and `today` of one agent at `now` (the running spell counted).
nlohmann::json agent_today_json(const core::AgentSnapshot& agent, core::Timestamp now);
/// The `agents` reply: `now`, `day_start` and one entry per agent (id, name, state, reason
/// and agent_today_json's fields), sorted by id.
nlohmann::json agents_report_json(const core::FloorSnapshot& snapshot);

}  // namespace floorwatch::daemon
