#pragma once
// The control socket's request handling: one JSON request in, one JSON reply out
// (docs/control.md). No socket here; the daemon loop moves the bytes.
#include <chrono>
#include <string>
#include <string_view>

#include "daemon/ingest_processor.h"
#include "daemon/self_metrics.h"
#include "daemon/shared_floor.h"

namespace floorwatch::daemon {

class AlertService;
class IntervalHistory;

/// Facts about the running daemon reported by `status`. Plain value type.
struct DaemonInfo {
  Identity identity;
  std::string version;
  std::string clock_mode;  ///< "wall" or "event"
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
};

/// Answers control requests. Not thread-safe: runs on the daemon loop, which also owns the
/// IngestProcessor it reads stream positions from.
class ControlServer {
 public:
  ControlServer(SharedFloor& floor, const IngestProcessor& ingest, DaemonInfo info)
      : floor_(floor), ingest_(ingest), info_(std::move(info)) {}

  /// Never throws: bad requests get {"error": "..."}. `key_name` is the client's CURVE key
  /// name (ZAP User-Id; empty when plaintext): `ack` records it as `by` (docs/security.md).
  std::string handle(std::string_view request, const std::string& key_name = {}) const;
  /// Enables the `alerts` and `ack` commands.
  void set_alert_service(AlertService* alerts) { alerts_ = alerts; }
  /// Enables the `report` command (interval history, docs/control.md).
  void set_interval_history(IntervalHistory* history) { history_ = history; }

 private:
  SharedFloor& floor_;
  const IngestProcessor& ingest_;
  DaemonInfo info_;
  AlertService* alerts_ = nullptr;
  IntervalHistory* history_ = nullptr;
};

}  // namespace floorwatch::daemon
