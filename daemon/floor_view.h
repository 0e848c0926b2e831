#pragma once
// What the loop publishes of the floor for readers on other threads (Redis's "readers get an
// immutable copy"): after each batch it applies and on every tick the loop folds the queues
// that changed into a new immutable FloorView; scrape threads take the current one without
// touching the engine or its lock, and compute what is costly (Erlang C) on their own thread.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "floorwatch/core/floor_snapshot.h"
#include "floorwatch/core/floor_state.h"

namespace floorwatch::daemon {

/// The floor at one instant. Immutable once published; queues are shared with earlier views
/// when they did not change.
struct FloorView {
  core::Timestamp now{};
  /// When the loop published it, and whether its clock runs by itself (not --clock event):
  /// then a reader extrapolates live waits to the moment it reads.
  std::chrono::steady_clock::time_point published_at{};
  bool clock_runs = false;
  std::uint64_t revision = 0;
  std::vector<std::shared_ptr<const core::QueueSnapshot>> queues;  ///< sorted by name
  std::array<std::int64_t, core::kAgentStatusCount> agents_by_state{};
  std::int64_t active_calls = 0;
  std::shared_ptr<const core::SiteCalendar> calendar;

  /// A FloorSnapshot of this view as of `read_at` (a running clock moves `now` and the live
  /// waits on by the time since publication); Erlang C figures computed here, on the caller's
  /// thread. Pure.
  core::FloorSnapshot to_snapshot(std::chrono::steady_clock::time_point read_at) const;
};

/// Builds views on the loop, hands them to any thread. publish() is for the loop thread only;
/// current() for any thread.
class FloorViewPublisher {
 public:
  /// `clock_runs`: the daemon's clock moves by itself (wall), so readers may extrapolate.
  explicit FloorViewPublisher(bool clock_runs = false) : clock_runs_(clock_runs) {}
  /// Folds the queues changed since the last publish into a new view at `now` (the state has
  /// been advanced to `now` by the caller's tick or apply).
  void publish(core::FloorState& state, core::Timestamp now,
               std::chrono::steady_clock::time_point steady_now);
  /// The newest view (never null: an empty floor before the first publish).
  std::shared_ptr<const FloorView> current() const;

 private:
  std::map<std::string, std::shared_ptr<const core::QueueSnapshot>> queues_;  // loop thread
  std::uint64_t revision_ = 0;                                                // loop thread
  bool published_ = false;                                                    // loop thread
  bool clock_runs_;
  mutable std::mutex mutex_;  // guards current_ (a pointer swap, never held for long)
  std::shared_ptr<const FloorView> current_ = std::make_shared<const FloorView>();
};

}  // namespace floorwatch::daemon
