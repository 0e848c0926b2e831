// Acknowledgements shared by the two daemons of an HA pair (docs/ha.md). Each daemon names an
// episode by its fingerprint (rule, subject, start from the floor's data), so an ack taken on
// one applies to the same alert on the other. The rule that makes both converge whatever
// order messages arrive in: the union of the acks, and for one alert the earliest ack wins
// (ties: the smaller name), so both show the same who, when and comment.
#include <algorithm>
#include <tuple>

#include "alerts/alert_engine.h"
#include "alerts/alert_fingerprint.h"

namespace floorwatch::alerts {
namespace {

bool earlier(const Acknowledgement& a, const Acknowledgement& b) {
  return std::tie(a.at, a.by, a.comment) < std::tie(b.at, b.by, b.comment);
}

}  // namespace

void AlertEngine::take_acknowledgement(Alert& alert, Acknowledgement ack, core::Timestamp now,
                                       AckResult& result) {
  alert.state = AlertState::Acknowledged;
  alert.acknowledgement = std::move(ack);
  result.status = AckStatus::Acknowledged;
  result.changed = true;
  update_next_deadline();  // its escalation stops
  result.transition = Transition{alert.id,
                                 alert.rule,
                                 alert.labels,
                                 AlertState::Firing,
                                 AlertState::Acknowledged,
                                 now,
                                 TransitionReason::Acknowledged};
  notify_told_tiers(alert, NotificationKind::Acknowledged, now, result.notifications);
}

AckResult AlertEngine::merge_shared_ack(const std::string& fingerprint, const Acknowledgement& ack,
                                        core::Timestamp now) {
  AckResult result;
  if (ack.by.empty()) {
    result.status = AckStatus::MissingName;
    return result;
  }
  for (Alert& alert : state_.active) {
    if (alert_fingerprint(alert) != fingerprint) continue;
    if (alert.state == AlertState::Firing) {
      take_acknowledgement(alert, ack, now, result);
    } else if (alert.state == AlertState::Acknowledged) {
      result.changed = earlier(ack, *alert.acknowledgement);
      if (result.changed) alert.acknowledgement = ack;
      result.status = AckStatus::AlreadyAcknowledged;
    } else {
      break;  // pending here: held until it fires
    }
    return result;
  }
  for (const Alert& alert : state_.history)
    if (alert_fingerprint(alert) == fingerprint) {
      result.status = AckStatus::NotFiring;  // over here already: nothing to stop
      return result;
    }
  // Not firing here (yet): the peer's clock may run ahead, or this daemon is catching up.
  std::erase_if(held_acks_,
                [&](const auto& held) { return held.second.at + kSharedAckHold < now; });
  const auto held = held_acks_.find(fingerprint);
  if (held == held_acks_.end()) {
    if (held_acks_.size() < kSharedAckHoldLimit) held_acks_.emplace(fingerprint, ack);
  } else if (earlier(ack, held->second)) {
    held->second = ack;
  }
  result.status = AckStatus::UnknownAlert;
  return result;
}

void AlertEngine::apply_held_acks(core::Timestamp now, EvaluationResult& result) {
  for (Alert& alert : state_.active) {
    if (alert.state != AlertState::Firing) continue;
    const auto held = held_acks_.find(alert_fingerprint(alert));
    if (held == held_acks_.end()) continue;
    AckResult ack;
    take_acknowledgement(alert, held->second, now, ack);
    held_acks_.erase(held);
    if (ack.transition) result.transitions.push_back(*ack.transition);
    for (Notification& notice : ack.notifications) result.notifications.push_back(notice);
  }
}

std::vector<std::pair<std::string, Acknowledgement>> AlertEngine::shared_acks() const {
  std::vector<std::pair<std::string, Acknowledgement>> acks;
  for (const Alert& alert : state_.active)
    if (alert.state == AlertState::Acknowledged && alert.acknowledgement)
      acks.emplace_back(alert_fingerprint(alert), *alert.acknowledgement);
  return acks;
}

std::vector<Notification> AlertEngine::refresh_notices(core::Timestamp now) const {
  std::vector<Notification> notices;
  for (const Alert& alert : state_.active)
    if (alert.state == AlertState::Firing || alert.state == AlertState::Acknowledged)
      notify_told_tiers(alert, NotificationKind::Refresh, now, notices);
  return notices;
}

}  // namespace floorwatch::alerts
