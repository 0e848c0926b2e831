#include "daemon/floor_view.h"

#include <algorithm>

#include "floorwatch/core/change_tracking.h"

namespace floorwatch::daemon {

void FloorView::copy_agents(std::optional<std::uint64_t> changed_since,
                            core::FloorSnapshot& snapshot) const {
  // As FloorState::agents_changed_since: a revision older than the last complete picture (or
  // not from this daemon) gets every agent.
  const bool only_changed =
      core::only_changes_since(changed_since, agents_complete_since, agents_revision);
  if (only_changed) snapshot.agents_only_changed_since = changed_since;
  snapshot.agents.reserve(only_changed ? 16 : agents->size());
  for (const auto& agent : *agents)
    if (!only_changed || agent->changed_at > *changed_since) snapshot.agents.push_back(*agent);
}

core::FloorSnapshot FloorView::snapshot(std::chrono::steady_clock::time_point read_at,
                                        const core::SnapshotOptions& options) const {
  core::FloorSnapshot snapshot;
  snapshot.now = now;
  if (clock_runs && read_at > published_at)
    snapshot.now += std::chrono::duration_cast<core::Duration>(read_at - published_at);
  snapshot.revision = revision;
  snapshot.agents_revision = agents_revision;
  snapshot.agents_by_state = agents_by_state;
  snapshot.active_calls = active_calls;
  snapshot.calendar = calendar;
  snapshot.abandons_recorded = abandons_recorded;
  if (options.include_abandons && abandons)
    snapshot.recent_abandons.assign(abandons->begin(), abandons->end());
  if (options.include_agents && agents) copy_agents(options.agents_changed_since, snapshot);
  snapshot.callback_counters = callback_counters;
  snapshot.callbacks_revision = callbacks_revision;
  if (options.include_callbacks && callbacks) snapshot.callbacks = *callbacks;
  if (groups) snapshot.groups = *groups;
  for (core::GroupSnapshot& group : snapshot.groups)
    if (group.oldest_enqueued_at)
      group.oldest_wait_seconds =
          std::max(0.0, core::to_seconds(snapshot.now - *group.oldest_enqueued_at));

  // As FloorState::snapshot: a revision from before the last complete picture cannot say what
  // changed, so such a reader gets every queue.
  const bool only_changed =
      core::only_changes_since(options.changed_since, complete_since, revision);
  if (only_changed) snapshot.only_changed_since = options.changed_since;
  snapshot.queues.reserve(only_changed ? 16 : queues.size());
  for (const ViewQueue& queue : queues) {
    if (only_changed && queue.changed_at <= *options.changed_since) continue;
    core::QueueSnapshot copy = *queue.figures;
    if (options.include_waiting_calls) copy.waiting_calls = queue.lists->waiting_calls;
    if (options.include_today_intervals) copy.today_intervals = queue.lists->today_intervals;
    // A queue unchanged since an earlier view keeps waiting: its oldest wait is as of now.
    if (copy.oldest_enqueued_at)
      copy.oldest_wait_seconds =
          std::max(0.0, core::to_seconds(snapshot.now - *copy.oldest_enqueued_at));
    if (options.include_predictions) core::predict_staffing(copy);
    snapshot.queues.push_back(std::move(copy));
  }
  return snapshot;
}

void FloorViewPublisher::publish(core::FloorState& state, core::Timestamp now,
                                 std::chrono::steady_clock::time_point steady_now) {
  core::SnapshotOptions options;
  options.include_predictions = false;  // readers compute them from the view, off the loop
  options.include_waiting_calls = true;
  options.include_today_intervals = true;
  if (published_) options.changed_since = revision_;
  core::FloorSnapshot changed = state.snapshot(now, options);
  const bool complete = !changed.only_changed_since;  // the first, or after load()
  if (complete) {
    queues_.clear();
    complete_since_ = changed.revision;
  }
  for (core::QueueSnapshot& queue : changed.queues) {
    auto lists = std::make_shared<QueueLists>();
    lists->waiting_calls = std::move(queue.waiting_calls);
    lists->today_intervals = std::move(queue.today_intervals);
    queue.waiting_calls.clear();
    queue.today_intervals.clear();
    ViewQueue& slot = queues_[queue.name];
    slot.lists = std::move(lists);
    slot.figures = std::make_shared<const core::QueueSnapshot>(std::move(queue));
    slot.changed_at = changed.revision;
  }
  if (complete || state.agents_revision() != agents_revision_) publish_agents(state, complete);
  if (complete || state.abandons_recorded() != abandons_recorded_) {
    const auto& recent = state.recent_abandons();
    abandons_ =
        std::make_shared<const std::vector<core::AbandonedCall>>(recent.begin(), recent.end());
    abandons_recorded_ = state.abandons_recorded();
  }
  // The worklist's revision restarts with load(), which also makes this publish complete.
  if (complete || state.callbacks().revision() != callbacks_revision_) {
    callbacks_ = std::make_shared<const std::vector<core::CallbackEntry>>(state.callbacks().open());
    callbacks_revision_ = state.callbacks().revision();
  }
  revision_ = changed.revision;
  published_ = true;

  auto view = std::make_shared<FloorView>();
  view->now = changed.now;
  view->published_at = steady_now;
  view->clock_runs = clock_runs_;
  view->revision = changed.revision;
  view->complete_since = complete_since_;
  view->agents = agents_;
  view->agents_revision = agents_revision_;
  view->agents_complete_since = agents_complete_since_;
  view->abandons = abandons_;
  view->abandons_recorded = abandons_recorded_;
  view->callbacks = callbacks_;
  view->callback_counters = changed.callback_counters;
  view->callbacks_revision = callbacks_revision_;
  view->agents_by_state = changed.agents_by_state;
  view->active_calls = changed.active_calls;
  view->calendar = std::move(changed.calendar);
  view->groups =
      std::make_shared<const std::vector<core::GroupSnapshot>>(std::move(changed.groups));
  view->queues.reserve(queues_.size());
  for (const auto& [name, queue] : queues_) view->queues.push_back(queue);
  std::lock_guard lock(mutex_);
  current_ = std::move(view);
}

void FloorViewPublisher::publish_agents(const core::FloorState& state, bool complete) {
  core::FloorState::AgentChanges changes =
      state.agents_changed_since(complete ? std::nullopt : std::optional(agents_revision_));
  if (changes.complete) {
    agent_slots_.clear();
    agents_complete_since_ = state.agents_revision();
  }
  for (core::AgentSnapshot& agent : changes.agents) {
    auto& slot = agent_slots_[agent.agent];
    slot = std::make_shared<const core::AgentSnapshot>(std::move(agent));
  }
  // Pointers only: the pictures of agents that did not change are shared with earlier views.
  auto list = std::make_shared<AgentList>();
  list->reserve(agent_slots_.size());
  for (const auto& [id, agent] : agent_slots_) list->push_back(agent);
  agents_ = std::move(list);
  agents_revision_ = state.agents_revision();
}

std::shared_ptr<const FloorView> FloorViewPublisher::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace floorwatch::daemon
