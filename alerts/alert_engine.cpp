#include "alerts/alert_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <date/tz.h>

#include "alerts/active_hours.h"

namespace floorwatch::alerts {
namespace {

// A term's metric for one subject as a function of time: either a constant (from the
// snapshot), or linear in time with slope +-1 s/s (waits, silence), or absent.
struct TermValue {
  std::optional<double> constant;
  std::optional<core::Timestamp> anchor;  // value(t) = slope * (t - anchor)
  int slope = 0;

  std::optional<double> seconds_at(core::Timestamp t) const {
    if (constant) return constant;
    if (anchor) return slope * core::to_seconds(t - *anchor);
    return std::nullopt;
  }
};

double threshold_of(const Rule& rule, std::size_t term_index, bool clearing) {
  if (clearing && term_index == 0 && rule.clear_threshold) return *rule.clear_threshold;
  return rule.terms[term_index].threshold;
}

bool term_holds(const Term& term, double threshold, const TermValue& value, core::Timestamp t) {
  if (value.constant) return compare(*value.constant, term.comparison, threshold);
  if (value.anchor) {
    // Compared in whole milliseconds so the crossing instant is exact (90 s -> 90000 ms).
    const double value_ms = static_cast<double>(value.slope) * (t - *value.anchor).count();
    return compare(value_ms, term.comparison, threshold * 1000.0);
  }
  return false;  // absent figures never satisfy a condition
}

// `clearing`: the hold condition of a firing alert (first term against `clear`).
bool condition_holds(const Rule& rule, const std::vector<TermValue>& values, bool clearing,
                     core::Timestamp t) {
  for (std::size_t i = 0; i < rule.terms.size(); ++i)
    if (!term_holds(rule.terms[i], threshold_of(rule, i, clearing), values[i], t)) return false;
  return true;
}

// First millisecond after `now` at which the condition's truth differs from now, given that
// only time moves. Each linear term can only change next to where it crosses its threshold.
std::optional<core::Timestamp> next_condition_change(const Rule& rule,
                                                     const std::vector<TermValue>& values,
                                                     bool clearing, core::Timestamp now) {
  std::array<std::int64_t, 4 * kMaxTerms> candidates;  // evaluated on every visit: no heap
  std::size_t count = 0;
  for (std::size_t i = 0; i < rule.terms.size(); ++i) {
    const TermValue& value = values[i];
    if (!value.anchor) continue;
    const double crossing_ms = static_cast<double>(core::to_epoch_ms(*value.anchor)) +
                               value.slope * threshold_of(rule, i, clearing) * 1000.0;
    const auto base = static_cast<std::int64_t>(std::floor(crossing_ms));
    for (std::int64_t candidate = base - 1; candidate <= base + 2; ++candidate)
      if (candidate > core::to_epoch_ms(now) && count < candidates.size())
        candidates[count++] = candidate;
  }
  if (count == 0) return std::nullopt;
  std::sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count));
  const bool holds_now = condition_holds(rule, values, clearing, now);
  for (std::size_t c = 0; c < count; ++c) {
    const core::Timestamp at = core::from_epoch_ms(candidates[c]);
    if (condition_holds(rule, values, clearing, at) != holds_now) return at;
  }
  return std::nullopt;
}

std::int64_t calls_left_queue(const core::OutcomeCounters& counts) {
  std::int64_t exited = 0;
  for (const std::int64_t n : counts.exited_by_reason) exited += n;
  return counts.answered + counts.abandoned + exited;
}

