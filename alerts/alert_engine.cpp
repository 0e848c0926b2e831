#include "alerts/alert_engine.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <date/tz.h>

#include "alerts/queue_memory.h"

namespace floorwatch::alerts {

std::string_view to_string(AlertState state) {
  switch (state) {
    case AlertState::Inactive:
      return "inactive";
    case AlertState::Pending:
      return "pending";
    case AlertState::Firing:
      return "firing";
    case AlertState::Acknowledged:
      return "acknowledged";
    case AlertState::Resolved:
      return "resolved";
  }
  return "unknown";
}

std::string_view to_string(TransitionReason reason) {
  switch (reason) {
    case TransitionReason::ConditionMet:
      return "condition_met";
    case TransitionReason::ForElapsed:
      return "for_elapsed";
    case TransitionReason::ConditionCleared:
      return "condition_cleared";
    case TransitionReason::OutsideActiveHours:
      return "outside_active_hours";
    case TransitionReason::SubjectGone:
      return "subject_gone";
    case TransitionReason::RuleRemoved:
      return "rule_removed";
    case TransitionReason::Acknowledged:
      return "acknowledged";
  }
  return "unknown";
}

std::string_view to_string(AckStatus status) {
  switch (status) {
    case AckStatus::Acknowledged:
      return "acknowledged";
    case AckStatus::UnknownAlert:
      return "unknown alert";
    case AckStatus::NotFiring:
      return "alert is not firing";
    case AckStatus::AlreadyAcknowledged:
      return "already acknowledged";
    case AckStatus::MissingName:
      return "say who acknowledges (--by NAME)";
  }
  return "unknown";
}

AlertEngine::AlertEngine(AlertsConfig config, EngineOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      zone_(nullptr),
      memory_(std::make_unique<QueueMemory>(config_.rules.size())),
      rule_in_hours_(config_.rules.size()) {
  if (const std::string problem = validate(config_); !problem.empty())
    throw std::invalid_argument("alerts: " + problem);
  try {
    zone_ = date::locate_zone(options_.time_zone);
  } catch (const std::exception&) {
    throw std::invalid_argument("alerts: unknown time zone \"" + options_.time_zone + "\"");
  }
  for (std::size_t i = 0; i < config_.rules.size(); ++i) {
    RuleRuntime runtime{i, std::nullopt};
    const std::string& policy_name =
        config_.rules[i].escalation.empty() ? std::string("default") : config_.rules[i].escalation;
    for (std::size_t p = 0; p < config_.policies.size(); ++p)
      if (config_.policies[p].name == policy_name) runtime.policy_index = p;
    rules_.push_back(runtime);
    rule_numbers_.emplace(config_.rules[i].name, i);
    for (const Term& term : config_.rules[i].terms)
      if (term.selector.metric == Metric::PredictedServiceLevelRatio) reads_predictions_ = true;
    if (config_.rules[i].on_sources()) has_source_rules_ = true;
  }
}

AlertEngine::~AlertEngine() = default;

core::SnapshotOptions AlertEngine::snapshot_options() const {
  core::SnapshotOptions options;
  options.include_predictions = reads_predictions_;
  options.changed_since = floor_revision_;
  return options;
}

const Rule* AlertEngine::rule_named(const std::string& name) const {
  const auto it = rule_numbers_.find(name);
  return it == rule_numbers_.end() ? nullptr : &config_.rules[it->second];
}

const EscalationPolicy* AlertEngine::policy_of(const Rule* rule) const {
  if (!rule) return nullptr;
  const auto& runtime = rules_[static_cast<std::size_t>(rule - config_.rules.data())];
  return runtime.policy_index ? &config_.policies[*runtime.policy_index] : nullptr;
}

bool AlertEngine::silenced(const Labels& labels, core::Timestamp now) const {
  return std::any_of(state_.silences.begin(), state_.silences.end(), [&](const Silence& silence) {
    return silence.active_at(now) && silence.matches(labels);
  });
}

void AlertEngine::retire_ended_alerts() {
  // Resolved alerts go to history; pending ones that never fired are forgotten.
  const auto ended = [](const Alert& alert) {
    return alert.state == AlertState::Resolved || alert.state == AlertState::Inactive;
  };
  if (std::any_of(state_.active.begin(), state_.active.end(), ended)) {
    for (Alert& alert : state_.active)
      if (alert.state == AlertState::Resolved) state_.history.push_back(alert);
    std::erase_if(state_.active, ended);
  }
  while (state_.history.size() > options_.history_limit) state_.history.pop_front();
}

EvaluationResult AlertEngine::end_alerts_of_removed_rules(
    const std::vector<std::string>& remaining_rules, core::Timestamp now) {
  EvaluationResult result;
  for (Alert& alert : state_.active) {
    if (std::find(remaining_rules.begin(), remaining_rules.end(), alert.rule) !=
        remaining_rules.end())
      continue;
    if (alert.state == AlertState::Pending) {
      alert.state = AlertState::Inactive;  // it never fired: nobody to tell
      result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Pending,
                                    AlertState::Inactive, now, TransitionReason::RuleRemoved});
    } else if (alert.state == AlertState::Firing || alert.state == AlertState::Acknowledged) {
      // The rule is still known here, so its policy names the tiers (and notifiers) told.
      resolve(alert, TransitionReason::RuleRemoved, now, result);
    }
  }
  retire_ended_alerts();
  update_next_deadline();
  return result;
}

