#pragma once
// The HA peer link's own metrics (docs/ha.md, docs/metrics.md "HA pair"): what this daemon
// sent to its partner and what it could not, whether the partner is reachable, and requests
// that claimed to come from a partner and were refused.
#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

/// What the peer link sends: the acknowledgements or the call-back closes (the `kind` label).
enum class PeerExchange { Acks, Callbacks };

/// floorwatch_ha_peer_sends_total{kind,result=sent|dropped}, floorwatch_ha_peer_up and
/// floorwatch_ha_peer_requests_rejected_total{command}. Thread-safe (prometheus-cpp metrics).
class PeerMetrics {
 public:
  /// `ha`: a partner is configured; without one only the rejection counter is created.
  PeerMetrics(prometheus::Registry& registry, const Identity& identity, bool ha);

  /// One whole set handed to ZeroMQ (`sent`) or refused by it (`dropped`: partner not
  /// connected, or its queue full; the next exchange carries the same set).
  void send(PeerExchange kind, bool sent);
  /// 1 while the last send reached the partner's queue, 0 after one did not.
  void up(bool reachable);
  /// A peer_acks / peer_callbacks request refused (bad fields, wrong key, no `ha:`).
  void rejected(const std::string& command);

 private:
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Counter* sent_[2] = {nullptr, nullptr};
  prometheus::Counter* dropped_[2] = {nullptr, nullptr};
  prometheus::Gauge* up_ = nullptr;
};

}  // namespace floorwatch::daemon
