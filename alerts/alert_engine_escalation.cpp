// Who hears about an alert and when: the tiers of its rule's escalation policy, each told once
// its delay has passed and again at its repeat interval while the alert keeps firing (unless
// silenced), and every tier that was told hears how it ended.
#include "alerts/alert_engine.h"
#include "alerts/alert_notification.h"

namespace floorwatch::alerts {

void AlertEngine::notify_due_tiers(Alert& alert, core::Timestamp now, EvaluationResult& result) {
  alert.silenced = silenced(alert.labels, now);
  if (alert.state != AlertState::Firing || !alert.fired_at) return;
  const Rule* rule = rule_named(alert.rule);
  const EscalationPolicy* policy = policy_of(rule);
  if (!policy) return;
  alert.tiers.resize(policy->tiers.size());
  for (std::size_t i = 0; i < policy->tiers.size(); ++i) {
    TierProgress& progress = alert.tiers[i];
    const auto kind = tier_notification_due(policy->tiers[i], progress, *alert.fired_at, false,
                                            alert.silenced, now);
    if (!kind) continue;
    if (!progress.first_notified_at) progress.first_notified_at = now;
    progress.last_notified_at = now;
    ++progress.notifications;
    result.notifications.push_back(make_notification(alert, rule, *policy, i, *kind, now));
  }
}

// Only tiers that were told "firing" hear the ending (resolved, acknowledged): a tier whose
// delay had not come yet never heard of the alert.
void AlertEngine::notify_told_tiers(const Alert& alert, NotificationKind kind, core::Timestamp now,
                                    std::vector<Notification>& notifications) const {
  const Rule* rule = rule_named(alert.rule);
  const EscalationPolicy* policy = policy_of(rule);
  if (!policy) return;
  for (std::size_t i = 0; i < alert.tiers.size() && i < policy->tiers.size(); ++i)
    if (alert.tiers[i].notifications > 0)
      notifications.push_back(make_notification(alert, rule, *policy, i, kind, now));
}

}  // namespace floorwatch::alerts
