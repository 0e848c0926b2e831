#pragma once
// JSON form of a queue group (config `groups:`) for the control socket's `snapshot`
// (docs/control.md) and `floorwatchctl top`: its members, own settings, live waiting and every
// window's counts with the service level as its own formula's numerator over denominator
// (docs/metrics.md "Queue groups"). The same figures as the floorwatch_group_* metrics.
#include <nlohmann/json_fwd.hpp>

#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::daemon {

/// One group at the snapshot's instant.
nlohmann::json to_json(const core::GroupSnapshot& group);

}  // namespace floorwatch::daemon
