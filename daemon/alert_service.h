#pragma once
// The alerts engine inside floorwatchd: evaluates rules on the live floor after each ingest
// drain and exactly at the engine's next deadline, hands notifications to the dispatcher,
// answers `alerts`/`ack` control commands, feeds wallboards and exports alert metrics.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <nlohmann/json.hpp>

#include "alerts/alert_engine.h"
#include "alerts/notifiers/dispatcher.h"
#include "alerts/rule_config.h"
#include "daemon/alert_metrics.h"
#include "daemon/feed_publisher.h"
#include "daemon/floor_view.h"
#include "daemon/ingest_processor.h"
#include "daemon/notifier_retirement.h"
#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

/// Not thread-safe except collectable() and feed_alerts() results: the loop owns it.
class AlertService {
 public:
  AlertService(const alerts::AlertsConfig& config, const std::string& time_zone,
               const Identity& identity, const std::string& generator_url);
  ~AlertService();

  /// Evaluates the rules at the view's instant on the queues changed since the last
  /// evaluation (every queue the first time); submits notifications; logs changes.
  /// True when an alert changed state (wallboards should hear at once).
  bool evaluate(const FloorView& view, const IngestProcessor& ingest);
  std::optional<core::Timestamp> next_deadline() const { return engine_.next_deadline(); }

  /// Control commands (docs/control.md): the alert list, and acknowledging one.
  nlohmann::json list_json() const;
  nlohmann::json acknowledge(const nlohmann::json& request, core::Timestamp now);
  /// `peer_acks` from the HA partner (docs/ha.md): each acknowledgement merged by fingerprint
  /// (AlertEngine::merge_shared_ack). Replies {"merged": N, "held": M} or an error.
  nlohmann::json merge_peer_acks(const nlohmann::json& request, core::Timestamp now);
  /// Re-sends every firing alert to Alertmanager (NotificationKind::Refresh) once per the
  /// shortest `resend` of the alertmanager notifiers; the loop calls it on its tick.
  void refresh_alertmanager(core::Timestamp now);

  /// What wallboards show (thread-safe copy of the last evaluation).
  std::vector<FeedAlert> feed_alerts() const;
  /// floorwatch_alerts_firing, floorwatch_alert_transitions_total,
  /// floorwatch_notifications_failed_total (thread-safe).
  std::shared_ptr<prometheus::Collectable> collectable() const;

  /// Alert state for the daemon's snapshot (durable_state.cpp saves and restores it).
  const alerts::AlertEngine& engine() const { return engine_; }
  alerts::AlertEngine& engine() { return engine_; }
  /// Republishes metrics and the wallboard feed from the engine, e.g. after restore().
  void refresh() { publish_summary(); }
  /// True once after any transition or acknowledgement: the state store snapshots then, so
  /// an ack survives a crash even when no event follows it.
  bool take_changes() { return std::exchange(changed_, false); }

  /// SIGHUP: this service, built from the reloaded config, takes over `predecessor`'s alerts
  /// (by rule name, with acks and escalation progress), history, silences and counters.
  /// Alerts whose rule this config lacks end first, in the predecessor, which still knows the
  /// rule and its notifiers: firing and acknowledged ones resolve (rule_removed) and every
  /// tier told hears it through those notifiers; pending ones just end. The predecessor's
  /// notifiers then keep delivering ("retiring") until their queues are done or their retry
  /// budget, counted from `steady_now`, is spent. Never blocks on a receiver.
  void take_over(AlertService& predecessor, core::Timestamp now,
                 std::chrono::steady_clock::time_point steady_now);
  /// Lets go of retiring notifiers that are done, and stops those past their budget. Never
  /// blocks; the loop calls it on its tick.
  void release_retired_notifiers(std::chrono::steady_clock::time_point now);
  /// How many earlier configs' notifier sets are still retiring.
  std::size_t retiring_notifier_sets() const { return retiring_.size(); }

 private:
  void publish_summary();
  /// Logs and counts the transitions, hands the notifications to the dispatcher.
  void record(const alerts::EvaluationResult& result);
  /// The dispatchers whose counters /metrics shows: this config's and the retiring ones.
  void publish_dispatchers();

  alerts::AlertEngine engine_;
  std::unique_ptr<alerts::NotificationDispatcher> dispatcher_;
  NotifierRetirement retiring_;
  std::shared_ptr<AlertMetrics> metrics_;
  mutable std::mutex feed_mutex_;
  std::vector<FeedAlert> feed_alerts_;
  bool changed_ = false;
  std::optional<core::Duration> resend_;  // shortest alertmanager `resend`; none: no refresh
  std::optional<core::Timestamp> next_refresh_;
  std::vector<std::string> alertmanagers_;  // names of the alertmanager notifiers
};

}  // namespace floorwatch::daemon
