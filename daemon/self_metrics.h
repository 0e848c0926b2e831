#pragma once
// The daemon's metrics about itself (ingest health), kept in a prometheus::Registry.
#include <array>
#include <memory>
#include <optional>
#include <string>
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
  void ack_unsent(const std::string& why);

  double rejected(core::RejectReason reason) const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Family<prometheus::Counter>& rejected_family_;
  prometheus::Family<prometheus::Gauge>& last_event_;
  prometheus::Family<prometheus::Counter>& acks_unsent_;
  std::array<prometheus::Counter*, core::kRejectReasonCount> rejected_{};
  struct SourceSeries {
    prometheus::Counter* received = nullptr;
    prometheus::Gauge* last_event = nullptr;
  };
  // Looked up per event: avoid the family's label hashing and lock on the hot path.
  std::unordered_map<std::string, SourceSeries> sources_;
};

}  // namespace floorwatch::daemon
