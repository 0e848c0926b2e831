#pragma once
// The ingest path of the loop, write-ahead: read frames → flood bounds → decode → hand the ones
// that move a stream to the journal writer → once durable, apply to the floor and ack. Without
// a journal, frames are applied and acked at once. A frame the journal could not write is
// neither applied nor acked: the collector resends it.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
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
  /// The journal writer's completions: applies what is durable, drops the rest.
  /// True when the floor changed.
  bool take_journal_completions(std::chrono::steady_clock::time_point now);
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
    std::vector<zmq::message_t> request;  // routing envelope + the frame
    wire::DecodedBatch batch;
    std::string ack;     // once applied
    std::string source;  // of the applied batch, for the log if its ack cannot be sent
  };
  struct InFlight {
    std::uint64_t ticket = 0;
    std::vector<Pending> frames;
    std::size_t bytes = 0;
  };

  /// Flood bounds + decode; false when the frame is dropped (counted and logged).
  bool admit(std::vector<zmq::message_t>& request, std::chrono::steady_clock::time_point now,
             std::optional<wire::DecodedBatch>& batch);
  /// Applies one frame and prepares its ack. True when the floor changed.
  bool apply(Pending& pending, std::chrono::steady_clock::time_point now);
  /// Whether the journal must hold this frame (it moves its stream, counting frames in flight).
  bool needs_journal(const wire::DecodedBatch& batch);

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
  std::int64_t applied_through_ = 0;
  RateLimitedLog bad_input_log_{std::chrono::seconds(10), 5};
};

}  // namespace floorwatch::daemon
