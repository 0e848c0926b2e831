#pragma once
// The alert engine: evaluates rules against a floor snapshot at an injected `now`, runs each
// alert's lifecycle (pending -> firing -> acknowledged -> resolved), applies hysteresis, `for:`,
// cooldown, active hours and silences, and decides which escalation tier to notify when. It
// also says when the next thing can happen without new events (next_deadline), so the daemon
// sleeps until exactly then instead of polling. Pure: no sockets, files or clocks.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "alerts/alert_state.h"
#include "alerts/notification.h"
#include "alerts/rule_config.h"
#include "floorwatch/core/floor_snapshot.h"

namespace date {
class time_zone;
}

namespace floorwatch::alerts {

class QueueMemory;  // alerts/queue_memory.h
struct TermValue;   // alerts/rule_condition.h

/// When a collector source last delivered an event; the daemon fills one per known source.
struct SourceActivity {
  std::string source;
  core::Timestamp last_event_at{};
};

struct EngineOptions {
  /// The site zone for rules' active_hours until a picture brings its calendar (the daemon's
  /// always do; FloorSnapshot::calendar then wins).
  std::string time_zone = "UTC";
  std::size_t history_limit = 1000;                          ///< resolved alerts kept for listing
  core::Duration silence_retention{5LL * 24 * 3600 * 1000};  ///< expired silences kept this long
};

/// What one evaluation changed and who must be told.
struct EvaluationResult {
  std::vector<Transition> transitions;
  std::vector<Notification> notifications;
};

enum class AckStatus { Acknowledged, UnknownAlert, NotFiring, AlreadyAcknowledged, MissingName };
std::string_view to_string(AckStatus status);

struct AckResult {
  AckStatus status = AckStatus::UnknownAlert;
  std::optional<Transition> transition;
  std::vector<Notification> notifications;  ///< "acknowledged by …" to every notified tier
  /// An acknowledgement was recorded or replaced (by an earlier one from the HA partner):
  /// the state to persist changed. False when a repeated peer ack changed nothing.
  bool changed = false;
};

struct SilenceResult {
  SilenceId id = 0;   ///< 0 when rejected
  std::string error;  ///< why it was rejected
};

/// Not thread-safe: owned by the daemon loop, like the floor state.
class AlertEngine {
 public:
  /// Throws std::invalid_argument for an inconsistent config or an unknown time zone.
  explicit AlertEngine(AlertsConfig config, EngineOptions options = {});
  ~AlertEngine();
  AlertEngine(const AlertEngine&) = delete;
  AlertEngine& operator=(const AlertEngine&) = delete;

  /// Evaluates the rules at `now`. Call after each applied batch and whenever next_deadline()
  /// is reached; `floor` should be a snapshot taken at `now` with snapshot_options().
  /// A complete snapshot has every rule evaluated for every queue (and source). A snapshot of
  /// the queues changed since the engine's last one (FloorSnapshot::only_changed_since) has
  /// those re-evaluated; an unchanged queue is re-evaluated, with the figures the engine kept,
  /// only when its own deadline comes (a wait crossing a threshold, `for:`, cooldown) or its
  /// rule's active hours begin or end. Either way the outcome is the same. Throws
  /// std::invalid_argument for a partial snapshot relative to another revision than the last.
  EvaluationResult evaluate(const core::FloorSnapshot& floor,
                            const std::vector<SourceActivity>& sources, core::Timestamp now);

  /// What to ask FloorState::snapshot for next: only the queues changed since the last
  /// evaluated snapshot (every queue before the first evaluation and after restore()), and no
  /// Erlang C figures unless a rule reads predicted_service_level_ratio.
  core::SnapshotOptions snapshot_options() const;

