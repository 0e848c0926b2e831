#pragma once
// Binary encoding of the alert engine's state for the daemon's snapshot, so alerts, their
// acknowledgements, silences and cooldowns survive a restart. Versioned; pure (no I/O).
#include <cstdint>

#include "alerts/alert_state.h"
#include "floorwatch/core/byte_codec.h"

namespace floorwatch::alerts {

/// Bumped whenever the layout below changes; load_alert_state reads this one and the earlier
/// ones (1: alerts without fired_values) and rejects any other.
inline constexpr std::uint64_t kAlertStateVersion = 2;

/// Appends every field of `state` (active alerts, history, silences, cooldowns, id counters).
void save(core::ByteWriter& out, const AlertEngineState& state);

/// Reads what save() wrote. Throws core::SnapshotError when truncated, corrupted or of another
/// version. Regex matchers of silences are compiled again.
AlertEngineState load_alert_state(core::ByteReader& in);

}  // namespace floorwatch::alerts
