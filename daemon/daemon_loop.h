#pragma once
// floorwatchd assembled: config -> clock, floor state, metrics, sockets; and the loop that owns
// the state (polls ingest and control, applies batches, acks, ticks the windows).
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <zmq.hpp>

#include "daemon/alert_service.h"
#include "daemon/config.h"
#include "daemon/config_reload.h"
#include "daemon/control_server.h"
#include "daemon/durable_state.h"
#include "daemon/feed_publisher.h"
#include "daemon/floor_view.h"
#include "daemon/forecast_metrics.h"
#include "daemon/forecast_worker.h"
#include "daemon/history_writer.h"
#include "daemon/ingest_pipeline.h"
#include "daemon/ingest_processor.h"
#include "daemon/interval_history.h"
#include "daemon/metrics_exporter.h"
#include "daemon/peer_link.h"
#include "daemon/rate_limited_log.h"
#include "daemon/report_worker.h"
#include "daemon/self_metrics.h"
#include "daemon/systemd_notify.h"
#include "security/socket_security.h"
#include "security/zap_handler.h"

namespace floorwatch::daemon {

enum class ClockMode { Wall, Event };

/// The whole daemon. Construction binds every socket (throws on failure); run() is the loop.
/// Not thread-safe apart from `stop`, which any thread (or a signal handler) may set.
class Daemon {
 public:
  /// CURVE is on when the config has `security.curve` (docs/security.md).
  Daemon(DaemonConfig config, ClockMode clock_mode);
  ~Daemon();

  /// Endpoints actually bound (port 0 / `*` resolved).
  const std::string& ingest_endpoint() const { return ingest_endpoint_; }
  const std::string& control_endpoint() const { return control_endpoint_; }
  std::string metrics_address() const { return exporter_->listening_address(); }
  /// Wallboard feed endpoints actually bound: snapshot ROUTER and delta PUB (docs/feed.md).
  const std::string& feed_endpoint() const { return feed_->snapshot_endpoint(); }
  const std::string& feed_publish_endpoint() const { return feed_->publish_endpoint(); }
  /// Where the wallboard feed takes its alerts from (the alerts engine); none by default.
  /// Call before run().
  void set_alert_provider(AlertProvider provider) {
    feed_->set_alert_provider(std::move(provider));
  }
  const FeedCounters& feed_counters() const { return feed_->counters(); }

  /// Polls until `stop` becomes true (checked at least every 100 ms), then closes the sockets.
  void run(const std::atomic<bool>& stop);

  /// SIGHUP: takes over queues, calendar and alert rules from `next` without losing state
  /// (alerts keep their lifecycle by rule name); restart-only keys keep their running values
  /// and are listed in the plan. The caller has already validated `next` (load_config).
  ReloadPlan reload(const DaemonConfig& next);
  /// Set before run(): when `*requested` becomes true the loop calls `load` and reload()s;
  /// a ConfigError keeps the old config in force (logged, counted).
  void set_reload_trigger(std::atomic<bool>* requested, std::function<DaemonConfig()> load);
  /// Set before run(): the loop pings the systemd watchdog and reports reloads.
  void set_systemd_notifier(SystemdNotifier* notifier) {
    systemd_ = notifier;
    if (durable_) durable_->set_systemd_notifier(notifier);
  }