AckResult AlertEngine::acknowledge(AlertId id, const std::string& by, const std::string& comment,
                                   core::Timestamp now) {
  AckResult result;
  if (by.empty()) {
    result.status = AckStatus::MissingName;
    return result;
  }
  const auto found = std::find_if(state_.active.begin(), state_.active.end(),
                                  [&](const Alert& alert) { return alert.id == id; });
  if (found == state_.active.end()) {
    const bool resolved = std::any_of(state_.history.begin(), state_.history.end(),
                                      [&](const Alert& alert) { return alert.id == id; });
    result.status = resolved ? AckStatus::NotFiring : AckStatus::UnknownAlert;
    return result;
  }
  Alert& alert = *found;
  if (alert.state == AlertState::Acknowledged) {
    result.status = AckStatus::AlreadyAcknowledged;
    return result;
  }
  if (alert.state != AlertState::Firing) {
    result.status = AckStatus::NotFiring;
    return result;
  }
  take_acknowledgement(alert, Acknowledgement{by, comment, now}, now, result);
  return result;
}

const Alert* AlertEngine::find(AlertId id) const {
  for (const Alert& alert : state_.active)
    if (alert.id == id) return &alert;
  for (const Alert& alert : state_.history)
    if (alert.id == id) return &alert;
  return nullptr;
}

SilenceResult AlertEngine::add_silence(Silence silence, core::Timestamp now) {
  SilenceResult result;
  result.error = validate(silence);
  if (!result.error.empty()) return result;
  silence.id = state_.next_silence_id++;
  silence.created_at = now;
  result.id = silence.id;
  state_.silences.push_back(std::move(silence));
  for (Alert& alert : state_.active) alert.silenced = silenced(alert.labels, now);
  update_next_deadline();
  return result;
}

bool AlertEngine::expire_silence(SilenceId id, core::Timestamp now) {
  for (Silence& silence : state_.silences) {
    if (silence.id != id) continue;
    if (silence.ends_at > now) silence.ends_at = now;
    if (silence.starts_at > now) silence.starts_at = now;
    for (Alert& alert : state_.active) alert.silenced = silenced(alert.labels, now);
    // Tiers held back by the silence may be overdue: have the daemon evaluate right away.
    wake_at_ = now;
    update_next_deadline();
    return true;
  }
  return false;
}

void AlertEngine::restore(AlertEngineState state) {
  state_ = std::move(state);
  std::stable_sort(state_.active.begin(), state_.active.end(),
                   [](const Alert& a, const Alert& b) { return a.id < b.id; });
  condition_deadline_.reset();
  last_evaluated_at_.reset();
  wake_at_.reset();
  // The kept figures belong to another state: the next evaluation needs every queue.
  memory_->clear();
  floor_revision_.reset();
  std::fill(rule_in_hours_.begin(), rule_in_hours_.end(), std::nullopt);
  update_next_deadline();
}

}  // namespace floorwatch::alerts