  /// The earliest instant after the last evaluation at which an alert can change or a
  /// notification fall due with no new events: a time-driven threshold crossing (oldest wait,
  /// breach within, source silence), `for:` expiry, an escalation tier or repeat, the end of a
  /// cooldown, silence or active-hours span. nullopt when nothing is scheduled. Window figures
  /// (rolling expiry, interval rollover) are not predicted: evaluate after advancing windows.
  std::optional<core::Timestamp> next_deadline() const { return next_deadline_; }

  /// Takes ownership of a firing alert: stops its escalation and repeats.
  AckResult acknowledge(AlertId id, const std::string& by, const std::string& comment,
                        core::Timestamp now);

  /// An acknowledgement the other daemon of an HA pair recorded, keyed by the pair-wide
  /// fingerprint (docs/ha.md). A firing alert is acknowledged as if here, with the peer's
  /// who/comment/time (notices to the tiers told); an acknowledged one keeps the earliest
  /// acknowledgement, so both daemons end up showing the same; for an alert not firing here
  /// yet the ack is held and applied the moment it fires, before any tier is told. Acks for
  /// resolved alerts are ignored; held ones are forgotten after `kSharedAckHold`.
  AckResult merge_shared_ack(const std::string& fingerprint, const Acknowledgement& ack,
                             core::Timestamp now);
  /// Every acknowledged alert's fingerprint and acknowledgement: what this daemon tells its
  /// peer, whole, on every exchange (so a lost message or a link down heals by itself).
  std::vector<std::pair<std::string, Acknowledgement>> shared_acks() const;
  /// How many peer acks are held for alerts not firing here (yet).
  std::size_t held_shared_acks() const { return held_acks_.size(); }
  static constexpr core::Duration kSharedAckHold{3600LL * 1000};
  static constexpr std::size_t kSharedAckHoldLimit = 10000;

  /// A "still firing" notice (NotificationKind::Refresh) to every tier told about each firing
  /// or acknowledged alert, for Alertmanager, which ends alerts not re-sent before endsAt.
  std::vector<Notification> refresh_notices(core::Timestamp now) const;

  /// Ends the alerts of every rule not named in `remaining_rules`, before a config reload
  /// drops those rules: firing and acknowledged ones resolve (reason rule_removed, into the
  /// history) with a "resolved" notice to every tier that was told, addressed to this
  /// engine's notifiers; pending ones become inactive without a notice. The engine keeps its
  /// rules, so its state is meant to be restore()d into the engine of the new config.
  EvaluationResult end_alerts_of_removed_rules(const std::vector<std::string>& remaining_rules,
                                               core::Timestamp now);

  /// Pending, firing and acknowledged alerts, by id.
  const std::vector<Alert>& list() const { return state_.active; }
  /// Resolved alerts, oldest first.
  const std::deque<Alert>& history() const { return state_.history; }
  /// An active or resolved alert; nullptr when unknown.
  const Alert* find(AlertId id) const;

  SilenceResult add_silence(Silence silence, core::Timestamp now);
  /// Ends a silence now; false when no such silence.
  bool expire_silence(SilenceId id, core::Timestamp now);
  const std::vector<Silence>& silences() const { return state_.silences; }

  /// The whole mutable state as one value (to persist), and its reverse. After restore(),
  /// evaluate before trusting next_deadline().
  const AlertEngineState& state() const { return state_; }
  void restore(AlertEngineState state);

  const AlertsConfig& config() const { return config_; }

 private:
  struct RuleRuntime {
    std::size_t rule_index;
    std::optional<std::size_t> policy_index;
  };
  struct EvaluationPass;  // one evaluate() call's working set (alert_engine_evaluate.cpp)
  struct RuleVisit;       // one rule within it, with its active-hours verdict
  struct SubjectOutcome;  // what visiting one (rule, subject) pair left behind

  // alert_engine.cpp: lookups shared by every part.
  const Rule* rule_named(const std::string& name) const;
  /// The escalation policy of a rule; nullptr for no rule or a rule without one.
  const EscalationPolicy* policy_of(const Rule* rule) const;
  bool silenced(const Labels& labels, core::Timestamp now) const;
  /// Moves resolved alerts to the (bounded) history and forgets inactive ones.
  void retire_ended_alerts();

