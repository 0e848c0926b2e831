#include "daemon/ingest_pipeline.h"

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "daemon/router_socket.h"

namespace floorwatch::daemon {

IngestPipeline::IngestPipeline(zmq::socket_t& socket, IngestProcessor& processor,
                               SelfMetrics& metrics, IngestLimits limits)
    : socket_(socket), processor_(processor), metrics_(metrics), admission_(limits) {}

void IngestPipeline::log_bad_input(const std::string& what,
                                   std::chrono::steady_clock::time_point now) {
  std::size_t suppressed = 0;
  if (!bad_input_log_.allow(now, suppressed)) return;
  if (suppressed > 0)
    spdlog::warn("bad input: {} (suppressed={} similar messages)", what, suppressed);
  else
    spdlog::warn("bad input: {}", what);
}

bool IngestPipeline::admit(const std::vector<zmq::message_t>& request,
                           std::chrono::steady_clock::time_point now) {
  if (request.size() < 2) return false;  // a ROUTER always prepends the identity
  // Flood bounds: dropped unread and unacked, so the collector resends later (no loss).
  const auto verdict =
      admission_.admit(request.front().to_string_view(), request.back().size(), now);
  if (verdict == IngestAdmission::Verdict::Admit) return true;
  metrics_.ingest_frame_dropped(to_string(verdict));
  log_bad_input(std::string("ingest frame dropped reason=") + std::string(to_string(verdict)) +
                    " bytes=" + std::to_string(request.back().size()) +
                    " max_frame_bytes=" + std::to_string(admission_.limits().max_frame_bytes),
                now);
  return false;
}

bool IngestPipeline::needs_journal(const wire::BatchOutline& outline) {
  if (journal_everything_) return true;
  auto key = std::make_pair(std::string(outline.source), outline.session);
  auto position = predicted_.find(key);
  if (position == predicted_.end()) {
    const std::uint64_t applied = processor_.applied(key.first, key.second);
    position = predicted_.emplace(std::move(key), applied).first;
  }
  return IngestProcessor::would_advance(outline.seqs, position->second);
}

bool IngestPipeline::take(std::vector<zmq::message_t>& request, InFlight& group,
                          std::chrono::steady_clock::time_point now) {
  if (!journal_) {
    Pending pending;
    pending.request = std::move(request);
    bool changed = false;
    if (decode_and_apply(pending, now, changed)) applied_.push_back(std::move(pending));
    return changed;
  }
  if (!wire::outline_batch(request.back().to_string_view(), outline_)) {
    // Nobody to ack: without a header we do not know whose stream this was.
    metrics_.event_rejected(core::RejectReason::Malformed);
    log_bad_input("source=? rejected=1 first=\"frame is not a floorwatch.v1.EventBatch\"", now);
    return false;
  }
  if (paused_) {
    metrics_.ingest_frame_dropped("journal_unavailable");
    return false;
  }
  Pending pending;
  pending.request = std::move(request);
  pending.journaled = needs_journal(outline_);
  if (pending.journaled) group.bytes += pending.frame().size();
  group.frames.push_back(std::move(pending));
  return false;
}

void IngestPipeline::submit(InFlight group) {
  std::vector<std::string_view> frames;
  for (const Pending& pending : group.frames)
    if (pending.journaled) frames.push_back(pending.frame());
  // The bytes stay in `group` (kept in in_flight_) until the writer's completion is taken.
  group.ticket = journal_->submit(std::move(frames));
  in_flight_bytes_ += group.bytes;
  in_flight_.push_back(std::move(group));
}

bool IngestPipeline::drain(std::chrono::steady_clock::time_point now) {
  bool changed = false;
  InFlight group;
  for (int handled = 0; handled < kFramesPerWakeup; ++handled) {
    std::vector<zmq::message_t> request;
    if (!zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait))
      break;
    if (admit(request, now)) changed = take(request, group, now) || changed;
  }
  if (journal_ && !group.frames.empty()) submit(std::move(group));
  return changed;
}

void IngestPipeline::send_acks(std::chrono::steady_clock::time_point now) {
  for (Pending& pending : applied_) {
    std::string why_not;
    if (!reply(socket_, pending.request, pending.ack, why_not)) {
      // The collector resends after a second of silence, so a lost ack costs a resend only.
      metrics_.ack_unsent(why_not);
      log_bad_input("ack not sent source=" + pending.source + " reason=" + why_not, now);
    }
  }
  applied_.clear();
}

bool IngestPipeline::apply_journal_completions(
    std::span<const JournalWriter::Completion> completions,
    std::chrono::steady_clock::time_point now) {
  if (!journal_) return false;
  bool changed = false;
  for (const JournalWriter::Completion& completion : completions) {
    if (in_flight_.empty() || in_flight_.front().ticket != completion.ticket) {
      spdlog::error("journal completion {} does not match the frames in flight", completion.ticket);
      continue;
    }
    InFlight group = std::move(in_flight_.front());
    in_flight_.pop_front();
    in_flight_bytes_ -= group.bytes;
    if (!completion.durable) {
      // Not in the journal: applying it would show what a restart takes back; acking it would
      // lose it. The collector resends it once the disk takes writes again.
      for (std::size_t i = 0; i < group.frames.size(); ++i)
        metrics_.ingest_frame_dropped("journal_unavailable");
      continue;
    }
    for (Pending& pending : group.frames)
      if (decode_and_apply(pending, now, changed)) applied_.push_back(std::move(pending));
    applied_through_ = std::max(applied_through_, completion.last_frame_id);
  }
  // Nothing in flight: the processor's own positions are the truth again (after a failure too).
  if (in_flight_.empty()) {
    predicted_.clear();
    journal_everything_ = false;
  }
  return changed;
}

bool IngestPipeline::decode_and_apply(Pending& pending, std::chrono::steady_clock::time_point now,
                                      bool& changed) {
  FrameOutcome decoded;
  std::optional<wire::DecodedBatch> batch = processor_.decode(pending.frame(), decoded);
  if (!batch) {
    log_bad_input("source=? rejected=1 first=\"" + decoded.problem + "\"", now);
    // Its outline passed (not its UTF-8, say): the positions predicted after it assumed it
    // would move its stream. Replay rejects it the same way, so its journal row is harmless.
    if (pending.journaled) journal_everything_ = true;
    return false;
  }
  if (journal_ && !pending.journaled) {
    std::uint64_t position = processor_.applied(batch->source, batch->session);
    if (processor_.would_advance(*batch, position)) {
      // Never in practice (the outline predicted otherwise); write-ahead wins: no apply, no
      // ack, and the collector's resend is journaled.
      spdlog::error("ingest: frame of source {} moves its stream but was not journaled; dropped",
                    batch->source);
      metrics_.ingest_frame_dropped("journal_unavailable");
      journal_everything_ = true;
      return false;
    }
  }
  const FrameOutcome outcome = processor_.apply(std::move(*batch));
  if (!outcome.problem.empty())
    log_bad_input("source=" + outcome.ack.source + " rejected=" + std::to_string(outcome.rejected) +
                      " first=\"" + outcome.problem + "\"",
                  now);
  pending.ack = wire::encode_ack(outcome.ack);
  pending.source = outcome.ack.source;
  changed = outcome.applied > 0 || changed;
  return true;
}

}  // namespace floorwatch::daemon
