#pragma once
// The floor state shared between the daemon loop (the only writer) and the scrape threads.
#include <mutex>

#include "floorwatch/core/clock.h"
#include "floorwatch/core/floor_state.h"

namespace floorwatch::daemon {

/// core::FloorState behind a mutex, with the clock that says "now". Thread-safe: the loop
/// mutates through with_state(); readers take a snapshot, which holds the lock only while the
/// engine builds it.
class SharedFloor {
 public:
  SharedFloor(core::FloorConfig config, const core::Clock& clock)
      : state_(std::move(config)), clock_(clock) {}

  /// Runs `action(core::FloorState&)` under the lock (the loop: once per batch, once per tick).
  template <typename Action>
  decltype(auto) with_state(Action&& action) {
    std::lock_guard lock(mutex_);
    return action(state_);
  }

  /// Picture at clock.now(), read under the lock so live waits are exact at that instant.
  core::FloorSnapshot snapshot(const core::SnapshotOptions& options = {});
  /// Picture at `now`: the loop passes the time it read once for this tick.
  core::FloorSnapshot snapshot(core::Timestamp now, const core::SnapshotOptions& options);

  /// Moves the rolling windows to clock.now().
  void advance();
  /// Moves the rolling windows to `now` (the loop's periodic tick).
  void advance(core::Timestamp now);

  const core::Clock& clock() const { return clock_; }

 private:
  std::mutex mutex_;
  core::FloorState state_;
  const core::Clock& clock_;
};

}  // namespace floorwatch::daemon
