#include "daemon/self_metrics.h"

namespace floorwatch::daemon {
namespace {

prometheus::Labels identity_labels(const Identity& identity) {
  return {{"site", identity.site}, {"daemon", identity.daemon}};
}

}  // namespace

SelfMetrics::SelfMetrics(const Identity& identity, const std::string& version)
    : registry_(std::make_shared<prometheus::Registry>()),
      received_(prometheus::BuildCounter()
                    .Name("floorwatch_events_received_total")
                    .Help("New events received per collector source (resends not counted), "
                          "applied or rejected")
                    .Labels(identity_labels(identity))
                    .Register(*registry_)),
      rejected_family_(prometheus::BuildCounter()
                           .Name("floorwatch_events_rejected_total")
                           .Help("Events or frames not applied, by reason (docs/events.md)")
                           .Labels(identity_labels(identity))
                           .Register(*registry_)),
      last_event_(prometheus::BuildGauge()
                      .Name("floorwatch_source_last_event_timestamp_seconds")
                      .Help("Latest event timestamp seen from each collector source, "
                            "Unix seconds")
                      .Labels(identity_labels(identity))
                      .Register(*registry_)),
      acks_unsent_(prometheus::BuildCounter()
                       .Name("floorwatch_acks_unsent_total")
                       .Help("Acks that could not be sent (the collector resends and gets "
                             "acked later), by reason")
                       .Labels(identity_labels(identity))
                       .Register(*registry_)) {
  // Every reason exists from the start so rate() and alerts see 0, not "no data".
  for (std::size_t i = 0; i < core::kRejectReasonCount; ++i) {
    const auto reason = static_cast<core::RejectReason>(i);
    rejected_[i] = &rejected_family_.Add({{"reason", std::string(core::to_string(reason))}});
  }
  prometheus::BuildGauge()
      .Name("floorwatch_build_info")
      .Help("Always 1; the version label says which floorwatchd is running")
      .Labels(identity_labels(identity))
      .Register(*registry_)
      .Add({{"version", version}})
      .Set(1);
}

void SelfMetrics::event_received(const std::string& source,
                                 std::optional<core::Timestamp> event_time) {
  auto it = sources_.find(source);
  if (it == sources_.end()) {
    it =
        sources_.emplace(source, SourceSeries{&received_.Add({{"source", source}}), nullptr}).first;
  }
  it->second.received->Increment();
  if (!event_time) return;
  if (!it->second.last_event) it->second.last_event = &last_event_.Add({{"source", source}});
  const double seconds = static_cast<double>(core::to_epoch_ms(*event_time)) / 1000.0;
  if (seconds > it->second.last_event->Value()) it->second.last_event->Set(seconds);
}

void SelfMetrics::event_rejected(core::RejectReason reason, double count) {
  const auto index = static_cast<std::size_t>(reason);
  if (index < rejected_.size()) rejected_[index]->Increment(count);
}

void SelfMetrics::ack_unsent(const std::string& why) {
  acks_unsent_.Add({{"reason", why}}).Increment();
}

double SelfMetrics::rejected(core::RejectReason reason) const {
  const auto index = static_cast<std::size_t>(reason);
  return index < rejected_.size() ? rejected_[index]->Value() : 0;
}

}  // namespace floorwatch::daemon