 private:
  /// The time of one loop wake-up, read once: steady for durations, the clock for the floor.
  struct LoopTime {
    std::chrono::steady_clock::time_point steady;
    core::Timestamp now;
  };
  /// Evaluates alert rules when a deadline is due, after ingest (at most every 20 ms) and
  /// every second (rolling windows move with time).
  /// True when an alert changed state.
  bool evaluate_alerts(bool ingested, const LoopTime& time);
  /// How long poll may sleep: until the next alert deadline, at most one tick.
  std::chrono::milliseconds poll_timeout(const LoopTime& last) const;
  /// Publishes the floor at `now` for every reader (scrapes, feed, control, alert rules).
  void publish_view(core::Timestamp now, std::chrono::steady_clock::time_point steady_now);
  /// `ha:`: the link that shares acknowledgements with the partner daemon (docs/ha.md).
  void start_peer_link();
  /// The forecast worker over the history, exported on /metrics and sent to the boards.
  void start_forecasts();
  /// Hands the intervals changed since the last call to the history writer (memory only);
  /// returns its ticket (0: no history configured).
  std::uint64_t sync_history(core::Timestamp now);
  /// An alert changed by a control command: snapshotted before its client hears back.
  void reply_when_durable(std::vector<zmq::message_t> request, std::string reply);
  void drain_control(const LoopTime& time);
  /// `callback_done`: closes the call-back on the floor state (the loop owns it), shows it to
  /// boards and scrapes at once, and replies once it is durable, as an alert ack.
  void close_callback(std::vector<zmq::message_t> request, const CallbackDoneRequest& done,
                      const LoopTime& time);
  /// `peer_callbacks`: merges the partner's call-back closes into the floor state (the loop
  /// owns it); what changed goes to the boards at once and into a snapshot (docs/ha.md).
  void merge_peer_callbacks(std::vector<zmq::message_t> request, const PeerCallbacksRequest& closes,
                            const LoopTime& time);
  /// Sends each report the worker has finished to the client that asked for it.
  void send_finished_reports();
  /// Reads the keys and starts the ZAP handler (CURVE), or warns about plaintext sockets
  /// reachable from the network. Before any socket binds.
  security::ServerSecurity start_security();
  /// On the ZAP handler's thread: counts and logs (rate-limited) one refused connection.
  void on_refusal(const security::Refusal& refusal);

  DaemonConfig config_;
  Identity identity_;
  std::unique_ptr<core::Clock> clock_;
  core::EventClock* event_clock_ = nullptr;  // the same object as clock_ in event mode
  core::FloorState floor_;                   // the engine: only the loop thread touches it
  FloorViewPublisher views_;                 // what every reader reads; published by the loop
  SelfMetrics self_metrics_;
  IngestProcessor ingest_;
  ControlServer control_;
  PeerMetrics peer_metrics_;  // floorwatch_ha_peer_*; before control_ hands it out
  std::unique_ptr<MetricsExporter> exporter_;
  RateLimitedLog refusal_log_{std::chrono::seconds(10), 5};  // ZAP thread only; outlives zap_
  zmq::context_t context_;
  std::unique_ptr<security::ZapHandler> zap_;  // null: plaintext; stops before context_ ends
  zmq::socket_t ingest_socket_;
  zmq::socket_t control_socket_;
  std::string ingest_endpoint_;
  std::string control_endpoint_;
  std::unique_ptr<FeedPublisher> feed_;
  std::unique_ptr<IngestPipeline> pipeline_;
  std::unique_ptr<DurableState> durable_;   // null: no persistence configured
  std::unique_ptr<AlertService> alerts_;    // null: no alert rules configured
  std::unique_ptr<PeerLink> peer_;          // null: no `ha:` (runs alone)
  IntervalChangeTracker history_changes_;   // what the history writer has been handed
  std::unique_ptr<HistoryWriter> history_;  // null: no persistence configured
  std::unique_ptr<ReportWorker> reports_;   // with history_; stops before context_ ends
  // With history_; refreshed at interval boundaries. Shared: the exporter's scrapes read it.
  std::shared_ptr<ForecastWorker> forecasts_;
  // The exposer keeps collectables by weak_ptr: this one lives as long as the daemon.
  std::shared_ptr<ForecastCollectable> forecast_metrics_;
  // Report id -> the request's frames (routing envelope first), until its reply is sent.
  std::map<std::uint64_t, std::vector<zmq::message_t>> report_clients_;
  std::chrono::steady_clock::time_point last_alert_evaluation_{};
  std::chrono::steady_clock::time_point next_history_sync_{};
  void reload_from_trigger();
  ReloadMetrics reload_metrics_;
  ReportMetrics report_metrics_;
  std::atomic<bool>* reload_requested_ = nullptr;
  std::function<DaemonConfig()> load_config_;
  SystemdNotifier* systemd_ = nullptr;
};

}  // namespace floorwatch::daemon
