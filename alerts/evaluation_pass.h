#pragma once
// Internal to the alert engine's .cpp files: the working set of one AlertEngine::evaluate()
// call, handed from the per-rule loop (alert_engine_evaluate.cpp) to the per-subject lifecycle
// step (alert_engine_lifecycle.cpp), so neither needs a lambda capturing the other's locals.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "alerts/alert_engine.h"
#include "alerts/queue_memory.h"
#include "alerts/rule_condition.h"

namespace floorwatch::alerts {

struct AlertEngine::EvaluationPass {
  EvaluationPass(const core::FloorSnapshot& floor_, const std::vector<SourceActivity>& sources_,
                 core::Timestamp now_)
      : floor(floor_), sources(sources_), now(now_), complete(!floor_.only_changed_since) {}

  const core::FloorSnapshot& floor;
  const std::vector<SourceActivity>& sources;
  const core::Timestamp now;
  const bool complete;  // every queue is in the snapshot, not only the changed ones
  EvaluationResult result;
  // Per rule: unchanged queues (subject numbers) whose own deadline has come.
  std::vector<std::vector<std::uint32_t>> due;
  // Each snapshot queue's subject number, looked up once for all rules.
  std::vector<std::uint32_t> subject_of_queue;
  // Source alerts by key_of(rule, source): few, and every source is visited each time.
  std::unordered_map<std::string, std::size_t> source_slots;
  // Per slot of state_.active: looked at in this pass (the rest are ended or kept as is).
  std::vector<bool> visited;
};

struct AlertEngine::RuleVisit {
  std::size_t rule_number;
  const Rule& rule;
  bool in_hours;       // within the rule's active hours (always, without any)
  bool hours_changed;  // since the last evaluation: every known queue is looked at again
};

struct AlertEngine::SubjectOutcome {
  std::optional<std::size_t> slot;             // its alert in state_.active, if any
  std::optional<core::Timestamp> next_change;  // when time alone can change the outcome

  void note(core::Timestamp at) {
    if (!next_change || at < *next_change) next_change = at;
  }
};

/// An open alert's figures as they stand at `now`, for listings and notifications.
inline void refresh_values(Alert& alert, const std::vector<TermValue>& values,
                           core::Timestamp now) {
  alert.values.clear();
  for (const TermValue& value : values) alert.values.push_back(value.seconds_at(now));
}

/// The key of a (rule, subject) pair in maps keyed by both.
inline std::string key_of(const std::string& rule, const std::string& subject) {
  return rule + '\x1f' + subject;
}

}  // namespace floorwatch::alerts
