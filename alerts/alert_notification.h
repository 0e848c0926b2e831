#pragma once
// Turns an alert and the escalation tier to tell into the Notification the notifier threads
// deliver: labels, the rendered summary ({alertname}, {queue}, {value}…), the figures, and
// why it closed or who acknowledged it, so a receiver needs nothing but the message.
#include <cstddef>

#include "alerts/alert_state.h"
#include "alerts/escalation.h"
#include "alerts/notification.h"
#include "alerts/rule.h"

namespace floorwatch::alerts {

/// `rule` is nullptr once the alert's rule left the config (a generic summary is used).
Notification make_notification(const Alert& alert, const Rule* rule, const EscalationPolicy& policy,
                               std::size_t tier_index, NotificationKind kind, core::Timestamp now);

}  // namespace floorwatch::alerts
