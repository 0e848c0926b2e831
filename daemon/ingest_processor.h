#pragma once
// What the daemon does with one ingest frame, without the socket: decode, dedupe by sequence,
// apply to the floor state under one lock per batch, count, and build the Ack.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "daemon/self_metrics.h"
#include "daemon/shared_floor.h"
#include "floorwatch/core/clock.h"
#include "floorwatch/core/delivery_tracker.h"
#include "wire_codec.h"

namespace floorwatch::daemon {

/// What happened to one frame. `ack` is meaningful only when `decoded`; `problem` describes
/// the first thing that went wrong (for rate-limited logs), empty when nothing did.
struct FrameOutcome {
  bool decoded = false;
  wire::Ack ack;
  std::size_t applied = 0;
  std::size_t rejected = 0;
  std::string problem;
};

/// Position of one collector stream, for `status`.
struct StreamPosition {
  std::uint64_t applied_seq = 0;
  core::Timestamp last_batch_at{};  ///< clock time when its last batch arrived
};

/// Turns ingest frames into state changes and acks. Not thread-safe: the daemon loop owns it
/// (the floor itself is shared through SharedFloor's lock).
class IngestProcessor {
 public:
  /// `event_clock` is set in `--clock event` mode: each event's time is observed before it is
  /// applied, so "now" follows the stream.
  IngestProcessor(SharedFloor& floor, SelfMetrics& metrics, core::EventClock* event_clock,
                  std::string daemon_id);

  FrameOutcome handle_frame(std::string_view frame);

  /// (source, session) -> position, for the control socket's status.
  const std::map<std::pair<std::string, std::uint64_t>, StreamPosition>& streams() const {
    return streams_;
  }

 private:
  SharedFloor& floor_;
  SelfMetrics& metrics_;
  core::EventClock* event_clock_;
  std::string daemon_id_;
  core::DeliveryTracker tracker_;
  std::map<std::pair<std::string, std::uint64_t>, StreamPosition> streams_;
};

}  // namespace floorwatch::daemon
