#include "daemon/peer_metrics.h"

namespace floorwatch::daemon {

PeerMetrics::PeerMetrics(prometheus::Registry& registry, const Identity& identity, bool ha)
    : rejected_(prometheus::BuildCounter()
                    .Name("floorwatch_ha_peer_requests_rejected_total")
                    .Help("Requests from an HA partner (peer_acks, peer_callbacks) refused: "
                          "bad fields, a key that is not the partner's, or no ha: configured")
                    .Labels({{"site", identity.site}, {"daemon", identity.daemon}})
                    .Register(registry)) {
  // Created at 0 so rate() and alerts see 0, not "no data".
  rejected_.Add({{"command", "peer_acks"}});
  rejected_.Add({{"command", "peer_callbacks"}});
  if (!ha) return;
  auto& sends = prometheus::BuildCounter()
                    .Name("floorwatch_ha_peer_sends_total")
                    .Help(
                        "Whole sets sent to the HA partner (kind: acks, callbacks): sent, or "
                        "dropped because the partner was not connected or its queue was full "
                        "(the next exchange, a second later, carries the same set)")
                    .Labels({{"site", identity.site}, {"daemon", identity.daemon}})
                    .Register(registry);
  for (const auto* kind : {"acks", "callbacks"}) {
    const int index = std::string(kind) == "acks" ? 0 : 1;
    sent_[index] = &sends.Add({{"kind", kind}, {"result", "sent"}});
    dropped_[index] = &sends.Add({{"kind", kind}, {"result", "dropped"}});
  }
  up_ = &prometheus::BuildGauge()
             .Name("floorwatch_ha_peer_up")
             .Help(
                 "1 while the HA partner takes this daemon's sends, 0 after a send could not "
                 "reach it")
             .Labels({{"site", identity.site}, {"daemon", identity.daemon}})
             .Register(registry)
             .Add({});
  up_->Set(1);  // as PeerLink assumes until a send fails
}

void PeerMetrics::send(PeerExchange kind, bool sent) {
  const auto index = static_cast<std::size_t>(kind);
  prometheus::Counter* counter = sent ? sent_[index] : dropped_[index];
  if (counter) counter->Increment();
}

void PeerMetrics::up(bool reachable) {
  if (up_) up_->Set(reachable ? 1 : 0);
}

void PeerMetrics::rejected(const std::string& command) {
  rejected_.Add({{"command", command}}).Increment();
}

}  // namespace floorwatch::daemon
