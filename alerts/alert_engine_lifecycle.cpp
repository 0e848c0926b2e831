// One (rule, subject) pair's step through the lifecycle: inactive -> pending (the condition
// holds) -> firing (it held for `for:`) -> resolved (it cleared, with hysteresis, or the
// active hours ended), with the cooldown that keeps a flapping condition from paging again.
#include "alerts/alert_engine.h"
#include "alerts/evaluation_pass.h"

namespace floorwatch::alerts {
namespace {

bool is_open(AlertState state) {
  return state == AlertState::Pending || state == AlertState::Firing ||
         state == AlertState::Acknowledged;
}

TransitionReason why_not_holding(bool in_hours) {
  return in_hours ? TransitionReason::ConditionCleared : TransitionReason::OutsideActiveHours;
}

// The figures notices show are those at the instant the alert fired, which both daemons of a
// pair compute alike; the live ones (Alert::values) move with each daemon's own ticks.
void freeze_fired_values(Alert& alert, const std::vector<TermValue>& values) {
  if (!alert.fired_at || !alert.fired_values.empty()) return;
  for (const TermValue& value : values)
    alert.fired_values.push_back(value.seconds_at(*alert.fired_at));
}

}  // namespace

// Steps the pair's alert (opening one if the condition holds), refreshes its figures, and
// says when time alone could change the outcome, so the engine can sleep until then.
AlertEngine::SubjectOutcome AlertEngine::visit_subject(EvaluationPass& pass, const RuleVisit& visit,
                                                       const std::string& subject,
                                                       const std::string& subject_label,
                                                       const std::vector<TermValue>& values,
                                                       std::optional<core::Timestamp> last_event_at,
                                                       std::optional<std::size_t> slot) {
  const Rule& rule = visit.rule;
  const core::Timestamp now = pass.now;
  SubjectOutcome outcome;
  if (slot) pass.visited[*slot] = true;
  const bool fire = visit.in_hours && condition_holds(rule, values, false, now);
  if (!slot && fire) {
    const core::Timestamp onset = condition_onset(rule, values, last_event_at, now);
    slot = open_alert(pass, rule, subject, subject_label, onset, outcome);
    if (!slot) return outcome;  // cooling down until the instant noted
  } else if (slot && state_.active[*slot].state == AlertState::Pending) {
    step_pending(state_.active[*slot], visit, fire, now, pass.result);
  } else if (slot) {
    step_firing(state_.active[*slot], visit, values, now, pass.result);
  }
  outcome.slot = slot;

  const Alert* alert = slot ? &state_.active[*slot] : nullptr;
  if (alert && is_open(alert->state)) {
    refresh_values(state_.active[*slot], values, now);
    freeze_fired_values(state_.active[*slot], values);
  }
  if (!visit.in_hours) return outcome;  // nothing changes before the active-hours boundary noted
  const bool clearing =
      alert && (alert->state == AlertState::Firing || alert->state == AlertState::Acknowledged);
  if (const auto change = next_condition_change(rule, values, clearing, now)) outcome.note(*change);
  if (alert && alert->state == AlertState::Pending)
    outcome.note(alert->active_since + rule.for_duration);
  return outcome;
}

// A new alert, pending (or firing at once without `for:`), unless the pair is cooling down
// after its last alert resolved: then nothing, and the cooldown's end is noted.
std::optional<std::size_t> AlertEngine::open_alert(EvaluationPass& pass, const Rule& rule,
                                                   const std::string& subject,
                                                   const std::string& subject_label,
                                                   core::Timestamp onset, SubjectOutcome& outcome) {
  const auto cooling = state_.cooldown_until.find({rule.name, subject});
  if (cooling != state_.cooldown_until.end()) {
    outcome.note(cooling->second);
    return std::nullopt;
  }
  Alert alert;
  alert.id = state_.next_alert_id++;
  alert.rule = rule.name;
  alert.subject = subject;
  alert.labels = {{"alertname", rule.name},
                  {subject_label, subject},
                  {"severity", std::string(to_string(rule.severity))}};
  // The episode's start comes from the floor's data, not this evaluation's instant, so the
  // other daemon of a pair derives the same start, fingerprint and startsAt.
  alert.active_since = onset;
  const bool fires_at_once = rule.for_duration <= core::Duration::zero();
  alert.state = fires_at_once ? AlertState::Firing : AlertState::Pending;
  if (fires_at_once) alert.fired_at = onset;
  pass.result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Inactive,
                                     alert.state, pass.now, TransitionReason::ConditionMet});
  state_.active.push_back(std::move(alert));
  pass.visited.push_back(true);
  return state_.active.size() - 1;
}

// A pending alert fires once the condition has held for `for:`; if it stops holding first it
// is dropped without a notice, since nobody was told about it.
void AlertEngine::step_pending(Alert& alert, const RuleVisit& visit, bool fire, core::Timestamp now,
                               EvaluationResult& result) {
  if (!fire) {
    alert.state = AlertState::Inactive;  // retired at the end of the evaluation
    result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Pending,
                                  AlertState::Inactive, now, why_not_holding(visit.in_hours)});
  } else if (now >= alert.active_since + visit.rule.for_duration) {
    alert.state = AlertState::Firing;
    alert.fired_at = alert.active_since + visit.rule.for_duration;  // the instant, not the tick
    result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Pending,
                                  AlertState::Firing, now, TransitionReason::ForElapsed});
  }
}

// A firing (or acknowledged) alert resolves when its hold condition fails: the first term is
// compared with `clear`, not the firing threshold, so a figure hovering at the threshold does
// not page again and again.
void AlertEngine::step_firing(Alert& alert, const RuleVisit& visit,
                              const std::vector<TermValue>& values, core::Timestamp now,
                              EvaluationResult& result) {
  const bool holds = visit.in_hours && condition_holds(visit.rule, values, true, now);
  if (!holds) resolve(alert, why_not_holding(visit.in_hours), now, result);
}

void AlertEngine::resolve(Alert& alert, TransitionReason reason, core::Timestamp now,
                          EvaluationResult& result) {
  const AlertState from = alert.state;
  alert.state = AlertState::Resolved;
  alert.resolved_at = now;
  alert.resolve_reason = reason;
  result.transitions.push_back(
      {alert.id, alert.rule, alert.labels, from, AlertState::Resolved, now, reason});
  // Whoever heard "firing" hears "resolved", silenced or acknowledged, so no page stays open.
  notify_told_tiers(alert, NotificationKind::Resolved, now, result.notifications);
  const Rule* rule = rule_named(alert.rule);
  if (rule && rule->cooldown > core::Duration::zero())
    state_.cooldown_until[{alert.rule, alert.subject}] = now + rule->cooldown;
}

}  // namespace floorwatch::alerts
