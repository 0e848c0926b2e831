#pragma once
// The alert engine's mutable state, kept in plain structs so it can be serialised as one value
// (saved in the daemon's snapshots, docs/durability.md) and listed by floorwatchctl. Vocabulary
// from Alertmanager: an alert is a label set with a lifecycle; acknowledgements and silences are
// separate objects.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerts/escalation.h"
#include "alerts/rule.h"
#include "alerts/silence.h"
#include "floorwatch/core/time.h"

namespace floorwatch::alerts {

using AlertId = std::uint64_t;

/// Inactive only appears as the `from` of a new alert's first transition (and the `to` of a
/// pending alert whose condition went away before `for:` elapsed).
enum class AlertState { Inactive, Pending, Firing, Acknowledged, Resolved };
std::string_view to_string(AlertState state);

/// Why a transition happened: ends up in logs and `floorwatchctl alerts`.
enum class TransitionReason {
  ConditionMet,        ///< inactive -> pending, or -> firing when `for` is 0
  ForElapsed,          ///< pending -> firing
  ConditionCleared,    ///< pending -> inactive, or firing/acknowledged -> resolved (past `clear`)
  OutsideActiveHours,  ///< the rule's active hours ended
  SubjectGone,         ///< the queue or source is no longer reported
  RuleRemoved,         ///< a config reload removed the rule (or restored state names one)
  Acknowledged,        ///< firing -> acknowledged
};
std::string_view to_string(TransitionReason reason);

/// Who took ownership of a firing alert.
struct Acknowledgement {
  std::string by;
  std::string comment;
  core::Timestamp at{};
};

/// One alert instance: one (rule, queue) or (rule, source) episode from pending to resolved.
struct Alert {
  AlertId id = 0;
  std::string rule;
  std::string subject;  ///< queue name, or source name for source rules
  Labels labels;        ///< alertname, queue|source, severity
  AlertState state = AlertState::Pending;
  core::Timestamp active_since{};  ///< when the condition started to hold (pending start)
  std::optional<core::Timestamp> fired_at;
  std::optional<core::Timestamp> resolved_at;
  std::optional<Acknowledgement> acknowledgement;
  std::optional<TransitionReason> resolve_reason;
  /// Latest value of each term of the rule (nullopt = not available, e.g. nobody waiting).
  std::vector<std::optional<double>> values;
  /// Each term's value at fired_at: what notices show, alike on both daemons of a pair.
  std::vector<std::optional<double>> fired_values;
  std::vector<TierProgress> tiers;  ///< per tier of the rule's escalation policy
  bool silenced = false;            ///< as of the last evaluation
};

/// A lifecycle step, returned by evaluate()/acknowledge() for logs and counters.
struct Transition {
  AlertId id = 0;
  std::string rule;
  Labels labels;
  AlertState from = AlertState::Inactive;
  AlertState to = AlertState::Inactive;
  core::Timestamp at{};
  TransitionReason reason = TransitionReason::ConditionMet;
};

/// Everything the engine remembers between evaluations. Plain, serialisable.
struct AlertEngineState {
  AlertId next_alert_id = 1;
  SilenceId next_silence_id = 1;
  std::vector<Alert> active;  ///< pending, firing and acknowledged, by id
  std::deque<Alert> history;  ///< resolved, oldest first, bounded by EngineOptions
  std::vector<Silence> silences;
  /// (rule, subject) -> no new alert before this instant (the rule's cooldown).
  std::map<std::pair<std::string, std::string>, core::Timestamp> cooldown_until;
};

}  // namespace floorwatch::alerts
