#pragma once
// What the daemon does with one ingest frame, without the socket: decode, dedupe by sequence,
// apply to the floor state, count, and build the Ack.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "daemon/self_metrics.h"
#include "floorwatch/core/byte_codec.h"
#include "floorwatch/core/clock.h"
#include "floorwatch/core/delivery_tracker.h"
#include "floorwatch/core/floor_state.h"
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
  /// The frame moved its stream forward (something new was consumed): worth journaling.
  bool advanced = false;
};

/// Position of one collector stream, for `status`.
struct StreamPosition {
  std::uint64_t applied_seq = 0;
  core::Timestamp last_batch_at{};  ///< clock time when its last batch arrived
};

/// Turns ingest frames into state changes and acks. Not thread-safe: the daemon loop owns it
/// and the floor state it changes.
class IngestProcessor {
 public:
  /// `event_clock` is set in `--clock event` mode: each event's time is observed before it is
  /// applied, so "now" follows the stream.
  IngestProcessor(core::FloorState& floor, SelfMetrics& metrics, core::EventClock* event_clock,
                  std::string daemon_id);

  /// decode() then apply(): recovery's replay and tests.
  FrameOutcome handle_frame(std::string_view frame);
  /// The batch in `frame`, or nullopt (counted, `outcome` says why) when it is not one.
  std::optional<wire::DecodedBatch> decode(std::string_view frame, FrameOutcome& outcome);
  /// Whether applying `batch` after its stream reached `position` would move the stream on
  /// (worth journaling); advances `position` as apply() would. For frames still in flight.
  bool would_advance(const wire::DecodedBatch& batch, std::uint64_t& position) const;
  /// The same for a batch's seqs alone (wire::outline_batch), before it is decoded.
  static bool would_advance(const std::vector<std::uint64_t>& seqs, std::uint64_t& position);
  /// The stream's applied sequence number (0: none yet).
  std::uint64_t applied(const std::string& source, std::uint64_t session) const {
    return tracker_.applied(source, session);
  }
  /// Dedupes, applies to the floor state, counts, and builds the Ack.
  FrameOutcome apply(wire::DecodedBatch batch);

  /// Stamps the streams that got a batch since the last call with `now`, the loop's time for
  /// this wake-up (StreamPosition::last_batch_at; the stale-source alert reads it).
  void stamp_arrivals(core::Timestamp now);

  /// Stream positions for a state snapshot, and their restoration after a restart.
  void save_positions(core::ByteWriter& out) const;
  void load_positions(core::ByteReader& in);

  /// (source, session) -> position, for the control socket's status.
  const std::map<std::pair<std::string, std::uint64_t>, StreamPosition>& streams() const {
    return streams_;
  }

 private:
  core::FloorState& floor_;
  SelfMetrics& metrics_;
  core::EventClock* event_clock_;
  std::string daemon_id_;
  core::DeliveryTracker tracker_;
  std::map<std::pair<std::string, std::uint64_t>, StreamPosition> streams_;
  std::vector<StreamPosition*> arrived_;  // streams with a batch not yet stamped
};

}  // namespace floorwatch::daemon
