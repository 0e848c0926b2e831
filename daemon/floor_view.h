#pragma once
// What the loop publishes of the floor for everyone else (Redis's "readers get an immutable
// copy"): after each batch it applies, on every tick and before each alert evaluation the loop
// folds what changed into a new immutable FloorView. Scrapes, the wallboard feed, the control
// socket and the alert rules read views; none of them touches the engine. What is costly
// (Erlang A/C staffing) is computed by the reader, on its own thread.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "floorwatch/core/floor_snapshot.h"
#include "floorwatch/core/floor_state.h"

namespace floorwatch::daemon {

/// A queue's lists, kept apart from its figures so a reader that does not want them (a
/// scrape) does not copy them.
struct QueueLists {
  std::vector<core::WaitingCallSnapshot> waiting_calls;
  std::vector<std::pair<core::Timestamp, core::WindowFigures>> today_intervals;
};

/// One queue in a view. Its parts are shared with earlier views while the queue is unchanged.
struct ViewQueue {
  std::shared_ptr<const core::QueueSnapshot> figures;  ///< lists empty, no staffing figures
  std::shared_ptr<const QueueLists> lists;
  std::uint64_t changed_at = 0;  ///< the view revision that last rebuilt it
};

/// The floor at one instant. Immutable once published.
struct FloorView {
  core::Timestamp now{};
  /// When the loop published it, and whether its clock runs by itself (not --clock event):
  /// then a reader extrapolates live waits to the moment it reads.
  std::chrono::steady_clock::time_point published_at{};
  bool clock_runs = false;
  std::uint64_t revision = 0;
  /// Views older than this cannot say what changed since (the state was loaded): readers
  /// asking for changes since an older revision get every queue.
  std::uint64_t complete_since = 0;
  std::vector<ViewQueue> queues;  ///< sorted by name
  /// Every agent, sorted by id; an unchanged agent's picture is shared with earlier views.
  std::shared_ptr<const std::vector<std::shared_ptr<const core::AgentSnapshot>>> agents;
  std::uint64_t agents_revision = 0;  ///< moves when `agents` may differ from an earlier view
  /// Readers asking for agents changed since an older agents revision get every agent.
  std::uint64_t agents_complete_since = 0;
  std::shared_ptr<const std::vector<core::AbandonedCall>> abandons;  ///< oldest first
  /// Every queue group, by name (few: rebuilt at each publish).
  std::shared_ptr<const std::vector<core::GroupSnapshot>> groups;
  std::uint64_t abandons_recorded = 0;
  /// Open call-backs, oldest first (core::CallbackWorklist::open()), and the worklist's totals.
  std::shared_ptr<const std::vector<core::CallbackEntry>> callbacks;
  core::CallbackCounters callback_counters;
  std::uint64_t callbacks_revision = 0;
  std::array<std::int64_t, core::kAgentStatusCount> agents_by_state{};
  std::int64_t active_calls = 0;
  std::shared_ptr<const core::SiteCalendar> calendar;

  /// The picture a FloorState::snapshot(now, options) would have given at publication, as of
  /// `read_at` (a running clock moves `now` and the live waits on by the time since
  /// publication); staffing figures computed here, on the caller's thread. Pure.
  core::FloorSnapshot snapshot(std::chrono::steady_clock::time_point read_at,
                               const core::SnapshotOptions& options) const;
  /// What a scrape reads: every queue's figures with staffing, no lists.
  core::FloorSnapshot to_snapshot(std::chrono::steady_clock::time_point read_at) const {
    return snapshot(read_at, {});
  }

 private:
  void copy_agents(std::optional<std::uint64_t> changed_since, core::FloorSnapshot& snapshot) const;
};

/// Builds views on the loop, hands them to any thread. publish() is for the loop thread only;
/// current() for any thread.
class FloorViewPublisher {
 public:
  /// `clock_runs`: the daemon's clock moves by itself (wall), so readers may extrapolate.
  explicit FloorViewPublisher(bool clock_runs = false) : clock_runs_(clock_runs) {}
  /// Folds what changed since the last publish into a new view at `now`. Advances the state's
  /// windows to `now` (the only change a publish makes to the state).
  void publish(core::FloorState& state, core::Timestamp now,
               std::chrono::steady_clock::time_point steady_now);
  /// The newest view (never null: an empty floor before the first publish).
  std::shared_ptr<const FloorView> current() const;

 private:
  std::map<std::string, ViewQueue> queues_;  // loop thread, as are the members up to mutex_
  std::uint64_t revision_ = 0;
  std::uint64_t complete_since_ = 0;
  bool published_ = false;
  /// Folds the agents changed since the last publish into agent_slots_ and agents_.
  void publish_agents(const core::FloorState& state, bool complete);

  using AgentList = std::vector<std::shared_ptr<const core::AgentSnapshot>>;
  std::map<std::string, std::shared_ptr<const core::AgentSnapshot>> agent_slots_;  // by id
  std::shared_ptr<const AgentList> agents_ = std::make_shared<const AgentList>();
  std::uint64_t agents_revision_ = 0;
  std::uint64_t agents_complete_since_ = 0;
  std::shared_ptr<const std::vector<core::AbandonedCall>> abandons_ =
      std::make_shared<const std::vector<core::AbandonedCall>>();
  std::uint64_t abandons_recorded_ = 0;
  std::shared_ptr<const std::vector<core::CallbackEntry>> callbacks_ =
      std::make_shared<const std::vector<core::CallbackEntry>>();
  std::uint64_t callbacks_revision_ = 0;
  bool clock_runs_;
  mutable std::mutex mutex_;  // guards current_ (a pointer swap, never held for long)
  std::shared_ptr<const FloorView> current_ = std::make_shared<const FloorView>();
};

}  // namespace floorwatch::daemon