  // alert_engine_evaluate.cpp: one evaluation, rule by rule, subject by subject.
  void check_follows_last_snapshot(const core::FloorSnapshot& floor) const;
  void forget_expired(core::Timestamp now);
  void remember_queue_alerts();
  std::optional<std::size_t> slot_of(AlertId id) const;
  std::unordered_map<std::string, std::size_t> index_source_alerts() const;
  RuleVisit start_rule_visit(std::size_t rule_number, core::Timestamp now);
  void evaluate_sources(EvaluationPass& pass, const RuleVisit& visit);
  void evaluate_queues(EvaluationPass& pass, const RuleVisit& visit);
  std::vector<std::uint32_t> queues_to_revisit(EvaluationPass& pass, const RuleVisit& visit);
  void end_unvisited_alerts(EvaluationPass& pass);

  // alert_engine_lifecycle.cpp: pending -> firing -> resolved for one (rule, subject) pair.
  SubjectOutcome visit_subject(EvaluationPass& pass, const RuleVisit& visit,
                               const std::string& subject, const std::string& subject_label,
                               const std::vector<TermValue>& values,
                               std::optional<core::Timestamp> last_event_at,
                               std::optional<std::size_t> slot);
  std::optional<std::size_t> open_alert(EvaluationPass& pass, const Rule& rule,
                                        const std::string& subject,
                                        const std::string& subject_label, core::Timestamp onset,
                                        SubjectOutcome& outcome);
  void step_pending(Alert& alert, const RuleVisit& visit, bool fire, core::Timestamp now,
                    EvaluationResult& result);
  void step_firing(Alert& alert, const RuleVisit& visit, const std::vector<TermValue>& values,
                   core::Timestamp now, EvaluationResult& result);
  void resolve(Alert& alert, TransitionReason reason, core::Timestamp now,
               EvaluationResult& result);

  // alert_engine_escalation.cpp: who is told what, when.
  void notify_due_tiers(Alert& alert, core::Timestamp now, EvaluationResult& result);
  void notify_told_tiers(const Alert& alert, NotificationKind kind, core::Timestamp now,
                         std::vector<Notification>& notifications) const;

  // alert_engine_shared_acks.cpp: acknowledgements shared by the two daemons of a pair.
  void take_acknowledgement(Alert& alert, Acknowledgement ack, core::Timestamp now,
                            AckResult& result);
  void apply_held_acks(core::Timestamp now, EvaluationResult& result);

  // alert_engine_deadlines.cpp: when evaluate() must run again with no new events.
  void update_next_deadline();
  void note_condition_deadline(core::Timestamp at);

  AlertsConfig config_;
  EngineOptions options_;
  const date::time_zone* zone_;
  std::vector<RuleRuntime> rules_;
  std::unordered_map<std::string, std::size_t> rule_numbers_;  // rule name -> index
  bool reads_predictions_ = false;
  bool has_source_rules_ = false;
  AlertEngineState state_;
  std::optional<core::Timestamp> last_evaluated_at_;
  // Active-hours boundaries and source deadlines from the last evaluate(); queue deadlines
  // are kept per (rule, queue) in memory_.
  std::optional<core::Timestamp> condition_deadline_;
  std::optional<core::Timestamp> wake_at_;  // a silence ended early: re-check at once
  std::optional<core::Timestamp> next_deadline_;
  std::unique_ptr<QueueMemory> memory_;             // per (rule, queue), between evaluations
  std::optional<std::uint64_t> floor_revision_;     // of the last evaluated snapshot
  std::vector<std::optional<bool>> rule_in_hours_;  // per rule, at the last evaluation
  // Peer acks for alerts not firing here yet, by fingerprint (not persisted: the peer
  // repeats its whole set on every exchange).
  std::map<std::string, Acknowledgement> held_acks_;
};

}  // namespace floorwatch::alerts
