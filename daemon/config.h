#pragma once
// floorwatchd's configuration file (YAML): the site's identity, where to listen, and the
// service-level settings the engine needs. Every key is documented in docs/configuration.md.
#include <chrono>
#include <stdexcept>
#include <string>

#include "alerts/rule_config.h"
#include "daemon/ingest_limits.h"
#include "floorwatch/core/floor_state.h"
#include "yaml_config/config_file_error.h"

namespace floorwatch::daemon {

/// A configuration problem, worded `FILE:LINE: key: problem` (the shared config error type).
using ConfigError = yaml_config::ConfigFileError;

/// Durability (docs/durability.md). An empty path keeps everything in memory only.
struct StateConfig {
  std::string path;  ///< SQLite journal; snapshots are written next to it
  std::chrono::seconds snapshot_interval{60};
  bool fsync = true;      ///< fsync each group commit (before acks) and each snapshot
  int history_days = 62;  ///< interval history kept in PATH.history (docs/durability.md)
};

/// `security.curve` (docs/security.md). Both empty = plaintext sockets (loopback demo only).
struct SecurityConfig {
  std::string curve_secret_key_file;  ///< the daemon's NAME.key_secret certificate
  std::string curve_authorized_keys;  ///< a directory of NAME.key, or a file of `NAME KEY` lines
  bool curve() const { return !curve_secret_key_file.empty(); }
};

/// `ha:` (docs/ha.md): the other daemon of an HA pair, with which acknowledgements are shared.
/// No peer = the daemon runs alone.
struct HaConfig {
  std::string peer;  ///< the partner's control endpoint, e.g. tcp://fw-b:5571
  /// With CURVE: the partner daemon's public certificate NAME.key. It is both the server key
  /// this daemon connects to and the only client key whose `peer_acks` it accepts.
  std::string peer_key_file;
  bool enabled() const { return !peer.empty(); }
};

/// Everything floorwatchd reads from its config file. Plain value type.
struct DaemonConfig {
  std::string site = "default";
  std::string daemon_id;  ///< defaults to the host name
  std::string ingest_bind = "tcp://127.0.0.1:5570";
  IngestLimits
      ingest_limits;  ///< `ingest.max_frame_bytes`, `ingest.max_bytes_per_second_per_source`
  std::string control_bind = "tcp://127.0.0.1:5571";
  std::string metrics_listen = "127.0.0.1:9464";  ///< host:port; port 0 lets the OS choose
  /// Wallboard feed (docs/feed.md): snapshot ROUTER and delta/heartbeat PUB endpoints.
  std::string feed_bind = "tcp://127.0.0.1:5572";
  std::string feed_publish = "tcp://127.0.0.1:5573";
  StateConfig state;
  SecurityConfig security;
  HaConfig ha;
  alerts::AlertsConfig alerts;  ///< `alerts:` (docs/alerts.md); no rules = no alerting
  core::FloorConfig floor;
};

/// Parses YAML text; `file_name` only names the source in error messages.
/// Throws ConfigError for unknown keys, wrong types and out-of-range values.
DaemonConfig parse_config(const std::string& yaml_text, const std::string& file_name);
/// Reads and parses a file. Throws ConfigError (also when the file cannot be read).
DaemonConfig load_config(const std::string& path);

/// This machine's host name ("localhost" when it cannot be read).
std::string host_name();

}  // namespace floorwatch::daemon
