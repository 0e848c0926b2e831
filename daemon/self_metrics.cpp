#include "daemon/self_metrics.h"

#include "security/socket_security.h"

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
                       .Register(*registry_)),
      connections_refused_(prometheus::BuildCounter()
                               .Name("floorwatch_connections_refused_total")
                               .Help("Connection attempts refused by CURVE authentication "
                                     "(docs/security.md), by socket and reason")
                               .Labels(identity_labels(identity))
                               .Register(*registry_)) {
  source_gaps_ = &prometheus::BuildCounter()
                      .Name("floorwatch_source_gaps_total")
                      .Help(
                          "Times a collector lost its own source (e.g. the AMI link) and found "
                          "it again: events of that time are missing (docs/events.md)")
                      .Labels(identity_labels(identity))
                      .Register(*registry_);
  source_gap_seconds_ = &prometheus::BuildCounter()
                             .Name("floorwatch_source_gap_seconds_total")
                             .Help("Total time collectors could not see their source, seconds")
                             .Labels(identity_labels(identity))
                             .Register(*registry_);
  auto& dropped = prometheus::BuildCounter()
                      .Name("floorwatch_ingest_frames_dropped_total")
                      .Help(
                          "Ingest frames dropped without being applied or acked, by reason "
                          "(oversized, rate_limited: flood bounds; journal_unavailable: the "
                          "journal could not write them); collectors resend them")
                      .Labels(identity_labels(identity))
                      .Register(*registry_);
  frames_oversized_ = &dropped.Add({{"reason", "oversized"}});
  frames_rate_limited_ = &dropped.Add({{"reason", "rate_limited"}});
  frames_journal_unavailable_ = &dropped.Add({{"reason", "journal_unavailable"}});
  journal_up_ = &prometheus::BuildGauge()
                     .Name("floorwatch_journal_up")
                     .Help(
                         "1 while the write-ahead journal accepts writes (or none is "
                         "configured); 0 while ingest is paused by a disk fault")
                     .Labels(identity_labels(identity))
                     .Register(*registry_)
                     .Add({});
  journal_up_->Set(1);
  journal_faults_ = &prometheus::BuildCounter()
                         .Name("floorwatch_journal_faults_total")
                         .Help(
                             "Times the journal stopped accepting writes (disk full, I/O error, "
                             "read-only, file removed)")
                         .Labels(identity_labels(identity))
                         .Register(*registry_)
                         .Add({});
  auto& snapshots = prometheus::BuildCounter()
                        .Name("floorwatch_snapshots_total")
                        .Help("State snapshots written in the background, by result")
                        .Labels(identity_labels(identity))
                        .Register(*registry_);
  snapshots_written_ = &snapshots.Add({{"result", "written"}});
  snapshots_failed_ = &snapshots.Add({{"result", "failed"}});
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
  if (it == sources_.end()) it = sources_.emplace(source, SourceSeries{}).first;
  // A source may be known from its batch header (source_health) before its first event.
  if (!it->second.received) {
    it->second.received = &received_.Add({{"source", source}});
    // Gap series exist at 0 from a source's first event, so alerts see 0, not "no data".
    if (!it->second.gaps) {
      it->second.gaps = &source_gaps_->Add({{"source", source}});
      it->second.gap_seconds = &source_gap_seconds_->Add({{"source", source}});
    }
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

void SelfMetrics::connection_refused(const std::string& socket, const std::string& reason) {
  connections_refused_.Add({{"socket", socket}, {"reason", reason}}).Increment();
}

void SelfMetrics::expect_connection_refusals(const std::string& socket) {
  for (const auto reason : security::kRefusalReasons)
    connections_refused_.Add(
        {{"socket", socket}, {"reason", std::string(security::to_string(reason))}});
}

double SelfMetrics::rejected(core::RejectReason reason) const {
  const auto index = static_cast<std::size_t>(reason);
  return index < rejected_.size() ? rejected_[index]->Value() : 0;
}

void SelfMetrics::ingest_frame_dropped(std::string_view reason) {
  if (reason == "oversized")
    frames_oversized_->Increment();
  else if (reason == "journal_unavailable")
    frames_journal_unavailable_->Increment();
  else
    frames_rate_limited_->Increment();
}

void SelfMetrics::journal_up(bool up) {
  journal_up_->Set(up ? 1 : 0);
}

void SelfMetrics::journal_fault() {
  journal_faults_->Increment();
}

void SelfMetrics::snapshot_finished(bool written) {
  (written ? snapshots_written_ : snapshots_failed_)->Increment();
}

std::uint64_t SelfMetrics::source_health(const std::string& source, std::uint64_t gaps,
                                         std::uint64_t gap_milliseconds) {
  SourceSeries& series = sources_[source];
  if (gaps == series.reported_gaps && gap_milliseconds == series.reported_gap_milliseconds)
    return 0;  // the usual case: nothing new
  if (!series.gaps) {
    series.gaps = &source_gaps_->Add({{"source", source}});
    series.gap_seconds = &source_gap_seconds_->Add({{"source", source}});
  }
  // Smaller than before: the collector restarted and counts from 0 again.
  const bool restarted = gaps < series.reported_gaps;
  const std::uint64_t new_gaps = restarted ? gaps : gaps - series.reported_gaps;
  const std::uint64_t new_ms = restarted || gap_milliseconds < series.reported_gap_milliseconds
                                   ? gap_milliseconds
                                   : gap_milliseconds - series.reported_gap_milliseconds;
  series.gaps->Increment(static_cast<double>(new_gaps));
  series.gap_seconds->Increment(static_cast<double>(new_ms) / 1000.0);
  series.reported_gaps = gaps;
  series.reported_gap_milliseconds = gap_milliseconds;
  return new_gaps;
}

}  // namespace floorwatch::daemon
