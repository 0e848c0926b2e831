#pragma once
// Escalation policies: ordered tiers (floor lead now, supervisor after 3 minutes, operations
// manager after 10), each with its notifiers and repeat interval. "Should we notify this tier
// now?" is a pure function of the alert's progress and time, tested by a table.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floorwatch/core/time.h"

namespace floorwatch::alerts {

/// One step of a policy. Plain value type.
struct EscalationTier {
  std::string name;         ///< label `tier`, e.g. "floor-lead"
  core::Duration after{0};  ///< since the alert started firing
  std::vector<std::string> notifiers;
  core::Duration repeat{0};  ///< re-notify this tier this often; 0 = once
};

/// A named chain of tiers, `after` non-decreasing. Plain value type.
struct EscalationPolicy {
  std::string name;
  std::vector<EscalationTier> tiers;
};

/// What one tier has been told about one alert. Part of the serialisable alert state.
struct TierProgress {
  std::optional<core::Timestamp> first_notified_at;
  std::optional<core::Timestamp> last_notified_at;
  int notifications = 0;  ///< firing + repeats sent
};

/// Refresh: "still firing", re-sent to Alertmanager only (it forgets alerts not re-sent
/// before their endsAt); people's notifiers (webhook, log) skip it.
enum class NotificationKind { Firing, Repeat, Resolved, Acknowledged, Refresh };
std::string_view to_string(NotificationKind kind);  ///< "firing", "repeat", ...

/// When the tier next wants a firing or repeat notification, ignoring acks and silences;
/// nullopt when it never will again (notified, no repeat).
std::optional<core::Timestamp> next_tier_notification(const EscalationTier& tier,
                                                      const TierProgress& progress,
                                                      core::Timestamp fired_at);

/// The notification due to `tier` at `now` for a firing alert, if any: Firing the first time
/// the tier is reached, Repeat each repeat interval after. Nothing while acknowledged (ack
/// stops escalation) or silenced (the tier is told once the silence ends).
std::optional<NotificationKind> tier_notification_due(const EscalationTier& tier,
                                                      const TierProgress& progress,
                                                      core::Timestamp fired_at, bool acknowledged,
                                                      bool silenced, core::Timestamp now);

}  // namespace floorwatch::alerts
