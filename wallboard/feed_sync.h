#pragma once
// The board side of the clone protocol (docs/feed.md) as a pure state machine: bytes and the
// board's steady time in, BoardModel and "send a snapshot request now" out. No sockets, so
// gaps, restarts and silence are tested without a network.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wallboard/board_model.h"

namespace floorwatch::wallboard {

/// Timeouts of the protocol. Plain value type.
struct FeedTimings {
  /// No applied message for this long: the data is stale and the board re-syncs.
  std::chrono::milliseconds silence_limit{3000};
  /// A snapshot request unanswered for this long is sent again (on a fresh socket).
  std::chrono::milliseconds snapshot_timeout{2000};
  /// Deltas kept while waiting for a snapshot; beyond this the wait starts over.
  std::size_t max_buffered_deltas = 10'000;
  /// With several daemons (an HA pair): nothing applied for this long, or a snapshot request
  /// unanswered, moves the board to the next daemon. Below silence_limit, so the board switches
  /// before its data goes stale. Zero: one daemon, never switch.
  std::chrono::milliseconds failover_after{0};
};

/// The failover delay for a board following several daemons: two thirds of the staleness
/// limit, so a dead daemon's partner takes over while the figures shown are still fresh.
std::chrono::milliseconds default_failover_after(std::chrono::milliseconds silence_limit);

/// Why the board asked for a new snapshot (logged, shown in the model).
enum class ResyncReason {
  Start,
  SequenceGap,
  HeartbeatAhead,
  NewEpoch,
  Silence,
  SnapshotTimeout,
  BufferOverflow,
  Failover  ///< the daemon followed went silent: follow its partner
};
std::string_view to_string(ResyncReason reason);

/// Clone-pattern client logic. Not thread-safe: the feed client's thread owns it.
class FeedSync {
 public:
  explicit FeedSync(FeedTimings timings = {});

  /// Starts syncing (asks for a snapshot).
  void start(SteadyTime now);
  /// A message from the PUB socket.
  void on_published(std::string_view bytes, SteadyTime now);
  /// A reply from the snapshot socket.
  void on_snapshot(std::string_view bytes, SteadyTime now);
  /// Time passes: detects silence and unanswered requests.
  void on_tick(SteadyTime now);

  /// True once per needed request: the client sends a SnapshotRequest now, on a new socket
  /// (a late reply to an older request must not be mistaken for the answer).
  bool take_snapshot_request();
  /// True once per failover: the client follows the next daemon of its list now (new SUB and
  /// snapshot sockets), before it sends the snapshot request that comes with it.
  bool take_switch_request();

  const BoardModel& model() const { return model_; }
  /// Lets the client record things such as the outcome of an acknowledgement.
  BoardModel& mutable_model() { return model_; }
  /// Changes whenever the model changed (the frame loop copies it then).
  std::uint64_t version() const { return version_; }
  void touch() { ++version_; }
  const FeedTimings& timings() const { return timings_; }
  std::uint64_t malformed_messages() const { return malformed_; }

 private:
  struct Buffered {
    std::uint64_t epoch;
    std::uint64_t seq;
    std::string bytes;
  };
  void resync(ResyncReason reason, SteadyTime now);
  void fail_over(ResyncReason reason, SteadyTime now);
  // Applies a decoded delta message in sequence; false (and a resync) on a gap.
  bool apply_in_sequence(std::uint64_t epoch, std::uint64_t seq, std::string_view bytes,
                         SteadyTime now);

  FeedTimings timings_;
  BoardModel model_;
  std::uint64_t version_ = 0;
  bool request_pending_ = false;
  bool switch_pending_ = false;
  SteadyTime requested_at_{};
  std::vector<Buffered> buffered_;
  std::uint64_t malformed_ = 0;
};

/// Stale means: never synced, or nothing applied for longer than `silence_limit`.
bool is_stale(const BoardModel& model, SteadyTime now, std::chrono::milliseconds silence_limit);
/// Seconds since the last applied message (0 before the first).
double seconds_without_data(const BoardModel& model, SteadyTime now);
/// The daemon's clock now: extrapolated from the last message when the daemon's clock runs
/// with wall time, frozen at the last message in replays.
EpochMs daemon_now(const BoardModel& model, SteadyTime now);

}  // namespace floorwatch::wallboard