TermValue queue_term_value(const MetricSelector& selector, const core::QueueSnapshot& queue,
                           std::int64_t min_calls) {
  TermValue value;
  const auto windowed = [&](auto figure, std::int64_t calls) {
    if (calls >= min_calls) value.constant = figure;
  };
  const auto& window = queue.window(selector.window);
  switch (selector.metric) {
    case Metric::OldestWaitSeconds:
      if (queue.oldest_enqueued_at) {
        value.anchor = *queue.oldest_enqueued_at;
        value.slope = 1;
      }
      break;
    case Metric::CallsWaiting:
      value.constant = static_cast<double>(queue.calls_waiting);
      break;
    case Metric::ServiceLevelRatio:
      windowed(window.service_level, calls_left_queue(window.counts));
      break;
    case Metric::AbandonRatio:
      windowed(window.abandon_ratio, calls_left_queue(window.counts));
      break;
    case Metric::AsaSeconds:
      windowed(window.average_speed_of_answer_seconds, window.counts.answered);
      break;
    case Metric::Agents:
      value.constant = static_cast<double>(
          selector.agent_state
              ? queue.agents_by_state[static_cast<std::size_t>(*selector.agent_state)]
              : queue.staffed_agents);
      break;
    case Metric::PredictedServiceLevelRatio:
      value.constant = queue.predicted_service_level;
      break;
    case Metric::BreachWithinSeconds: {
      // Only meaningful when nobody can take the call: otherwise the wait is about to end.
      const auto available =
          queue.agents_by_state[static_cast<std::size_t>(core::AgentStatus::Available)];
      if (queue.oldest_enqueued_at && available == 0) {
        value.anchor = *queue.oldest_enqueued_at + queue.settings.answer_target;
        value.slope = -1;
      }
      break;
    }
    case Metric::SourceSilentSeconds:
      break;
  }
  return value;
}

std::string format_value(std::optional<double> value) {
  if (!value) return "absent";
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", *value);
  std::string result(text);
  while (!result.empty() && result.back() == '0') result.pop_back();
  if (!result.empty() && result.back() == '.') result.pop_back();
  return result;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

std::string key_of(const std::string& rule, const std::string& subject) {
  return rule + '\x1f' + subject;
}

void refresh_values(Alert& alert, const std::vector<TermValue>& values, core::Timestamp now) {
  alert.values.clear();
  for (const TermValue& value : values) alert.values.push_back(value.seconds_at(now));
}

}  // namespace

// What the engine keeps of each (rule, queue) pair between evaluations, so that a queue whose
// figures did not change is looked at again only when its own deadline comes.
struct AlertEngine::QueueMemory {
  struct Pair {
    std::vector<TermValue> values;            // from the queue's last changed snapshot
    std::optional<core::Timestamp> deadline;  // next change with time alone, if any
    AlertId alert = 0;                        // its pending/firing/acknowledged alert, if any
    bool known = false;                       // evaluated since the last complete snapshot
  };

  explicit QueueMemory(std::size_t rules) : rule_count(rules) {}

  void clear() {
    numbers.clear();
    names.clear();
    pairs.clear();
    deadlines.clear();
  }
  std::uint32_t subject(const std::string& name) {
    const auto [it, inserted] = numbers.try_emplace(name, static_cast<std::uint32_t>(names.size()));
    if (inserted) {
      names.push_back(name);
      pairs.resize(pairs.size() + rule_count);
    }
    return it->second;
  }
  const Pair* find(const std::string& name, std::size_t rule) const {
    const auto it = numbers.find(name);
    return it == numbers.end() ? nullptr : &pairs[it->second * rule_count + rule];
  }
  std::size_t index(std::uint32_t subject, std::size_t rule) const {
    return subject * rule_count + rule;
  }
  void schedule(std::size_t pair_index, std::optional<core::Timestamp> at) {
    Pair& pair = pairs[pair_index];
    if (pair.deadline == at) return;
    if (pair.deadline) deadlines.erase({*pair.deadline, pair_index});
    pair.deadline = at;
    if (at) deadlines.emplace(*at, pair_index);
  }
  /// Pairs whose deadline is at or before `now`, unscheduled, by rule: subject numbers.
  std::vector<std::vector<std::uint32_t>> take_due(core::Timestamp now) {
    std::vector<std::vector<std::uint32_t>> due(rule_count);
    while (!deadlines.empty() && deadlines.begin()->first <= now) {
      const std::size_t pair_index = deadlines.begin()->second;
      deadlines.erase(deadlines.begin());
      pairs[pair_index].deadline.reset();
      due[pair_index % rule_count].push_back(static_cast<std::uint32_t>(pair_index / rule_count));
    }
    return due;
  }
  std::optional<core::Timestamp> earliest() const {
    if (deadlines.empty()) return std::nullopt;
    return deadlines.begin()->first;
  }

