#pragma once
// The daemon's metrics about itself (ingest health), kept in a prometheus::Registry.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "floorwatch/core/reject_reason.h"
#include "floorwatch/core/time.h"

namespace floorwatch::daemon {

/// Who is reporting: put on every exported series so HA pairs and many sites can be told
/// apart and aggregated. Plain value type.
struct Identity {
  std::string site;
  std::string daemon;
};

/// Self metrics: events received per source, rejections per reason, per-source freshness,
/// build info and unsent acks. Thread-safe (prometheus-cpp metrics are).
class SelfMetrics {
 public:
  SelfMetrics(const Identity& identity, const std::string& version);

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  /// One new event of `source`'s stream (resends excluded) with its timestamp, if decodable.
  /// Called from the daemon loop only.
  void event_received(const std::string& source, std::optional<core::Timestamp> event_time);
  void event_rejected(core::RejectReason reason, double count = 1);
  /// The cumulative blind spots a collector reports in each batch header (EventBatch.health):
  /// adds what is new to floorwatch_source_gaps_total / floorwatch_source_gap_seconds_total.
  /// Returns the gaps that are new (a collector restart starts its totals again at 0).
  std::uint64_t source_health(const std::string& source, std::uint64_t gaps,
                              std::uint64_t gap_milliseconds);
  void ack_unsent(const std::string& why);
  /// A connection refused by CURVE/ZAP on `socket` (ingest, control, feed_snapshot,
  /// feed_publish) for `reason` (security::to_string(RefusalReason)). Any thread.
  void connection_refused(const std::string& socket, const std::string& reason);
  /// Creates the refusal series of `socket` at 0 for every reason (CURVE on), so rate() and
  /// alerts see 0, not "no data".
  void expect_connection_refusals(const std::string& socket);

  double rejected(core::RejectReason reason) const;
  /// An ingest frame dropped unapplied and unacked: by the flood bounds (`oversized`,
  /// `rate_limited`) or a journal fault (`journal_unavailable`); the collector resends it, so
  /// this counts pressure, not loss.
  void ingest_frame_dropped(std::string_view reason);
  /// floorwatch_journal_up.
  void journal_up(bool up);
  /// One more floorwatch_journal_faults_total: the journal stopped accepting writes.
  void journal_fault();
  /// floorwatch_snapshots_total{result=written|failed}.
  void snapshot_finished(bool written);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& rejected_family_;
  prometheus::Family<prometheus::Gauge>& last_event_;
  prometheus::Family<prometheus::Counter>& acks_unsent_;
  prometheus::Family<prometheus::Counter>& connections_refused_;
  prometheus::Counter* frames_oversized_ = nullptr;
  prometheus::Counter* frames_rate_limited_ = nullptr;
  prometheus::Counter* frames_journal_unavailable_ = nullptr;
  prometheus::Gauge* journal_up_ = nullptr;
  prometheus::Counter* journal_faults_ = nullptr;
  prometheus::Counter* snapshots_written_ = nullptr;
  prometheus::Counter* snapshots_failed_ = nullptr;
  std::array<prometheus::Counter*, core::kRejectReasonCount> rejected_{};
  prometheus::Family<prometheus::Counter>* source_gaps_ = nullptr;
  prometheus::Family<prometheus::Counter>* source_gap_seconds_ = nullptr;
  struct SourceSeries {
    prometheus::Counter* received = nullptr;
    prometheus::Gauge* last_event = nullptr;
    prometheus::Counter* gaps = nullptr;
    prometheus::Counter* gap_seconds = nullptr;
    std::uint64_t reported_gaps = 0;  // the collector's last cumulative figures
    std::uint64_t reported_gap_milliseconds = 0;
  };
  // Looked up per event: avoid the family's label hashing and lock on the hot path.
  std::unordered_map<std::string, SourceSeries> sources_;
};

}  // namespace floorwatch::daemon
