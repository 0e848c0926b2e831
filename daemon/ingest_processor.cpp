#include "daemon/ingest_processor.h"

#include <spdlog/spdlog.h>

namespace floorwatch::daemon {

using core::DeliveryTracker;
using core::RejectReason;

IngestProcessor::IngestProcessor(core::FloorState& floor, SelfMetrics& metrics,
                                 core::EventClock* event_clock, std::string daemon_id)
    : floor_(floor),
      metrics_(metrics),
      event_clock_(event_clock),
      daemon_id_(std::move(daemon_id)) {}

FrameOutcome IngestProcessor::handle_frame(std::string_view frame) {
  FrameOutcome outcome;
  auto batch = decode(frame, outcome);
  if (!batch) return outcome;
  return apply(std::move(*batch));
}

std::optional<wire::DecodedBatch> IngestProcessor::decode(std::string_view frame,
                                                          FrameOutcome& outcome) {
  auto decoded = wire::decode_batch(frame);
  if (!decoded) {
    // Nobody to ack: without a header we do not know whose stream this was.
    metrics_.event_rejected(decoded.error().reason);
    outcome.rejected = 1;
    outcome.problem = decoded.error().message;
    return std::nullopt;
  }
  wire::DecodedBatch& batch = decoded.value();
  if (const auto new_gaps =
          metrics_.source_health(batch.source, batch.health.gaps, batch.health.gap_milliseconds))
    spdlog::warn(
        "source {} reports {} gap(s) in what it could see (total {} ms): events of that "
        "time are missing",
        batch.source, new_gaps, batch.health.gap_milliseconds);
  return std::move(batch);
}

bool IngestProcessor::would_advance(const wire::DecodedBatch& batch,
                                    std::uint64_t& position) const {
  const std::uint64_t before = position;
  for (const wire::DecodedEvent& item : batch.events) {
    if (item.seq <= position) continue;
    if (item.seq != position + 1) break;  // a gap holds back the rest
    position = item.seq;
  }
  return position > before;
}

bool IngestProcessor::would_advance(const std::vector<std::uint64_t>& seqs,
                                    std::uint64_t& position) {
  const std::uint64_t before = position;
  for (const std::uint64_t seq : seqs) {
    if (seq <= position) continue;
    if (seq != position + 1) break;  // a gap holds back the rest
    position = seq;
  }
  return position > before;
}

FrameOutcome IngestProcessor::apply(wire::DecodedBatch batch) {
  FrameOutcome outcome;
  outcome.decoded = true;
  auto note_problem = [&](std::string text) {
    if (outcome.problem.empty()) outcome.problem = std::move(text);
  };

  const std::uint64_t applied_before = tracker_.applied(batch.source, batch.session);
  {
    core::FloorState& state = floor_;
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
      const wire::DecodedEvent& item = batch.events[i];
      const auto verdict = tracker_.check(batch.source, batch.session, item.seq);
      if (verdict == DeliveryTracker::Verdict::Duplicate) {
        metrics_.event_rejected(RejectReason::DuplicateSequence);
        ++outcome.rejected;
        continue;
      }
      if (verdict == DeliveryTracker::Verdict::Gap) {
        // Order matters (an answer needs its enqueue): hold back this event and everything
        // after it; the collector resends from the acked seq.
        const std::size_t held_back = batch.events.size() - i;
        metrics_.event_rejected(RejectReason::SequenceGap, static_cast<double>(held_back));
        outcome.rejected += held_back;
        note_problem("sequence gap: expected seq " +
                     std::to_string(tracker_.applied(batch.source, batch.session) + 1) + ", got " +
                     std::to_string(item.seq));
        break;
      }
      if (!item.event) {
        metrics_.event_received(batch.source, std::nullopt);
        metrics_.event_rejected(item.event.error().reason);
        ++outcome.rejected;
        note_problem("seq " + std::to_string(item.seq) + ": " + item.event.error().message);
      } else {
        const core::Event& event = item.event.value();
        metrics_.event_received(batch.source, event.ts);
        if (event_clock_) event_clock_->observe(event.ts);
        const core::ApplyResult result = state.apply(event);
        if (result.applied) {
          ++outcome.applied;
        } else {
          metrics_.event_rejected(result.reason);
          ++outcome.rejected;
          note_problem("seq " + std::to_string(item.seq) + " " +
                       std::string(core::to_string(event.type)) + ": " +
                       std::string(core::to_string(result.reason)));
        }
      }
      // A rejected event is still consumed: resending it would be rejected again.
      tracker_.mark_applied(batch.source, batch.session, item.seq);
    }
  }

  const std::uint64_t applied_seq = tracker_.applied(batch.source, batch.session);
  outcome.advanced = applied_seq > applied_before;
  auto& position = streams_[{batch.source, batch.session}];
  position.applied_seq = applied_seq;
  if (std::find(arrived_.begin(), arrived_.end(), &position) == arrived_.end())
    arrived_.push_back(&position);
  outcome.ack = wire::Ack{std::move(batch.source), batch.session, applied_seq, daemon_id_};
  return outcome;
}

void IngestProcessor::stamp_arrivals(core::Timestamp now) {
  for (StreamPosition* position : arrived_) position->last_batch_at = now;
  arrived_.clear();
}

void IngestProcessor::save_positions(core::ByteWriter& out) const {
  out.u64(streams_.size());
  for (const auto& [stream, position] : streams_) {
    out.string(stream.first);
    out.u64(stream.second);
    out.u64(position.applied_seq);
    out.time(position.last_batch_at);
  }
}

void IngestProcessor::load_positions(core::ByteReader& in) {
  const std::size_t count = in.count(32);
  for (std::size_t i = 0; i < count; ++i) {
    std::string source = in.string();
    const std::uint64_t session = in.u64();
    StreamPosition position;
    position.applied_seq = in.u64();
    position.last_batch_at = in.time();
    tracker_.restore(source, session, position.applied_seq);
    streams_[{std::move(source), session}] = position;
  }
}

}  // namespace floorwatch::daemon