  std::size_t rule_count;
  std::unordered_map<std::string, std::uint32_t> numbers;       // queue name -> subject number
  std::vector<std::string> names;                               // by subject number
  std::vector<Pair> pairs;                                      // subject * rule_count + rule
  std::set<std::pair<core::Timestamp, std::size_t>> deadlines;  // (when, pair index)
};

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

const EscalationPolicy* AlertEngine::policy_named(const std::string& name) const {
  for (const EscalationPolicy& policy : config_.policies)
    if (policy.name == name) return &policy;
  return nullptr;
}

const Rule* AlertEngine::rule_named(const std::string& name) const {
  const auto it = rule_numbers_.find(name);
  return it == rule_numbers_.end() ? nullptr : &config_.rules[it->second];
}

bool AlertEngine::silenced(const Labels& labels, core::Timestamp now) const {
  return std::any_of(state_.silences.begin(), state_.silences.end(), [&](const Silence& silence) {
    return silence.active_at(now) && silence.matches(labels);
  });
}

void AlertEngine::note_condition_deadline(core::Timestamp at) {
  if (!condition_deadline_ || at < *condition_deadline_) condition_deadline_ = at;
}

Notification AlertEngine::make_notification(const Alert& alert, const EscalationPolicy& policy,
                                            std::size_t tier_index, NotificationKind kind,
                                            core::Timestamp now) const {
  Notification notification;
  notification.kind = kind;
  notification.alert_id = alert.id;
  notification.labels = alert.labels;
  notification.policy = policy.name;
  notification.tier_index = tier_index;
  notification.tier = policy.tiers[tier_index].name;
  notification.notifiers = policy.tiers[tier_index].notifiers;
  notification.starts_at = alert.fired_at.value_or(alert.active_since);
  notification.ends_at = alert.resolved_at;
  notification.at = now;
  const Rule* rule = rule_named(alert.rule);
  notification.severity = rule ? rule->severity : Severity::Warning;

  const std::string subject_label = alert.labels.contains("source") ? "source" : "queue";
  std::string values;
  std::string first_value = "absent";
  if (rule) {
    for (std::size_t i = 0; i < rule->terms.size() && i < alert.values.size(); ++i) {
      if (!values.empty()) values += ", ";
      values += describe(rule->terms[i].selector) + "=" + format_value(alert.values[i]);
    }
    if (!alert.values.empty()) first_value = format_value(alert.values.front());
    notification.annotations["expression"] = rule->expression;
  }
  std::string summary = rule && !rule->summary.empty()
                            ? rule->summary
                            : "{alertname} on " + subject_label + " {subject}: " +
                                  (rule ? rule->expression : std::string("rule removed"));
  replace_all(summary, "{alertname}", alert.rule);
  replace_all(summary, "{subject}", alert.subject);
  replace_all(summary, "{queue}", alert.subject);
  replace_all(summary, "{source}", alert.subject);
  replace_all(summary, "{value}", first_value);
  notification.annotations["summary"] = summary;
  notification.annotations["values"] = values;
  // Tells a receiver why a page closed, e.g. that its rule left the config.
  if (kind == NotificationKind::Resolved && alert.resolve_reason)
    notification.annotations["resolve_reason"] = std::string(to_string(*alert.resolve_reason));
  if (alert.acknowledgement) {
    notification.annotations["acknowledged_by"] = alert.acknowledgement->by;
    if (!alert.acknowledgement->comment.empty())
      notification.annotations["ack_comment"] = alert.acknowledgement->comment;
  }
  return notification;
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
  const Rule* rule = rule_named(alert.rule);
  const std::size_t runtime_index =
      rule ? static_cast<std::size_t>(rule - config_.rules.data()) : 0;
  const EscalationPolicy* policy = rule && rules_[runtime_index].policy_index
                                       ? &config_.policies[*rules_[runtime_index].policy_index]
                                       : nullptr;
  if (policy) {
    for (std::size_t i = 0; i < alert.tiers.size() && i < policy->tiers.size(); ++i)
      if (alert.tiers[i].notifications > 0)
        result.notifications.push_back(
            make_notification(alert, *policy, i, NotificationKind::Resolved, now));
  }
  if (rule && rule->cooldown > core::Duration::zero())
    state_.cooldown_until[{alert.rule, alert.subject}] = now + rule->cooldown;
}

