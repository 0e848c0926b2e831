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

bool IngestPipeline::admit(std::vector<zmq::message_t>& request,
                           std::chrono::steady_clock::time_point now,
                           std::optional<wire::DecodedBatch>& batch) {
  if (request.size() < 2) return false;  // a ROUTER always prepends the identity
  // Flood bounds: dropped unread and unacked, so the collector resends later (no loss).
  const auto verdict =
      admission_.admit(request.front().to_string_view(), request.back().size(), now);
  if (verdict != IngestAdmission::Verdict::Admit) {
    metrics_.ingest_frame_dropped(to_string(verdict));
    log_bad_input(std::string("ingest frame dropped reason=") + std::string(to_string(verdict)) +
                      " bytes=" + std::to_string(request.back().size()) +
                      " max_frame_bytes=" + std::to_string(admission_.limits().max_frame_bytes),
                  now);
    return false;
  }
  FrameOutcome outcome;
  batch = processor_.decode(request.back().to_string_view(), outcome);
  if (!batch) log_bad_input("source=? rejected=1 first=\"" + outcome.problem + "\"", now);
  return batch.has_value();
}

bool IngestPipeline::needs_journal(const wire::DecodedBatch& batch) {
  const auto key = std::make_pair(batch.source, batch.session);
  auto position = predicted_.find(key);
  if (position == predicted_.end())
    position = predicted_.emplace(key, processor_.applied(batch.source, batch.session)).first;
  return processor_.would_advance(batch, position->second);
}

bool IngestPipeline::drain(std::chrono::steady_clock::time_point now) {
  bool changed = false;
  InFlight group;
  std::vector<std::string> journal_frames;
  for (int handled = 0; handled < kFramesPerWakeup; ++handled) {
    std::vector<zmq::message_t> request;
    if (!zmq::recv_multipart(socket_, std::back_inserter(request), zmq::recv_flags::dontwait))
      break;
    std::optional<wire::DecodedBatch> batch;
    if (!admit(request, now, batch)) continue;
    if (paused_) {
      metrics_.ingest_frame_dropped("journal_unavailable");
      continue;
    }
    Pending pending{std::move(request), std::move(*batch)};
    if (!journal_) {
      changed = apply(pending, now) || changed;
      applied_.push_back(std::move(pending));
      continue;
    }
    if (needs_journal(pending.batch)) {
      journal_frames.emplace_back(pending.request.back().to_string_view());
      group.bytes += journal_frames.back().size();
    }
    group.frames.push_back(std::move(pending));
  }
  if (journal_ && !group.frames.empty()) {
    group.ticket = journal_->submit(std::move(journal_frames));
    in_flight_bytes_ += group.bytes;
    in_flight_.push_back(std::move(group));
  }
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

bool IngestPipeline::take_journal_completions(std::chrono::steady_clock::time_point now) {
  if (!journal_) return false;
  bool changed = false;
  for (const JournalWriter::Completion& completion : journal_->take_completed()) {
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
    for (Pending& pending : group.frames) {
      changed = apply(pending, now) || changed;
      applied_.push_back(std::move(pending));
    }
    applied_through_ = std::max(applied_through_, completion.last_frame_id);
  }
  // Nothing in flight: the processor's own positions are the truth again (after a failure too).
  if (in_flight_.empty()) predicted_.clear();
  return changed;
}

bool IngestPipeline::apply(Pending& pending, std::chrono::steady_clock::time_point now) {
  const FrameOutcome outcome = processor_.apply(std::move(pending.batch));
  if (!outcome.problem.empty())
    log_bad_input("source=" + outcome.ack.source + " rejected=" + std::to_string(outcome.rejected) +
                      " first=\"" + outcome.problem + "\"",
                  now);
  pending.ack = wire::encode_ack(outcome.ack);
  pending.source = outcome.ack.source;
  return outcome.applied > 0;
}

}  // namespace floorwatch::daemon
