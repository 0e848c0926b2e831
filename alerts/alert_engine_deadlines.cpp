// AlertEngine::next_deadline: the daemon sleeps until the earliest instant at which an alert
// can change or a notification fall due with no new events, instead of polling; this file
// gathers the candidates (conditions crossing with time, `for:`, escalation tiers, cooldowns,
// silences) left by the last evaluation.
#include "alerts/alert_engine.h"
#include "alerts/queue_memory.h"

namespace floorwatch::alerts {
namespace {

// The earliest candidate after the last evaluation: anything at or before it was already
// acted on there.
class Earliest {
 public:
  Earliest(std::optional<core::Timestamp> start, std::optional<core::Timestamp> evaluated_at)
      : earliest_(start), evaluated_at_(evaluated_at) {}
  void consider(core::Timestamp at) {
    if (evaluated_at_ && at <= *evaluated_at_) return;
    if (!earliest_ || at < *earliest_) earliest_ = at;
  }
  std::optional<core::Timestamp> value() const { return earliest_; }

 private:
  std::optional<core::Timestamp> earliest_;
  std::optional<core::Timestamp> evaluated_at_;
};

void consider_tiers(const Alert& alert, const EscalationPolicy& policy, Earliest& earliest) {
  for (std::size_t i = 0; i < policy.tiers.size(); ++i) {
    const TierProgress progress = i < alert.tiers.size() ? alert.tiers[i] : TierProgress{};
    if (const auto due = next_tier_notification(policy.tiers[i], progress, *alert.fired_at))
      earliest.consider(*due);
  }
}

}  // namespace

void AlertEngine::update_next_deadline() {
  Earliest earliest(wake_at_, last_evaluated_at_);
  if (condition_deadline_) earliest.consider(*condition_deadline_);
  if (const auto queue_deadline = memory_->earliest()) earliest.consider(*queue_deadline);
  for (const Alert& alert : state_.active) {
    const Rule* rule = rule_named(alert.rule);
    if (!rule) continue;
    if (alert.state == AlertState::Pending)
      earliest.consider(alert.active_since + rule->for_duration);
    // Silenced and acknowledged alerts page nobody, so their tiers set no deadline.
    if (alert.state != AlertState::Firing || alert.silenced || !alert.fired_at) continue;
    if (const EscalationPolicy* policy = policy_of(rule)) consider_tiers(alert, *policy, earliest);
  }
  for (const Silence& silence : state_.silences) {
    earliest.consider(silence.starts_at);
    earliest.consider(silence.ends_at);
  }
  for (const auto& [key, until] : state_.cooldown_until) earliest.consider(until);
  next_deadline_ = earliest.value();
}

void AlertEngine::note_condition_deadline(core::Timestamp at) {
  if (!condition_deadline_ || at < *condition_deadline_) condition_deadline_ = at;
}

}  // namespace floorwatch::alerts
