#include "daemon/floor_view.h"

#include <algorithm>

namespace floorwatch::daemon {

core::FloorSnapshot FloorView::to_snapshot(std::chrono::steady_clock::time_point read_at) const {
  core::FloorSnapshot snapshot;
  snapshot.now = now;
  if (clock_runs && read_at > published_at)
    snapshot.now += std::chrono::duration_cast<core::Duration>(read_at - published_at);
  snapshot.revision = revision;
  snapshot.agents_by_state = agents_by_state;
  snapshot.active_calls = active_calls;
  snapshot.calendar = calendar;
  snapshot.queues.reserve(queues.size());
  for (const auto& queue : queues) {
    core::QueueSnapshot copy = *queue;
    // A queue unchanged since an earlier view keeps waiting: its oldest wait is as of now.
    if (copy.oldest_enqueued_at)
      copy.oldest_wait_seconds =
          std::max(0.0, core::to_seconds(snapshot.now - *copy.oldest_enqueued_at));
    core::predict_staffing(copy);
    snapshot.queues.push_back(std::move(copy));
  }
  return snapshot;
}

void FloorViewPublisher::publish(core::FloorState& state, core::Timestamp now,
                                 std::chrono::steady_clock::time_point steady_now) {
  core::SnapshotOptions options;
  options.include_predictions = false;  // readers compute them from the view, off the loop
  if (published_) options.changed_since = revision_;
  core::FloorSnapshot changed = state.snapshot(now, options);
  if (!changed.only_changed_since) queues_.clear();  // a full picture (first, or after load())
  for (core::QueueSnapshot& queue : changed.queues) {
    std::string name = queue.name;  // before the move: `=` evaluates its right side first
    queues_[std::move(name)] = std::make_shared<const core::QueueSnapshot>(std::move(queue));
  }
  revision_ = changed.revision;
  published_ = true;

  auto view = std::make_shared<FloorView>();
  view->now = changed.now;
  view->published_at = steady_now;
  view->clock_runs = clock_runs_;
  view->revision = changed.revision;
  view->agents_by_state = changed.agents_by_state;
  view->active_calls = changed.active_calls;
  view->calendar = std::move(changed.calendar);
  view->queues.reserve(queues_.size());
  for (const auto& [name, queue] : queues_) view->queues.push_back(queue);
  std::lock_guard lock(mutex_);
  current_ = std::move(view);
}

std::shared_ptr<const FloorView> FloorViewPublisher::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace floorwatch::daemon
