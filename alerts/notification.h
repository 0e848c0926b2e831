#pragma once
// A notification intent: what the engine decided to tell which escalation tier. Self-contained
// copy (no pointers into engine state), so it can be handed to the notifier threads.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert_state.h"

namespace floorwatch::alerts {

/// Plain value type; safe to copy to other threads.
struct Notification {
  NotificationKind kind = NotificationKind::Firing;
  AlertId alert_id = 0;     ///< this daemon's number for the alert (floorwatchctl ack)
  std::string fingerprint;  ///< the same on both daemons of a pair (alert_fingerprint.h)
  Labels labels;            ///< the alert's: alertname, queue|source, severity
  /// summary, values, expression; acknowledged_by/ack_comment for acknowledgements.
  std::map<std::string, std::string> annotations;
  Severity severity = Severity::Warning;
  std::string policy;
  std::size_t tier_index = 0;
  std::string tier;  ///< label `tier`
  std::vector<std::string> notifiers;
  core::Timestamp starts_at{};             ///< when the alert started firing
  std::optional<core::Timestamp> ends_at;  ///< resolved notifications only
  core::Timestamp at{};                    ///< when the engine decided to send it
};

}  // namespace floorwatch::alerts
