#pragma once
// The ingest path of the loop, write-ahead: read frames → flood bounds → outline (header and
// seqs, no decoding) → hand the frames that move a stream to the journal writer as they were
// received (no copy) → once durable, decode, apply to the floor and ack. Decoding after the
// commit keeps only the compact frames in flight, and each decoded batch is applied while its
// memory is hot. Without a journal, frames are decoded, applied and acked at once. A frame the
// journal could not write is neither applied nor acked: the collector resends it.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <zmq.hpp>

#include "daemon/ingest_limits.h"
#include "daemon/ingest_processor.h"
#include "daemon/journal_writer.h"
#include "daemon/rate_limited_log.h"
#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

/// Loop thread only.
class IngestPipeline {
 public:
  IngestPipeline(zmq::socket_t& socket, IngestProcessor& processor, SelfMetrics& metrics,
                 IngestLimits limits);

  /// Frames go through `journal` from now on (null: applied at once). Before the first drain.
  void set_journal(JournalWriter* journal) { journal_ = journal; }
  /// While paused, frames are read and dropped (journal_unavailable): the journal cannot vouch
  /// for them yet (a recreated journal before its snapshot).
  void set_paused(bool paused) { paused_ = paused; }
  /// False while too much waits for the journal: the loop then stops reading the socket, so
  /// ZeroMQ and TCP push back on the collectors.
  bool accepting() const { return in_flight_bytes_ < kMaxInFlightBytes; }

  /// Reads what the socket has (a bounded number of frames). True when the floor changed.
  bool drain(std::chrono::steady_clock::time_point now);
  /// The journal writer's completions (in its order): applies what is durable, drops the rest.
  /// True when the floor changed.
  bool apply_journal_completions(std::span<const JournalWriter::Completion> completions,
                                 std::chrono::steady_clock::time_point now);
  /// Acks every frame applied since the last call. The loop calls it after publishing what
  /// they changed, so a collector that has its acks finds its events on /metrics.
  void send_acks(std::chrono::steady_clock::time_point now);
  /// The last journal frame id applied to the floor: what a snapshot taken now covers.
  std::int64_t applied_through_frame_id() const { return applied_through_; }
  void set_applied_through_frame_id(std::int64_t id) { applied_through_ = id; }

  /// Logs a bad-input line, rate-limited (also used by the control socket's callers).
  void log_bad_input(const std::string& what, std::chrono::steady_clock::time_point now);

 private:
  static constexpr std::size_t kMaxInFlightBytes = 64 * 1024 * 1024;
  static constexpr int kFramesPerWakeup = 256;

  struct Pending {
    // Routing envelope + the frame. The messages never move once received (moving the vector
    // moves its buffer), so the journal writer reads the frame's bytes in place.
    std::vector<zmq::message_t> request;
    bool journaled = false;  // handed to the journal writer
    std::string ack;         // once applied
    std::string source;      // of the applied batch, for the log if its ack cannot be sent
    std::string_view frame() const { return request.back().to_string_view(); }
  };
  struct InFlight {
    std::uint64_t ticket = 0;
    std::vector<Pending> frames;
    std::size_t bytes = 0;
  };

  /// Flood bounds; false when the frame is dropped (counted and logged).
  bool admit(const std::vector<zmq::message_t>& request, std::chrono::steady_clock::time_point now);
  /// Reads one admitted frame: applied at once without a journal, else added to `group`.
  /// True when the floor changed.
  bool take(std::vector<zmq::message_t>& request, InFlight& group,
            std::chrono::steady_clock::time_point now);
  /// Hands the group's frames that move a stream to the journal writer.
  void submit(InFlight group);
  /// Decodes one durable (or never journaled) frame, applies it and prepares its ack; false
  /// when it was not applied. `changed`: the floor changed.
  bool decode_and_apply(Pending& pending, std::chrono::steady_clock::time_point now, bool& changed);
  /// Whether the journal must hold this frame (it moves its stream, counting frames in flight).
  bool needs_journal(const wire::BatchOutline& outline);

  zmq::socket_t& socket_;
  IngestProcessor& processor_;
  SelfMetrics& metrics_;
  IngestAdmission admission_;
  JournalWriter* journal_ = nullptr;
  bool paused_ = false;
  std::deque<InFlight> in_flight_;
  std::vector<Pending> applied_;  // applied, ack not sent yet
  std::size_t in_flight_bytes_ = 0;
  // Stream positions as they will be once the frames in flight are applied.
  std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> predicted_;
  // A journaled frame failed to decode after all, so the positions predicted after it may be
  // ahead of the truth: journal every frame until nothing is in flight.
  bool journal_everything_ = false;
  wire::BatchOutline outline_;  // reused: its seqs keep their capacity
  std::int64_t applied_through_ = 0;
  RateLimitedLog bad_input_log_{std::chrono::seconds(10), 5};
};

}  // namespace floorwatch::daemon
