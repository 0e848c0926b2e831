#pragma once
// The control socket's request handling: one JSON request in, one JSON reply out
// (docs/control.md). No socket here; the daemon loop moves the bytes. A `report` is only
// resolved here: its rows and reply are built later by the ReportWorker, off the loop.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "daemon/callback_commands.h"
#include "daemon/floor_view.h"
#include "daemon/ingest_processor.h"
#include "daemon/peer_metrics.h"
#include "daemon/report_worker.h"
#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

class AlertService;

/// Facts about the running daemon reported by `status`. Plain value type.
struct DaemonInfo {
  Identity identity;
  std::string version;
  std::string clock_mode;  ///< "wall" or "event"
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
};

/// What a request gets: a reply to send now, or a report to be answered when the worker is done.
struct ControlReply {
  std::string reply;                    ///< the JSON reply; empty when `report` is set
  std::optional<ReportRequest> report;  ///< a valid `report`; the caller makes history current
  /// A valid `callback_done`: the loop applies it to the floor state, makes it durable and
  /// replies with callback_done_reply (`reply` is empty then).
  std::optional<CallbackDoneRequest> callback_done;
  /// A valid `peer_callbacks` from the HA partner: the loop merges it into the floor state and
  /// replies (`reply` is empty then).
  std::optional<PeerCallbacksRequest> peer_callbacks;
};

/// Answers control requests. Not thread-safe: runs on the daemon loop, which also owns the
/// IngestProcessor it reads stream positions from.
class ControlServer {
 public:
  /// Reads the floor only from the loop's published views.
  ControlServer(const FloorViewPublisher& views, const IngestProcessor& ingest, DaemonInfo info)
      : views_(views), ingest_(ingest), info_(std::move(info)) {}

  /// Never throws: bad requests get {"error": "..."}. `key_name` is the client's CURVE key
  /// name (ZAP User-Id; empty when plaintext): `ack` records it as `by` (docs/security.md).
  /// A valid `report` comes back as a ReportRequest (from/to resolved) for the caller to pass
  /// to a ReportWorker once the history holds what the engine has.
  /// `now`: the loop's time for this tick (status, acks, report ranges).
  ControlReply handle(std::string_view request, core::Timestamp now,
                      const std::string& key_name = {}) const;
  /// Enables the `alerts` and `ack` commands.
  void set_alert_service(AlertService* alerts) { alerts_ = alerts; }
  /// With CURVE, the key name (ZAP User-Id) of the HA partner: the only client whose
  /// `peer_acks` are accepted (docs/ha.md). Empty: no client's.
  void set_peer_key_name(std::string name) { peer_key_name_ = std::move(name); }
  /// With `ha:`: `peer_callbacks` are accepted (from the partner's key only, with CURVE).
  void enable_peer(bool enabled) { peer_enabled_ = enabled; }
  /// Where refused peer requests are counted (floorwatch_ha_peer_requests_rejected_total).
  void set_peer_metrics(PeerMetrics* metrics) { peer_metrics_ = metrics; }
  /// Enables the `report` command (interval history, docs/control.md).
  void enable_reports(bool enabled) { reports_enabled_ = enabled; }

 private:
  /// Every command but `report`, answered at once.
  std::string answer(const nlohmann::json& parsed, const std::string& command, core::Timestamp now,
                     const std::string& key_name) const;

  const FloorViewPublisher& views_;
  const IngestProcessor& ingest_;
  DaemonInfo info_;
  AlertService* alerts_ = nullptr;
  bool reports_enabled_ = false;
  std::string peer_key_name_;
  bool peer_enabled_ = false;
  PeerMetrics* peer_metrics_ = nullptr;
};

}  // namespace floorwatch::daemon
