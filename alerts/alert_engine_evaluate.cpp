// AlertEngine::evaluate: which (rule, subject) pairs to look at for this snapshot, in which
// order, and what to do with the alerts nobody looked at. The step for one pair is in
// alert_engine_lifecycle.cpp; escalation in alert_engine_escalation.cpp.
#include <algorithm>
#include <stdexcept>

#include "alerts/active_hours.h"
#include "alerts/alert_engine.h"
#include "alerts/evaluation_pass.h"

namespace floorwatch::alerts {

EvaluationResult AlertEngine::evaluate(const core::FloorSnapshot& floor,
                                       const std::vector<SourceActivity>& sources,
                                       core::Timestamp now) {
  check_follows_last_snapshot(floor);
  // The site's settings come with the picture: a reloaded time zone moves active hours in the
  // same evaluation that shows it on /metrics and the boards.
  if (floor.calendar) zone_ = &floor.calendar->zone();
  condition_deadline_.reset();
  wake_at_.reset();
  last_evaluated_at_ = now;
  forget_expired(now);

  EvaluationPass pass(floor, sources, now);
  if (pass.complete) remember_queue_alerts();
  pass.due = memory_->take_due(now);
  pass.subject_of_queue.reserve(floor.queues.size());
  for (const core::QueueSnapshot& queue : floor.queues)
    pass.subject_of_queue.push_back(memory_->subject(queue.name));
  if (has_source_rules_) pass.source_slots = index_source_alerts();
  pass.visited.assign(state_.active.size(), false);

  for (std::size_t rule_number = 0; rule_number < rules_.size(); ++rule_number) {
    const RuleVisit visit = start_rule_visit(rule_number, now);
    if (visit.rule.on_sources())
      evaluate_sources(pass, visit);
    else
      evaluate_queues(pass, visit);
  }
  end_unvisited_alerts(pass);
  // The peer may have acknowledged an alert that only fired here now: no tier hears of it.
  if (!held_acks_.empty()) apply_held_acks(now, pass.result);
  for (Alert& alert : state_.active) notify_due_tiers(alert, now, pass.result);

  retire_ended_alerts();
  floor_revision_ = floor.revision;
  update_next_deadline();
  return std::move(pass.result);
}

// A partial snapshot only says which queues changed since some revision; if that is not the
// revision the engine last saw, changes in between would be missed silently.
void AlertEngine::check_follows_last_snapshot(const core::FloorSnapshot& floor) const {
  if (!floor.only_changed_since || floor.only_changed_since == floor_revision_) return;
  throw std::invalid_argument(
      "alerts: snapshot of the queues changed since revision " +
      std::to_string(*floor.only_changed_since) + ", but the engine last evaluated " +
      (floor_revision_ ? "revision " + std::to_string(*floor_revision_) : "nothing"));
}

// Ended cooldowns no longer hold anything back; expired silences are kept a while so
// `floorwatchctl silences` can still show them, then dropped.
void AlertEngine::forget_expired(core::Timestamp now) {
  std::erase_if(state_.cooldown_until, [&](const auto& entry) { return entry.second <= now; });
  std::erase_if(state_.silences, [&](const Silence& silence) {
    return silence.ends_at + options_.silence_retention < now;
  });
}

// Every queue is in a complete snapshot: start the memory over, so queues that vanished are
// forgotten, but keep each open queue alert tied to its pair so the pair finds it.
void AlertEngine::remember_queue_alerts() {
  QueueMemory& memory = *memory_;
  memory.clear();
  for (const Alert& alert : state_.active) {
    const Rule* rule = rule_named(alert.rule);
    if (!rule || rule->on_sources()) continue;
    const auto rule_number = static_cast<std::size_t>(rule - config_.rules.data());
    memory.pair(memory.index(memory.subject(alert.subject), rule_number)).alert = alert.id;
  }
}

std::unordered_map<std::string, std::size_t> AlertEngine::index_source_alerts() const {
  std::unordered_map<std::string, std::size_t> slots;
  for (std::size_t i = 0; i < state_.active.size(); ++i) {
    const Rule* rule = rule_named(state_.active[i].rule);
    if (rule && rule->on_sources())
      slots.emplace(key_of(state_.active[i].rule, state_.active[i].subject), i);
  }
  return slots;
}

// `active` stays sorted by id (new alerts get the next id), so a pair finds its alert fast.
std::optional<std::size_t> AlertEngine::slot_of(AlertId id) const {
  if (id == 0) return std::nullopt;
  const auto found =
      std::lower_bound(state_.active.begin(), state_.active.end(), id,
                       [](const Alert& alert, AlertId wanted) { return alert.id < wanted; });
  if (found == state_.active.end() || found->id != id) return std::nullopt;
  return static_cast<std::size_t>(found - state_.active.begin());
}

// Whether the rule is within its active hours now, and whether that turned since the last
// evaluation; the next boundary becomes a deadline, since no event marks it.
AlertEngine::RuleVisit AlertEngine::start_rule_visit(std::size_t rule_number, core::Timestamp now) {
  const Rule& rule = config_.rules[rules_[rule_number].rule_index];
  bool in_hours = true;
  if (rule.active_hours) {
    in_hours = within_active_hours(*rule.active_hours, *zone_, now);
    const auto change = next_active_hours_change(*rule.active_hours, *zone_, now);
    if (change != core::Timestamp::max()) note_condition_deadline(change);
  }
  const bool hours_changed = rule_in_hours_[rule_number] != in_hours;
  rule_in_hours_[rule_number] = in_hours;
  return {rule_number, rule, in_hours, hours_changed};
}

// Every known source is looked at each time: silence grows with time for all of them.
void AlertEngine::evaluate_sources(EvaluationPass& pass, const RuleVisit& visit) {
  const Rule& rule = visit.rule;
  const std::string filter = rule.source_filter();
  for (const SourceActivity& source : pass.sources) {
    if (!filter.empty() && source.source != filter) continue;
    const std::vector<TermValue> values = source_term_values(rule, source.last_event_at);
    std::optional<std::size_t> slot;
    if (const auto found = pass.source_slots.find(key_of(rule.name, source.source));
        found != pass.source_slots.end())
      slot = found->second;
    if (const auto next =
            visit_subject(pass, visit, source.source, "source", values, std::nullopt, slot)
                .next_change)
      note_condition_deadline(*next);
  }
}

// Queues in the snapshot bring fresh figures; unchanged ones are looked at again with the
// figures kept, when their deadline came or the rule's active hours turned. Both are merged
// in name order, the order of a complete snapshot, so alert ids come out the same.
void AlertEngine::evaluate_queues(EvaluationPass& pass, const RuleVisit& visit) {
  const Rule& rule = visit.rule;
  const auto& queues = pass.floor.queues;
  QueueMemory& memory = *memory_;
  const std::vector<std::uint32_t> kept =
      pass.complete ? std::vector<std::uint32_t>{} : queues_to_revisit(pass, visit);
  std::size_t next_queue = 0, next_kept = 0;
  while (next_queue < queues.size() || next_kept < kept.size()) {
    const core::QueueSnapshot* queue = nullptr;
    std::uint32_t subject = 0;
    if (next_kept == kept.size() ||
        (next_queue < queues.size() && queues[next_queue].name <= memory.name(kept[next_kept]))) {
      subject = pass.subject_of_queue[next_queue];
      queue = &queues[next_queue++];
      if (next_kept < kept.size() && kept[next_kept] == subject) ++next_kept;
      if (!rule.queues.empty() &&
          std::find(rule.queues.begin(), rule.queues.end(), queue->name) == rule.queues.end())
        continue;
    } else {
      subject = kept[next_kept++];
    }
    const std::size_t pair_index = memory.index(subject, visit.rule_number);
    QueueMemory::Pair& pair = memory.pair(pair_index);
    if (queue) {
      pair.last_event_at = queue->last_event_at;
      pair.values.resize(rule.terms.size());
      for (std::size_t t = 0; t < rule.terms.size(); ++t)
        pair.values[t] = queue_term_value(rule.terms[t].selector, *queue, rule.min_calls);
    }
    const SubjectOutcome outcome =
        visit_subject(pass, visit, memory.name(subject), "queue", pair.values, pair.last_event_at,
                      slot_of(pair.alert));
    pair.known = true;
    pair.alert = outcome.slot ? state_.active[*outcome.slot].id : 0;
    memory.schedule(pair_index, outcome.next_change);
  }
}

// The unchanged queues of a partial snapshot to look at again, in name order.
std::vector<std::uint32_t> AlertEngine::queues_to_revisit(EvaluationPass& pass,
                                                          const RuleVisit& visit) {
  const QueueMemory& memory = *memory_;
  std::vector<std::uint32_t> kept;
  if (visit.hours_changed) {
    for (std::uint32_t subject = 0; subject < memory.subject_count(); ++subject)
      if (memory.pair(memory.index(subject, visit.rule_number)).known) kept.push_back(subject);
  } else {
    kept = std::move(pass.due[visit.rule_number]);
  }
  std::sort(kept.begin(), kept.end(),
            [&](std::uint32_t a, std::uint32_t b) { return memory.name(a) < memory.name(b); });
  return kept;
}

// Alerts nobody looked at: their queue is unchanged (values only move with time), or their
// queue or source vanished, or their rule left the config.
void AlertEngine::end_unvisited_alerts(EvaluationPass& pass) {
  for (std::size_t i = 0; i < state_.active.size(); ++i) {
    Alert& alert = state_.active[i];
    if (pass.visited[i] || alert.state == AlertState::Resolved ||
        alert.state == AlertState::Inactive)
      continue;
    const Rule* rule = rule_named(alert.rule);
    if (!pass.complete && rule && !rule->on_sources()) {
      const auto* pair =
          memory_->find(alert.subject, static_cast<std::size_t>(rule - config_.rules.data()));
      if (pair && pair->known) {
        refresh_values(alert, pair->values, pass.now);
        continue;
      }
    }
    const TransitionReason reason =
        rule ? TransitionReason::SubjectGone : TransitionReason::RuleRemoved;
    if (alert.state == AlertState::Pending) {
      alert.state = AlertState::Inactive;  // it never fired: nobody to tell
      pass.result.transitions.push_back({alert.id, alert.rule, alert.labels, AlertState::Pending,
                                         AlertState::Inactive, pass.now, reason});
    } else {
      resolve(alert, reason, pass.now, pass.result);
    }
  }
}

}  // namespace floorwatch::alerts
