#pragma once
// SIGHUP: which parts of a new config the running daemon can take over without losing state,
// and which need a restart (sockets already bound, the state files already open).
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "daemon/config.h"
#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

/// What a reload does. Plain value type.
struct ReloadPlan {
  /// Keys taken over at once: queues, defaults, time zone and calendar, alert rules.
  std::vector<std::string> applied;
  /// Keys whose change only takes effect at the next restart (logged as a warning); the
  /// running value stays in force.
  std::vector<std::string> needs_restart;
};

/// Compares the running config with the one just read. Pure.
ReloadPlan plan_reload(const DaemonConfig& running, const DaemonConfig& next);

/// `next` with every needs-restart key set back to the running value, so the daemon's own
/// copy of its config always describes what is really in force.
DaemonConfig config_in_force(const DaemonConfig& running, const DaemonConfig& next);

/// floorwatch_config_reloads_total{result}, floorwatch_config_last_reload_successful and
/// floorwatch_config_last_reload_success_timestamp_seconds (Prometheus' own names, so the
/// usual "config reload failed" alert carries over). Thread-safe.
class ReloadMetrics {
 public:
  ReloadMetrics(prometheus::Registry& registry, const Identity& identity);
  /// The config read at start-up is in force since `unix_seconds` (not counted as a reload).
  void started(double unix_seconds);
  void succeeded(double unix_seconds);
  void failed();

 private:
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Counter& successes_;
  prometheus::Counter& failures_;
  prometheus::Gauge& last_successful_;
  prometheus::Gauge& last_success_time_;
};

}  // namespace floorwatch::daemon
