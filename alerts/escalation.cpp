#include "alerts/escalation.h"

namespace floorwatch::alerts {

std::string_view to_string(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::Firing:
      return "firing";
    case NotificationKind::Repeat:
      return "repeat";
    case NotificationKind::Resolved:
      return "resolved";
    case NotificationKind::Acknowledged:
      return "acknowledged";
    case NotificationKind::Refresh:
      return "refresh";
  }
  return "unknown";
}

std::optional<core::Timestamp> next_tier_notification(const EscalationTier& tier,
                                                      const TierProgress& progress,
                                                      core::Timestamp fired_at) {
  if (!progress.last_notified_at) return fired_at + tier.after;
  if (tier.repeat <= core::Duration::zero()) return std::nullopt;
  // Measured from the last send, so a late evaluation does not cause a burst of catch-ups.
  return *progress.last_notified_at + tier.repeat;
}

std::optional<NotificationKind> tier_notification_due(const EscalationTier& tier,
                                                      const TierProgress& progress,
                                                      core::Timestamp fired_at, bool acknowledged,
                                                      bool silenced, core::Timestamp now) {
  if (acknowledged || silenced) return std::nullopt;
  const auto due = next_tier_notification(tier, progress, fired_at);
  if (!due || now < *due) return std::nullopt;
  return progress.last_notified_at ? NotificationKind::Repeat : NotificationKind::Firing;
}

}  // namespace floorwatch::alerts
