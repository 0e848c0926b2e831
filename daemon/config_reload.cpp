#include "daemon/config_reload.h"

namespace floorwatch::daemon {
namespace {

// One restart-only setting: its key in the file and how to reach it in a DaemonConfig.
struct RestartOnlyKey {
  const char* key;
  std::string DaemonConfig::*field;
};

// Strings that are bound or opened once at start-up.
constexpr RestartOnlyKey kRestartOnlyStrings[] = {
    {"site", &DaemonConfig::site},
    {"daemon_id", &DaemonConfig::daemon_id},
    {"ingest.bind", &DaemonConfig::ingest_bind},
    {"control.bind", &DaemonConfig::control_bind},
    {"metrics.listen", &DaemonConfig::metrics_listen},
    {"feed.bind", &DaemonConfig::feed_bind},
    {"feed.publish", &DaemonConfig::feed_publish},
};

bool same_queue_settings(const core::QueueSettings& a, const core::QueueSettings& b) {
  return a.answer_target == b.answer_target && a.service_level_target == b.service_level_target &&
         a.short_abandon == b.short_abandon && a.formula == b.formula && a.channel == b.channel;
}

bool same_queues(const core::FloorConfig& a, const core::FloorConfig& b) {
  if (a.queues.size() != b.queues.size()) return false;
  for (const auto& [name, settings] : a.queues) {
    const auto other = b.queues.find(name);
    if (other == b.queues.end() || !same_queue_settings(settings, other->second)) return false;
  }
  return true;
}

bool same_groups(const core::FloorConfig& a, const core::FloorConfig& b) {
  if (a.groups.size() != b.groups.size()) return false;
  for (const auto& [name, group] : a.groups) {
    const auto other = b.groups.find(name);
    if (other == b.groups.end() || other->second.queues != group.queues ||
        !same_queue_settings(group.settings, other->second.settings))
      return false;
  }
  return true;
}

}  // namespace

ReloadPlan plan_reload(const DaemonConfig& running, const DaemonConfig& next) {
  ReloadPlan plan;
  for (const RestartOnlyKey& entry : kRestartOnlyStrings)
    if (running.*entry.field != next.*entry.field) plan.needs_restart.emplace_back(entry.key);
  if (running.state.path != next.state.path) plan.needs_restart.emplace_back("state.path");
  if (running.state.fsync != next.state.fsync) plan.needs_restart.emplace_back("state.fsync");
  if (running.state.snapshot_interval != next.state.snapshot_interval)
    plan.needs_restart.emplace_back("state.snapshot_interval_seconds");
  if (running.state.history_days != next.state.history_days)
    plan.needs_restart.emplace_back("state.history_days");
  if (running.security.curve_secret_key_file != next.security.curve_secret_key_file ||
      running.security.curve_authorized_keys != next.security.curve_authorized_keys)
    plan.needs_restart.emplace_back("security");
  if (running.ha.peer != next.ha.peer || running.ha.peer_key_file != next.ha.peer_key_file)
    plan.needs_restart.emplace_back("ha");

  const core::FloorConfig& a = running.floor;
  const core::FloorConfig& b = next.floor;
  if (a.time_zone != b.time_zone) plan.applied.emplace_back("timezone");
  if (a.day_start_minutes != b.day_start_minutes) plan.applied.emplace_back("day_starts_at");
  if (a.interval_minutes != b.interval_minutes) plan.applied.emplace_back("interval_minutes");
  if (!same_queue_settings(a.defaults, b.defaults)) plan.applied.emplace_back("defaults");
  if (!same_queues(a, b)) plan.applied.emplace_back("queues");
  if (!same_groups(a, b)) plan.applied.emplace_back("groups");
  if (a.callbacks_max_open != b.callbacks_max_open) plan.applied.emplace_back("callbacks");
  // Rules are rebuilt on every reload (cheap); their alerts keep their state by rule name.
  plan.applied.emplace_back("alerts");
  return plan;
}

DaemonConfig config_in_force(const DaemonConfig& running, const DaemonConfig& next) {
  DaemonConfig result = next;
  for (const RestartOnlyKey& entry : kRestartOnlyStrings)
    result.*entry.field = running.*entry.field;
  result.state = running.state;
  result.security = running.security;
  result.ha = running.ha;  // the peer link is built at start
  return result;
}

namespace {

prometheus::Family<prometheus::Counter>& reload_family(prometheus::Registry& registry,
                                                       const Identity& identity) {
  return prometheus::BuildCounter()
      .Name("floorwatch_config_reloads_total")
      .Help("Config reloads (SIGHUP), by result; a failed one leaves the old config in force")
      .Labels({{"site", identity.site}, {"daemon", identity.daemon}})
      .Register(registry);
}

prometheus::Gauge& identity_gauge(prometheus::Registry& registry, const Identity& identity,
                                  const char* name, const char* help) {
  return prometheus::BuildGauge()
      .Name(name)
      .Help(help)
      .Labels({{"site", identity.site}, {"daemon", identity.daemon}})
      .Register(registry)
      .Add({});
}

}  // namespace

ReloadMetrics::ReloadMetrics(prometheus::Registry& registry, const Identity& identity)
    : reloads_(reload_family(registry, identity)),
      successes_(reloads_.Add({{"result", "success"}})),
      failures_(reloads_.Add({{"result", "failure"}})),
      last_successful_(identity_gauge(registry, identity,
                                      "floorwatch_config_last_reload_successful",
                                      "1 when the last config reload (or the start) succeeded")),
      last_success_time_(identity_gauge(
          registry, identity, "floorwatch_config_last_reload_success_timestamp_seconds",
          "When the config in force was loaded (start or last good reload), Unix seconds")) {
  last_successful_.Set(1);
}

void ReloadMetrics::started(double unix_seconds) {
  last_success_time_.Set(unix_seconds);
}

void ReloadMetrics::succeeded(double unix_seconds) {
  successes_.Increment();
  last_successful_.Set(1);
  last_success_time_.Set(unix_seconds);
}

void ReloadMetrics::failed() {
  failures_.Increment();
  last_successful_.Set(0);
}

}  // namespace floorwatch::daemon
