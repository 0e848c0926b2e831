#pragma once
// JSON form of a core::FloorSnapshot for the control socket (docs/control.md). Times are
// RFC 3339 UTC, durations seconds, absent figures null.
#include <nlohmann/json_fwd.hpp>

#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::daemon {

nlohmann::json to_json(const core::FloorSnapshot& snapshot);
nlohmann::json to_json(const core::QueueSnapshot& queue, core::Timestamp now);
nlohmann::json to_json(const core::OutcomeCounters& counts);
/// A queue's or a group's own settings: target, SL target, short abandon, formula (named).
nlohmann::json to_json(const core::QueueSettings& settings);

}  // namespace floorwatch::daemon