void AlertEngine::notify_due_tiers(Alert& alert, core::Timestamp now, EvaluationResult& result) {
  alert.silenced = silenced(alert.labels, now);
  if (alert.state != AlertState::Firing || !alert.fired_at) return;
  const Rule* rule = rule_named(alert.rule);
  if (!rule) return;
  const auto& runtime = rules_[static_cast<std::size_t>(rule - config_.rules.data())];
  if (!runtime.policy_index) return;
  const EscalationPolicy& policy = config_.policies[*runtime.policy_index];
  alert.tiers.resize(policy.tiers.size());
  for (std::size_t i = 0; i < policy.tiers.size(); ++i) {
    TierProgress& progress = alert.tiers[i];
    const auto kind = tier_notification_due(policy.tiers[i], progress, *alert.fired_at, false,
                                            alert.silenced, now);
    if (!kind) continue;
    if (!progress.first_notified_at) progress.first_notified_at = now;
    progress.last_notified_at = now;
    ++progress.notifications;
    result.notifications.push_back(make_notification(alert, policy, i, *kind, now));
  }
}

EvaluationResult AlertEngine::evaluate(const core::FloorSnapshot& floor,
                                       const std::vector<SourceActivity>& sources,
                                       core::Timestamp now) {
  const bool complete = !floor.only_changed_since;
  if (!complete && floor.only_changed_since != floor_revision_)
    throw std::invalid_argument(
        "alerts: snapshot of the queues changed since revision " +
        std::to_string(*floor.only_changed_since) + ", but the engine last evaluated " +
        (floor_revision_ ? "revision " + std::to_string(*floor_revision_) : "nothing"));
  EvaluationResult result;
  condition_deadline_.reset();
  wake_at_.reset();
  last_evaluated_at_ = now;
  std::erase_if(state_.cooldown_until, [&](const auto& entry) { return entry.second <= now; });
  std::erase_if(state_.silences, [&](const Silence& silence) {
    return silence.ends_at + options_.silence_retention < now;
  });

  QueueMemory& memory = *memory_;
  if (complete) {
    // Every queue is in the snapshot: start over, so queues that vanished are forgotten.
    memory.clear();
    for (const Alert& alert : state_.active) {
      const Rule* rule = rule_named(alert.rule);
      if (rule && !rule->on_sources())
        memory
            .pairs[memory.index(memory.subject(alert.subject),
                                static_cast<std::size_t>(rule - config_.rules.data()))]
            .alert = alert.id;
    }
  }
  std::vector<std::vector<std::uint32_t>> due = memory.take_due(now);
  // Each snapshot queue's subject number, looked up once for all rules.
  std::vector<std::uint32_t> subject_of_queue;
  subject_of_queue.reserve(floor.queues.size());
  for (const core::QueueSnapshot& queue : floor.queues)
    subject_of_queue.push_back(memory.subject(queue.name));

  // Source alerts are few and every source is visited each time: look them up by key.
  std::unordered_map<std::string, std::size_t> source_index;
  if (has_source_rules_) {
    for (std::size_t i = 0; i < state_.active.size(); ++i) {
      const Rule* rule = rule_named(state_.active[i].rule);
      if (rule && rule->on_sources())
        source_index.emplace(key_of(state_.active[i].rule, state_.active[i].subject), i);
    }
  }
  // `active` stays sorted by id (new alerts get the next id), so a pair finds its alert fast.
  const auto slot_of = [&](AlertId id) -> std::optional<std::size_t> {
    if (id == 0) return std::nullopt;
    const auto found =
        std::lower_bound(state_.active.begin(), state_.active.end(), id,
                         [](const Alert& alert, AlertId wanted) { return alert.id < wanted; });
    if (found == state_.active.end() || found->id != id) return std::nullopt;
    return static_cast<std::size_t>(found - state_.active.begin());
  };
  std::vector<bool> visited(state_.active.size(), false);

  for (std::size_t rule_number = 0; rule_number < rules_.size(); ++rule_number) {
    const Rule& rule = config_.rules[rules_[rule_number].rule_index];
    bool in_hours = true;
    if (rule.active_hours) {
      in_hours = within_active_hours(*rule.active_hours, *zone_, now);
      const auto change = next_active_hours_change(*rule.active_hours, *zone_, now);
      if (change != core::Timestamp::max()) note_condition_deadline(change);
    }
    const bool hours_changed = rule_in_hours_[rule_number] != in_hours;
    rule_in_hours_[rule_number] = in_hours;

    // One (rule, subject) pair: lifecycle step, latest values; returns its alert's slot and
    // the next instant at which its condition can change with time alone.
    struct Outcome {
      std::optional<std::size_t> slot;
      std::optional<core::Timestamp> next_change;
    };
    const auto visit = [&](const std::string& subject, const std::string& subject_label,
                           const std::vector<TermValue>& values, std::optional<std::size_t> slot) {
      Outcome outcome;
      const auto note = [&](core::Timestamp at) {
        if (!outcome.next_change || at < *outcome.next_change) outcome.next_change = at;
      };
      if (slot) visited[*slot] = true;
      const bool fire = in_hours && condition_holds(rule, values, false, now);

      if (!slot && fire) {
        const auto cooling = state_.cooldown_until.find({rule.name, subject});
        if (cooling != state_.cooldown_until.end()) {
          note(cooling->second);
          return outcome;
        }
        Alert alert;
        alert.id = state_.next_alert_id++;
        alert.rule = rule.name;
        alert.subject = subject;
        alert.labels = {{"alertname", rule.name},
                        {subject_label, subject},
                        {"severity", std::string(to_string(rule.severity))}};
        alert.active_since = now;
        const bool fires_at_once = rule.for_duration <= core::Duration::zero();
        alert.state = fires_at_once ? AlertState::Firing : AlertState::Pending;
        if (fires_at_once) alert.fired_at = now;
        result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Inactive,
                                      alert.state, now, TransitionReason::ConditionMet});
        state_.active.push_back(std::move(alert));
        visited.push_back(true);
        slot = state_.active.size() - 1;
      } else if (slot && state_.active[*slot].state == AlertState::Pending) {
        Alert& alert = state_.active[*slot];
        if (!fire) {
          alert.state = AlertState::Inactive;  // removed below; it never fired
          result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Pending,
                                        AlertState::Inactive, now,
                                        in_hours ? TransitionReason::ConditionCleared
                                                 : TransitionReason::OutsideActiveHours});
        } else if (now >= alert.active_since + rule.for_duration) {
          alert.state = AlertState::Firing;
          alert.fired_at = now;
          result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Pending,
                                        AlertState::Firing, now, TransitionReason::ForElapsed});
        }
      } else if (slot) {
        Alert& alert = state_.active[*slot];
        const bool holds = in_hours && condition_holds(rule, values, true, now);
        if (!holds)
          resolve(
              alert,
              in_hours ? TransitionReason::ConditionCleared : TransitionReason::OutsideActiveHours,
              now, result);
      }
      outcome.slot = slot;

      const Alert* alert = slot ? &state_.active[*slot] : nullptr;
      if (alert && (alert->state == AlertState::Pending || alert->state == AlertState::Firing ||
                    alert->state == AlertState::Acknowledged))
        refresh_values(state_.active[*slot], values, now);
      if (!in_hours) return outcome;  // nothing changes before the active-hours boundary noted
      const bool clearing =
          alert && (alert->state == AlertState::Firing || alert->state == AlertState::Acknowledged);
      if (const auto change = next_condition_change(rule, values, clearing, now)) note(*change);
      if (alert && alert->state == AlertState::Pending)
        note(alert->active_since + rule.for_duration);
      return outcome;
    };

    if (rule.on_sources()) {
      const std::string filter = rule.source_filter();
      for (const SourceActivity& source : sources) {
        if (!filter.empty() && source.source != filter) continue;
        std::vector<TermValue> values(rule.terms.size());
        for (auto& value : values) {
          value.anchor = source.last_event_at;
          value.slope = 1;
        }
        std::optional<std::size_t> slot;
        if (const auto found = source_index.find(key_of(rule.name, source.source));
            found != source_index.end())
          slot = found->second;
        if (const auto next = visit(source.source, "source", values, slot).next_change)
          note_condition_deadline(*next);
      }
      continue;
    }

    // Queues in the snapshot bring fresh figures. Unchanged ones are visited with the figures
    // kept when their deadline came, or all of them when the rule's active hours turned.
    std::vector<std::uint32_t> kept;
    if (!complete) {
      if (hours_changed) {
        for (std::uint32_t subject = 0; subject < memory.names.size(); ++subject)
          if (memory.pairs[memory.index(subject, rule_number)].known) kept.push_back(subject);
      } else {
        kept = std::move(due[rule_number]);
      }
      std::sort(kept.begin(), kept.end(), [&](std::uint32_t a, std::uint32_t b) {
        return memory.names[a] < memory.names[b];
      });
    }
    // Merged in name order, the order of a complete snapshot, so alert ids come out the same.
    std::size_t next_queue = 0, next_kept = 0;
    while (next_queue < floor.queues.size() || next_kept < kept.size()) {
      const core::QueueSnapshot* queue = nullptr;
      std::uint32_t subject = 0;
      if (next_kept == kept.size() ||
          (next_queue < floor.queues.size() &&
           floor.queues[next_queue].name <= memory.names[kept[next_kept]])) {
        subject = subject_of_queue[next_queue];
        queue = &floor.queues[next_queue++];
        if (next_kept < kept.size() && kept[next_kept] == subject) ++next_kept;
        if (!rule.queues.empty() &&
            std::find(rule.queues.begin(), rule.queues.end(), queue->name) == rule.queues.end())
          continue;
      } else {
        subject = kept[next_kept++];
      }
      const std::size_t pair_index = memory.index(subject, rule_number);
      QueueMemory::Pair& pair = memory.pairs[pair_index];
      if (queue) {
        pair.values.resize(rule.terms.size());
        for (std::size_t t = 0; t < rule.terms.size(); ++t)
          pair.values[t] = queue_term_value(rule.terms[t].selector, *queue, rule.min_calls);
      }
      const Outcome outcome =
          visit(memory.names[subject], "queue", pair.values, slot_of(pair.alert));
      pair.known = true;
      pair.alert = outcome.slot ? state_.active[*outcome.slot].id : 0;
      memory.schedule(pair_index, outcome.next_change);
    }
  }

  // Alerts nobody visited: their queue is unchanged (values only move with time), or their
  // queue or source vanished, or their rule left the config.
  for (std::size_t i = 0; i < state_.active.size(); ++i) {
    Alert& alert = state_.active[i];
    if (visited[i] || alert.state == AlertState::Resolved || alert.state == AlertState::Inactive)
      continue;
    const Rule* rule = rule_named(alert.rule);
    if (!complete && rule && !rule->on_sources()) {
      const auto* pair =
          memory.find(alert.subject, static_cast<std::size_t>(rule - config_.rules.data()));
      if (pair && pair->known) {
        refresh_values(alert, pair->values, now);
        continue;
      }
    }
    const bool rule_exists = rule != nullptr;
    if (alert.state == AlertState::Pending) {
      alert.state = AlertState::Inactive;
      result.transitions.push_back(
          {alert.id, alert.rule, alert.labels, AlertState::Pending, AlertState::Inactive, now,
           rule_exists ? TransitionReason::SubjectGone : TransitionReason::RuleRemoved});
    } else {
      resolve(alert, rule_exists ? TransitionReason::SubjectGone : TransitionReason::RuleRemoved,
              now, result);
    }
  }

  for (Alert& alert : state_.active) notify_due_tiers(alert, now, result);

  retire_ended_alerts();
  floor_revision_ = floor.revision;
  update_next_deadline();
  return result;
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

void AlertEngine::update_next_deadline() {
  std::optional<core::Timestamp> earliest = wake_at_;
  const auto consider = [&](core::Timestamp at) {
    // Anything at or before the last evaluation was already acted on there.
    if (last_evaluated_at_ && at <= *last_evaluated_at_) return;
    if (!earliest || at < *earliest) earliest = at;
  };
  if (condition_deadline_) consider(*condition_deadline_);
  if (const auto queue_deadline = memory_->earliest()) consider(*queue_deadline);
  for (const Alert& alert : state_.active) {
    const Rule* rule = rule_named(alert.rule);
    if (!rule) continue;
    if (alert.state == AlertState::Pending) consider(alert.active_since + rule->for_duration);
    if (alert.state != AlertState::Firing || alert.silenced || !alert.fired_at) continue;
    const auto& runtime = rules_[static_cast<std::size_t>(rule - config_.rules.data())];
    if (!runtime.policy_index) continue;
    const EscalationPolicy& policy = config_.policies[*runtime.policy_index];
    for (std::size_t i = 0; i < policy.tiers.size(); ++i) {
      const TierProgress progress = i < alert.tiers.size() ? alert.tiers[i] : TierProgress{};
      if (const auto due = next_tier_notification(policy.tiers[i], progress, *alert.fired_at))
        consider(*due);
    }
  }
  for (const Silence& silence : state_.silences) {
    consider(silence.starts_at);
    consider(silence.ends_at);
  }
  for (const auto& [key, until] : state_.cooldown_until) consider(until);
  next_deadline_ = earliest;
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
  alert.state = AlertState::Acknowledged;
  alert.acknowledgement = Acknowledgement{by, comment, now};
  result.status = AckStatus::Acknowledged;
  update_next_deadline();  // its escalation stops
  result.transition = Transition{alert.id,
                                 alert.rule,
                                 alert.labels,
                                 AlertState::Firing,
                                 AlertState::Acknowledged,
                                 now,
                                 TransitionReason::Acknowledged};
  const Rule* rule = rule_named(alert.rule);
  if (!rule) return result;
  const auto& runtime = rules_[static_cast<std::size_t>(rule - config_.rules.data())];
  if (!runtime.policy_index) return result;
  const EscalationPolicy& policy = config_.policies[*runtime.policy_index];
  for (std::size_t i = 0; i < alert.tiers.size() && i < policy.tiers.size(); ++i)
    if (alert.tiers[i].notifications > 0)
      result.notifications.push_back(
          make_notification(alert, policy, i, NotificationKind::Acknowledged, now));
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
