#include "floorwatch/core/floor_state.h"

#include <algorithm>
#include <stdexcept>

#include "floorwatch/core/byte_codec.h"
#include "floorwatch/core/change_tracking.h"
#include "floorwatch/core/erlang_a.h"
#include "floorwatch/core/erlang_c.h"
#include "floorwatch/core/patience.h"
#include "floorwatch/core/waiting_forecast.h"

namespace floorwatch::core {

// A call that entered a queue and has not finished yet.
struct FloorState::Call {
  std::string queue;
  std::string caller;
  Channel channel = Channel::Voice;
  Timestamp enqueued_at{};
  Timestamp last_event{};
  bool connected = false;  // false: waiting in the queue
  std::string agent;
};

// An answered call whose handle time has not ended (talking, or completed and in wrap-up).
struct Handling {
  std::string call;
  std::string queue;
  Timestamp answered_at{};
  bool completed = false;
  bool detached = false;  // the agent moved on (available, paused...) before the call ended
};

struct FloorState::Agent {
  const std::string* id = nullptr;  // its key in agents_ (nodes never move)
  AgentStatus state = AgentStatus::Offline;
  std::string reason;
  Timestamp state_since{};
  Timestamp last_change{};
  std::vector<std::string> queues;  // sorted, unique
  std::vector<Queue*> member_of;    // the queues named in `queues`, for the live member counts
  std::vector<Handling> handlings;
  AgentDay day;                  // today's figures (docs/metrics.md#today-per-agent)
  std::uint64_t changed_at = 0;  // FloorState::agents_revision_ at its last change
};

struct FloorState::Queue {
  Queue(std::string queue_name, QueueSettings queue_settings, const SiteCalendar* calendar)
      : name(std::move(queue_name)), settings(queue_settings), windows(calendar) {}
  std::string name;
  QueueSettings settings;
  QueueWindows windows;
  OutcomeCounters lifetime;
  std::array<std::int64_t, kWaitBucketsSeconds.size() + 1> wait_bucket_counts{};
  std::set<std::pair<Timestamp, std::string>> waiting;    // oldest first
  std::array<std::int64_t, kAgentStatusCount> members{};  // member agents by state, kept live
  std::uint64_t changed_revision = 0;                     // FloorState::revision_ of last change
  // The agents whose member_of holds this queue (the forecast reads them, not every agent).
  std::vector<const Agent*> member_agents;
  std::optional<Timestamp> last_event_at;  // event time of the last event changing it
};

namespace {

std::size_t wait_bucket_index(Duration wait) {
  const double seconds = to_seconds(wait);
  for (std::size_t i = 0; i < kWaitBucketsSeconds.size(); ++i) {
    if (seconds <= kWaitBucketsSeconds[i]) return i;
  }
  return kWaitBucketsSeconds.size();
}

WindowFigures figures(const OutcomeCounters& counts, ServiceLevelFormula formula) {
  WindowFigures result;
  result.counts = counts;
  result.service_level = service_level(counts, formula);
  result.average_speed_of_answer_seconds = average_speed_of_answer_seconds(counts);
  result.average_handle_time_seconds = average_handle_time_seconds(counts);
  result.abandon_ratio = abandon_ratio(counts);
  result.max_wait_seconds = max_wait_seconds(counts);
  return result;
}

// Abandons over the waits of every caller who left the queue, in the last 60 minutes or, when
// those hold too few abandons, today: callers' patience changes far more slowly than their
// number, so a quiet hour borrows the day's larger sample. Callers still waiting count when
// they leave; counting their waits so far would make the figure move with the clock alone, and
// readers keep a queue's figures until its next change (SnapshotOptions::changed_since).
std::optional<double> measured_patience_seconds(const QueueSnapshot& s) {
  for (WindowKind kind : {WindowKind::Rolling60m, WindowKind::Today}) {
    const OutcomeCounters& counts = s.window(kind).counts;
    if (auto patience =
            estimate_mean_patience_seconds({total_leave_wait(counts), counts.abandoned}))
      return patience;
  }
  return std::nullopt;
}

bool is_staffed(AgentStatus state) {
  return state == AgentStatus::Available || state == AgentStatus::Ringing ||
         state == AgentStatus::Busy || state == AgentStatus::Wrapup;
}

}  // namespace

FloorState::FloorState(FloorConfig config)
    : config_(std::move(config)),
      calendar_(std::make_shared<const SiteCalendar>(config_.time_zone, config_.day_start_minutes,
                                                     config_.interval_minutes)),
      callbacks_(config_.callbacks_max_open) {
  for (const auto& [name, settings] : config_.queues) queue(name);
  groups_.configure(config_.groups, calendar_.get());
}

FloorState::~FloorState() = default;

const QueueSettings& FloorState::settings_for(const std::string& queue_name) const {
  auto it = config_.queues.find(queue_name);
  return it == config_.queues.end() ? config_.defaults : it->second;
}

FloorState::Queue& FloorState::queue(const std::string& name) {
  auto it = queues_.find(name);
  if (it == queues_.end()) {
    it = queues_.emplace(name, std::make_unique<Queue>(name, settings_for(name), calendar_.get()))
             .first;
    mark_changed(*it->second);
  }
  return *it->second;
}

FloorState::Agent& FloorState::agent(const std::string& id, Timestamp ts) {
  auto [it, inserted] = agents_.try_emplace(id);
  it->second.changed_at = ++agents_revision_;  // the caller is about to change this agent
  log_agent_change(it->second);
  if (inserted) {
    it->second.id = &it->first;
    it->second.state_since = ts;
    it->second.last_change = ts;
    it->second.day.counted_to = ts;
    count_spell(it->second.day, it->second.state, it->second.reason, ts, *calendar_);
    ++agents_by_state_[static_cast<std::size_t>(it->second.state)];
  }
  return it->second;
}

ApplyResult FloorState::apply(const Event& e) {
  // Queues this event changes remember its time: readers that must agree across daemons
  // (an alert's start) take time from the floor's data, not from their own clock.
  applying_event_at_ = e.ts;
  struct Reset {
    std::optional<Timestamp>& at;
    ~Reset() { at.reset(); }
  } reset{applying_event_at_};
  switch (e.type) {
    case EventType::CallEnqueued:
      return on_enqueued(e);
    case EventType::CallAnswered:
      return on_answered(e);
    case EventType::CallAbandoned:
    case EventType::CallExited:
      return on_left_queue(e);
    case EventType::CallCompleted:
      return on_completed(e);
    case EventType::AgentState:
      return on_agent_state(e);
  }
  return ApplyResult::rejected(RejectReason::InvalidValue);
}

void FloorState::record(Queue& q, Timestamp at, const OutcomeCounters& delta) {
  q.windows.add(at, delta);
  q.lifetime += delta;
  mark_changed(q);
}

void FloorState::record_in_groups(const std::string& queue_name, Timestamp at,
                                  const QueueGroups::Classify& classify) {
  groups_.record(queue_name, at, classify);
}

void FloorState::mark_changed(Queue& q) {
  q.changed_revision = ++revision_;
  if (applying_event_at_) q.last_event_at = applying_event_at_;
}

void FloorState::mark_all_changed() {
  ++revision_;
  for (auto& [name, q] : queues_) q->changed_revision = revision_;
}

void FloorState::count_members(const Agent& a, std::int64_t sign) {
  for (Queue* q : a.member_of) {
    q->members[static_cast<std::size_t>(a.state)] += sign;
    mark_changed(*q);
  }
}

ApplyResult FloorState::on_enqueued(const Event& e) {
  if (e.call.empty() || e.queue.empty()) return ApplyResult::rejected(RejectReason::MissingField);
  auto [it, inserted] = calls_.try_emplace(e.call);
  if (!inserted) return ApplyResult::rejected(RejectReason::DuplicateCall);
  Call& call = it->second;
  call.queue = e.queue;
  call.caller = e.caller;
  call.channel = e.channel;
  call.enqueued_at = e.ts;
  call.last_event = e.ts;
  Queue& q = queue(e.queue);
  q.waiting.emplace(e.ts, e.call);
  record(q, e.ts, classify_enqueue());
  record_in_groups(e.queue, e.ts, [](const QueueSettings&) { return classify_enqueue(); });
  return ApplyResult::ok();
}

ApplyResult FloorState::on_answered(const Event& e) {
  if (e.call.empty() || e.agent.empty()) return ApplyResult::rejected(RejectReason::MissingField);
  auto it = calls_.find(e.call);
  if (it == calls_.end()) return ApplyResult::rejected(RejectReason::UnknownCall);
  Call& call = it->second;
  if (call.connected) return ApplyResult::rejected(RejectReason::CallNotWaiting);
  if (e.ts < call.last_event) return ApplyResult::rejected(RejectReason::OutOfOrder);

  Queue& q = queue(call.queue);
  const Duration wait = e.ts - call.enqueued_at;
  q.waiting.erase({call.enqueued_at, e.call});
  record(q, e.ts, classify_answer(wait, q.settings));
  record_in_groups(call.queue, e.ts,
                   [&](const QueueSettings& group) { return classify_answer(wait, group); });
  ++q.wait_bucket_counts[wait_bucket_index(wait)];
  call.connected = true;
  call.agent = e.agent;
  call.last_event = e.ts;

  Agent& a = agent(e.agent, e.ts);
  if (a.queues.empty()) {
    a.queues.push_back(call.queue);
    a.member_of.push_back(&q);
    q.member_agents.push_back(&a);
    count_members(a, +1);
  }
  a.handlings.push_back(Handling{e.call, call.queue, e.ts});
  set_agent_state(a, AgentStatus::Busy, e.ts);
  a.reason.clear();
  if (auto closed_in = callbacks_.on_answered(call.caller, e.ts)) mark_changed(*closed_in);
  return ApplyResult::ok();
}

ApplyResult FloorState::on_left_queue(const Event& e) {
  if (e.call.empty()) return ApplyResult::rejected(RejectReason::MissingField);
  auto it = calls_.find(e.call);
  if (it == calls_.end()) return ApplyResult::rejected(RejectReason::UnknownCall);
  Call& call = it->second;
  if (call.connected) return ApplyResult::rejected(RejectReason::CallNotWaiting);
  if (e.ts < call.last_event) return ApplyResult::rejected(RejectReason::OutOfOrder);

  Queue& q = queue(call.queue);
  const Duration wait = e.ts - call.enqueued_at;
  q.waiting.erase({call.enqueued_at, e.call});
  const OutcomeCounters outcome = e.type == EventType::CallAbandoned
                                      ? classify_abandon(wait, q.settings)
                                      : classify_exit(wait, e.exit_reason);
  record(q, e.ts, outcome);
  record_in_groups(call.queue, e.ts, [&](const QueueSettings& group) {
    return e.type == EventType::CallAbandoned ? classify_abandon(wait, group)
                                              : classify_exit(wait, e.exit_reason);
  });
  if (e.type == EventType::CallAbandoned)
    remember_abandon(AbandonedCall{e.call, call.caller, call.queue, wait, e.ts,
                                   outcome.abandoned_short > 0, ++abandons_recorded_});
  calls_.erase(it);
  return ApplyResult::ok();
}

void FloorState::remember_abandon(AbandonedCall abandon) {
  for (const std::string& changed : callbacks_.on_abandon(abandon)) mark_changed(changed);
  recent_abandons_.push_back(std::move(abandon));
  if (recent_abandons_.size() > kRecentAbandons) recent_abandons_.pop_front();
}

std::optional<CallbackEntry> FloorState::close_callback(std::uint64_t id, const std::string& by,
                                                        Timestamp at) {
  auto closed = callbacks_.close(id, by, at);
  if (closed) mark_changed(closed->queue);
  return closed;
}

CallbackMergeResult FloorState::merge_callback_close(const CallbackClose& close, Timestamp now) {
  std::optional<std::string> closed_in;
  const CallbackMergeResult result = callbacks_.merge_close(close, now, &closed_in);
  if (closed_in) mark_changed(*closed_in);
  return result;
}

void FloorState::mark_changed(const std::string& queue_name) {
  if (auto it = queues_.find(queue_name); it != queues_.end()) mark_changed(*it->second);
}

ApplyResult FloorState::on_completed(const Event& e) {
  if (e.call.empty()) return ApplyResult::rejected(RejectReason::MissingField);
  auto it = calls_.find(e.call);
  if (it == calls_.end()) return ApplyResult::rejected(RejectReason::UnknownCall);
  Call& call = it->second;
  if (!call.connected) return ApplyResult::rejected(RejectReason::CallNotConnected);
  if (e.ts < call.last_event) return ApplyResult::rejected(RejectReason::OutOfOrder);

  Agent& a = agent(call.agent, e.ts);
  auto handling = std::find_if(a.handlings.begin(), a.handlings.end(),
                               [&](const Handling& h) { return h.call == e.call; });
  if (handling != a.handlings.end()) {
    handling->completed = true;
    const bool detached =
        handling->detached || (a.state != AgentStatus::Busy && a.state != AgentStatus::Wrapup);
    if (detached) {
      // The agent had already left the call (an agent_state said so): handle time ends now.
      Handling finished = *handling;
      a.handlings.erase(handling);
      count_handle_end(a, queue(finished.queue), finished.answered_at, e.ts);
    } else {
      const bool still_talking = std::any_of(a.handlings.begin(), a.handlings.end(),
                                             [](const Handling& h) { return !h.completed; });
      if (a.state == AgentStatus::Busy && !still_talking) {
        set_agent_state(a, AgentStatus::Wrapup, e.ts);
      }
    }
  }
  calls_.erase(it);
  return ApplyResult::ok();
}

ApplyResult FloorState::on_agent_state(const Event& e) {
  if (e.agent.empty()) return ApplyResult::rejected(RejectReason::MissingField);
  auto existing = agents_.find(e.agent);
  if (existing != agents_.end() && e.ts < existing->second.last_change) {
    return ApplyResult::rejected(RejectReason::OutOfOrder);
  }
  Agent& a = agent(e.agent, e.ts);
  // A new reason in the same state (lunch -> training) restarts the time in state; with a red
  // limit in play, the member queues' limit crossings (agents_over_limit) move with it.
  if (a.state == e.state && a.reason != e.reason) {
    a.state_since = e.ts;
    const AgentLimits& limits = config_.agent_limits;
    if (limits.limit_for(a.state, a.reason).critical ||
        limits.limit_for(e.state, e.reason).critical)
      for (Queue* q : a.member_of) mark_changed(*q);
  }
  set_agent_state(a, e.state, e.ts);
  a.reason = e.reason;
  a.last_change = e.ts;
  if (e.queues) set_agent_queues(a, *e.queues);
  return ApplyResult::ok();
}

void FloorState::set_agent_state(Agent& a, AgentStatus state, Timestamp ts) {
  // The spell in the old state and reason ends here (callers change the reason after this).
  count_spell(a.day, a.state, a.reason, ts, *calendar_);
  if (a.state == AgentStatus::Wrapup && state != AgentStatus::Wrapup) end_handling(a, ts);
  if (state != AgentStatus::Busy && state != AgentStatus::Wrapup) {
    for (auto& h : a.handlings) h.detached = true;
  }
  if (a.state != state) {
    count_members(a, -1);
    --agents_by_state_[static_cast<std::size_t>(a.state)];
    a.state = state;
    ++agents_by_state_[static_cast<std::size_t>(a.state)];
    count_members(a, +1);
    a.state_since = std::max(ts, a.state_since);
  }
  a.last_change = std::max(ts, a.last_change);
}

void FloorState::set_agent_queues(Agent& a, const std::vector<std::string>& queues) {
  count_members(a, -1);
  for (Queue* q : a.member_of) std::erase(q->member_agents, &a);
  a.queues = queues;
  std::sort(a.queues.begin(), a.queues.end());
  a.queues.erase(std::unique(a.queues.begin(), a.queues.end()), a.queues.end());
  a.member_of.clear();
  for (const auto& name : a.queues) a.member_of.push_back(&queue(name));  // makes it visible
  for (Queue* q : a.member_of) q->member_agents.push_back(&a);
  count_members(a, +1);
}

void FloorState::end_handling(Agent& a, Timestamp ts) {
  // Wrap-up ends: every completed call's handle time (answer → now) is counted now.
  for (auto it = a.handlings.begin(); it != a.handlings.end();) {
    if (it->completed) {
      count_handle_end(a, queue(it->queue), it->answered_at, ts);
      it = a.handlings.erase(it);
    } else {
      ++it;
    }
  }
}

// The queue's AHT and the agent's count the same handle time at the same instant.
void FloorState::count_handle_end(Agent& a, Queue& q, Timestamp answered_at, Timestamp ended_at) {
  const OutcomeCounters handled = classify_handle_end(ended_at - answered_at);
  record(q, ended_at, handled);
  record_in_groups(q.name, ended_at, [&](const QueueSettings&) { return handled; });
  count_handled_call(a.day, ended_at - answered_at, ended_at, *calendar_);
}

void FloorState::advance(Timestamp now) {
  if (now < latest_advance_) now = latest_advance_;
  latest_advance_ = now;
  for (auto& [name, q] : queues_)
    if (q->windows.advance(now)) mark_changed(*q);
  groups_.advance(now);
  callbacks_.expire_closes(now);
  // Keep yesterday and today for the calendar windows; prune once per day.
  const Timestamp today = calendar_->day_start(now);
  if (today != last_prune_day_) {
    last_prune_day_ = today;
    const Timestamp keep_after = calendar_->day_start(today - Duration{1});
    for (auto& [name, q] : queues_) q->windows.prune(keep_after);
    groups_.prune(keep_after);
  }
}

FloorSnapshot FloorState::snapshot(Timestamp now, const SnapshotOptions& options) {
  advance(now);
  // Interval and today figures are read at `now`: a new interval or day changes every queue.
  const Timestamp interval = calendar_->interval_start(now);
  const Timestamp day = calendar_->day_start(now);
  if (interval != figures_interval_ || day != figures_day_) {
    figures_interval_ = interval;
    if (day != figures_day_) change_every_agent();  // every agent's today starts over
    figures_day_ = day;
    mark_all_changed();
  }
  FloorSnapshot result;
  result.now = now;
  result.revision = revision_;
  result.agents_revision = agents_revision_;
  result.calendar = calendar_;
  result.abandons_recorded = abandons_recorded_;
  if (options.include_abandons)
    result.recent_abandons.assign(recent_abandons_.begin(), recent_abandons_.end());
  result.active_calls = static_cast<std::int64_t>(calls_.size());
  result.agents_by_state = agents_by_state_;
  result.callback_counters = callbacks_.counters();
  result.callbacks_revision = callbacks_.revision();
  if (options.include_callbacks) result.callbacks = callbacks_.open();

  // A revision from before load() (or not from this state) cannot say what changed.
  const bool only_changed =
      only_changes_since(options.changed_since, reloaded_at_revision_, revision_);
  if (only_changed) result.only_changed_since = options.changed_since;
  result.queues.reserve(only_changed ? 16 : queues_.size());
  for (const auto& [name, q] : queues_) {
    if (only_changed && q->changed_revision <= *options.changed_since) continue;
    result.queues.push_back(snapshot_queue(*q, now, options));
  }

  add_limit_crossings(result);
  if (options.include_agents) {
    AgentChanges changes = agents_changed_since(options.agents_changed_since);
    result.agents = std::move(changes.agents);
    if (!changes.complete) result.agents_only_changed_since = options.agents_changed_since;
  }
  result.groups = snapshot_groups(now);
  return result;
}

std::vector<GroupSnapshot> FloorState::snapshot_groups(Timestamp now) const {
  std::vector<GroupSnapshot> result;
  result.reserve(groups_.groups().size());
  for (const auto& [name, group] : groups_.groups()) {
    GroupSnapshot s;
    s.name = name;
    s.queues = group.config.queues;
    s.settings = group.config.settings;
    for (const std::string& member : s.queues) {
      const auto q = queues_.find(member);
      if (q == queues_.end() || q->second->waiting.empty()) continue;
      s.calls_waiting += static_cast<std::int64_t>(q->second->waiting.size());
      const Timestamp oldest = q->second->waiting.begin()->first;
      if (!s.oldest_enqueued_at || oldest < *s.oldest_enqueued_at) s.oldest_enqueued_at = oldest;
    }
    if (s.oldest_enqueued_at)
      s.oldest_wait_seconds = std::max(0.0, to_seconds(now - *s.oldest_enqueued_at));
    for (std::size_t i = 0; i < kWindowCount; ++i)
      s.windows[i] = figures(group.windows->totals(kAllWindows[i], now), s.settings.formula);
    s.lifetime = group.lifetime;
    result.push_back(std::move(s));
  }
  return result;
}

// Per queue in the picture, its members: only agents in a state with a red limit are listed.
void FloorState::add_limit_crossings(FloorSnapshot& snapshot) const {
  for (QueueSnapshot& q : snapshot.queues) {
    const auto found = queues_.find(q.name);
    if (found == queues_.end()) continue;
    for (const Agent* a : found->second->member_agents) {
      const auto at =
          critical_at(config_.agent_limits.limit_for(a->state, a->reason), a->state_since);
      if (at)
        q.agent_limit_crossings.push_back(AgentLimitCrossing{*a->id, a->state, a->reason, *at});
    }
    // Sorted by agent id, so equal states give equal pictures whatever the members' order.
    std::sort(q.agent_limit_crossings.begin(), q.agent_limit_crossings.end(),
              [](const auto& x, const auto& y) { return x.agent < y.agent; });
  }
}

void FloorState::change_every_agent() {
  every_agent_changed_at_ = ++agents_revision_;
  agent_log_.clear();  // readers from before take every agent
  agent_log_complete_after_ = every_agent_changed_at_;
}

void FloorState::log_agent_change(const Agent& a) {
  if (agent_log_.size() >= kAgentChangeLog) {
    const std::size_t dropped = kAgentChangeLog / 2;
    agent_log_complete_after_ = agent_log_[dropped - 1].first;
    agent_log_.erase(agent_log_.begin(), agent_log_.begin() + static_cast<std::ptrdiff_t>(dropped));
  }
  agent_log_.emplace_back(a.changed_at, &a);
}

std::vector<AgentSnapshot> FloorState::agents() const {
  return agents_changed_since(std::nullopt).agents;
}

FloorState::AgentChanges FloorState::agents_changed_since(
    std::optional<std::uint64_t> since) const {
  AgentChanges result;
  result.complete = !only_changes_since(since, every_agent_changed_at_, agents_revision_);
  if (!result.complete && *since >= agent_log_complete_after_) {
    // Newest first; an agent's latest entry is the one with its changed_at.
    for (auto it = agent_log_.rbegin(); it != agent_log_.rend() && it->first > *since; ++it)
      if (it->second->changed_at == it->first)
        result.agents.push_back(agent_snapshot(*it->second->id, *it->second));
  } else {
    for (const auto& [id, a] : agents_) {
      if (!result.complete && a.changed_at <= *since) continue;
      result.agents.push_back(agent_snapshot(id, a));
    }
  }
  std::sort(result.agents.begin(), result.agents.end(),
            [](const AgentSnapshot& x, const AgentSnapshot& y) { return x.agent < y.agent; });
  return result;
}

AgentSnapshot FloorState::agent_snapshot(const std::string& id, const Agent& a) const {
  AgentSnapshot agent_snapshot;
  agent_snapshot.agent = id;
  if (const auto name = config_.agent_names.find(id); name != config_.agent_names.end())
    agent_snapshot.name = name->second;
  agent_snapshot.state = a.state;
  agent_snapshot.reason = a.reason;
  agent_snapshot.state_since = a.state_since;
  agent_snapshot.queues = a.queues;
  for (const auto& h : a.handlings) {
    if (h.completed) continue;
    agent_snapshot.call = h.call;
    agent_snapshot.call_queue = h.queue;
    agent_snapshot.call_answered_at = h.answered_at;
    const auto call = calls_.find(h.call);
    agent_snapshot.caller = call != calls_.end() ? call->second.caller : std::string();
  }
  agent_snapshot.limit = config_.agent_limits.limit_for(a.state, a.reason);
  agent_snapshot.today = a.day;
  agent_snapshot.changed_at = std::max(a.changed_at, every_agent_changed_at_);
  return agent_snapshot;
}

QueueSnapshot FloorState::snapshot_queue(const Queue& q, Timestamp now,
                                         const SnapshotOptions& options) const {
  const auto& members = q.members;
  QueueSnapshot s;
  s.name = q.name;
  s.settings = q.settings;
  s.calls_waiting = static_cast<std::int64_t>(q.waiting.size());
  s.last_event_at = q.last_event_at;
  if (!q.waiting.empty()) {
    s.oldest_enqueued_at = q.waiting.begin()->first;
    s.oldest_wait_seconds = std::max(0.0, to_seconds(now - *s.oldest_enqueued_at));
  }
  const QueueCallbacks callbacks = callbacks_.in_queue(q.name);
  s.callbacks_open = callbacks.open;
  s.oldest_callback_since = callbacks.oldest_since;
  s.agents_by_state = members;
  const auto count = [&](AgentStatus state) { return members[static_cast<std::size_t>(state)]; };
  for (std::size_t i = 0; i < kAgentStatusCount; ++i) {
    if (is_staffed(static_cast<AgentStatus>(i))) s.staffed_agents += members[i];
  }
  for (std::size_t i = 0; i < kWindowCount; ++i) {
    s.windows[i] = figures(q.windows.totals(kAllWindows[i], now), q.settings.formula);
  }
  if (options.include_today_intervals) {
    const Timestamp day_start = calendar_->day_start(now);
    for (const auto& [start, counts] : q.windows.intervals())
      if (start >= day_start && start <= now)
        s.today_intervals.emplace_back(start, figures(counts, q.settings.formula));
  }
  s.lifetime = q.lifetime;
  s.wait_bucket_counts = q.wait_bucket_counts;

  if (s.staffed_agents > 0) {
    s.occupancy = static_cast<double>(count(AgentStatus::Ringing) + count(AgentStatus::Busy) +
                                      count(AgentStatus::Wrapup)) /
                  static_cast<double>(s.staffed_agents);
  }
  // Predictions: AHT from the most recent window that has one; arrivals from the last 30 min.
  for (WindowKind kind : {WindowKind::Rolling30m, WindowKind::Rolling60m, WindowKind::Today}) {
    if (auto aht = s.window(kind).average_handle_time_seconds) {
      s.handle_time_seconds = aht;
      break;
    }
  }
  const double offered_30m = static_cast<double>(s.window(WindowKind::Rolling30m).counts.offered);
  s.arrival_rate_per_second = offered_30m / 1800.0;
  s.mean_patience_seconds = measured_patience_seconds(s);
  if (options.include_predictions) predict_staffing(s);
  const std::int64_t available = count(AgentStatus::Available);
  if (available > s.calls_waiting) {
    s.estimated_wait_seconds = 0.0;
  } else if (s.handle_time_seconds && s.staffed_agents > 0) {
    s.estimated_wait_seconds = static_cast<double>(s.calls_waiting - available + 1) *
                               *s.handle_time_seconds / static_cast<double>(s.staffed_agents);
  }

  if (options.include_waiting_calls) {
    s.waiting_calls.reserve(q.waiting.size());
    for (const auto& [enqueued_at, call_id] : q.waiting) {
      const Call& call = calls_.at(call_id);
      s.waiting_calls.push_back(
          WaitingCallSnapshot{call_id, call.caller, call.channel, enqueued_at, {}, {}, false});
    }
    forecast_waiting(q, now, s);
  }
  return s;
}

void FloorState::forecast_waiting(const Queue& q, Timestamp now, QueueSnapshot& s) const {
  if (s.waiting_calls.empty()) return;
  std::vector<AnsweringAgent> members;
  members.reserve(q.member_agents.size());
  for (const Agent* a : q.member_agents) {
    AnsweringAgent member{a->state, a->state_since};
    for (const Handling& h : a->handlings)
      if (!h.completed) member.busy_since = h.answered_at;  // talk so far of the current call
    members.push_back(member);
  }
  std::vector<Timestamp> enqueued;
  enqueued.reserve(s.waiting_calls.size());
  for (const WaitingCallSnapshot& call : s.waiting_calls) enqueued.push_back(call.enqueued_at);
  // The queue's measured patience (set above, as for Erlang A): callers ahead may hang up.
  const auto forecasts = forecast_waiting_callers(
      enqueued, q.settings.answer_target, agents_free_at(members, s.handle_time_seconds, now),
      s.handle_time_seconds, now, s.mean_patience_seconds);
  for (std::size_t i = 0; i < forecasts.size(); ++i) {
    s.waiting_calls[i].breach_at = forecasts[i].breach_at;
    s.waiting_calls[i].predicted_answer_at = forecasts[i].predicted_answer_at;
    s.waiting_calls[i].breach_predicted = forecasts[i].breach_predicted;
  }
}

std::string_view to_string(StaffingModel model) {
  return model == StaffingModel::ErlangA ? "erlang_a" : "erlang_c";
}

namespace {
// Erlang A with the measured patience; false when it cannot be used (patience not measured, or
// so long against the arrival rate that the model refuses it: Erlang C is then the right answer).
bool predict_with_erlang_a(QueueSnapshot& s, const erlang::Workload& workload,
                           double target_seconds) {
  if (!s.mean_patience_seconds) return false;
  try {
    const erlang_a::StaffingTarget target{target_seconds, s.settings.service_level_target, {}};
    s.agents_required = erlang_a::agents_required(workload, *s.mean_patience_seconds, target);
    s.predicted_service_level =
        erlang_a::evaluate(workload, *s.mean_patience_seconds, static_cast<int>(s.staffed_agents),
                           target_seconds)
            .service_level;
  } catch (const std::invalid_argument&) {
    s.agents_required.reset();
    s.predicted_service_level.reset();
    return false;
  }
  s.staffing_model = StaffingModel::ErlangA;
  return true;
}
}  // namespace

void predict_staffing(QueueSnapshot& s) {
  s.staffing_model = StaffingModel::ErlangC;
  s.agents_required.reset();
  s.predicted_service_level.reset();
  const double offered_30m = static_cast<double>(s.window(WindowKind::Rolling30m).counts.offered);
  if (!s.handle_time_seconds || *s.handle_time_seconds <= 0 || offered_30m <= 0) return;
  const erlang::Workload workload{offered_30m, 1800.0, *s.handle_time_seconds};
  const double target_seconds = to_seconds(s.settings.answer_target);
  if (predict_with_erlang_a(s, workload, target_seconds)) return;
  s.agents_required =
      erlang::agents_required(workload, target_seconds, s.settings.service_level_target);
  s.predicted_service_level =
      erlang::evaluate(workload, static_cast<int>(s.staffed_agents), target_seconds).service_level;
}

void FloorState::for_each_queue_intervals(
    const std::function<void(const std::string&, const QueueSettings&,
                             const std::map<Timestamp, OutcomeCounters>&)>& visit) const {
  for (const auto& [name, q] : queues_) visit(name, q->settings, q->windows.intervals());
}

void FloorState::reconfigure(FloorConfig config, Timestamp now) {
  const bool calendar_changed = config.time_zone != config_.time_zone ||
                                config.day_start_minutes != config_.day_start_minutes ||
                                config.interval_minutes != config_.interval_minutes;
  // Build the calendar first: a bad zone throws before anything changes.
  std::shared_ptr<const SiteCalendar> calendar;
  if (calendar_changed) {
    calendar = std::make_shared<const SiteCalendar>(config.time_zone, config.day_start_minutes,
                                                    config.interval_minutes);
  }
  // New names change every agent's picture: readers that copy agents must take them again.
  if (config.agent_names != config_.agent_names || config.agent_limits != config_.agent_limits)
    change_every_agent();
  config_ = std::move(config);
  if (calendar) {
    for (auto& [name, q] : queues_) q->windows.set_calendar(calendar.get());
    calendar_ = std::move(calendar);
    last_prune_day_ = Timestamp{};
    // Every agent's day moves now: a board or report must not show the old day until each
    // agent happens to change state.
    for (auto& [id, a] : agents_) move_to_calendar(a.day, now, *calendar_);
    change_every_agent();
  }
  for (auto& [name, q] : queues_) q->settings = settings_for(name);
  for (const auto& [name, settings] : config_.queues) queue(name);
  groups_.configure(config_.groups, calendar_.get());
  callbacks_.set_capacity(config_.callbacks_max_open);  // a lower bound drops the stalest now
  mark_all_changed();  // settings (targets, formula) and calendar feed every queue's figures
}

}  // namespace floorwatch::core

namespace floorwatch::core {
namespace {
constexpr std::string_view kSnapshotMagic = "floorwatch-state";
// Version 2 adds the recent abandons, version 3 the abandoned and exited wait sums of every
// counter, version 4 the call-back worklist, the agents' today figures and the queue groups'
// counters (each a block of its own at the end), version 5 the call-back close records shared
// with an HA partner (a block after those); older snapshots still load (without them).
constexpr std::uint64_t kSnapshotVersion = 5;
constexpr std::uint64_t kFirstVersionWithCallbackCloses = 5;
constexpr std::uint64_t kAgentDaysSince = 4;
constexpr std::uint64_t kFirstVersionWithGroups = 4;

template <typename Map>
std::vector<typename Map::const_iterator> sorted_by_key(const Map& map) {
  std::vector<typename Map::const_iterator> items;
  items.reserve(map.size());
  for (auto it = map.begin(); it != map.end(); ++it) items.push_back(it);
  std::sort(items.begin(), items.end(), [](auto a, auto b) { return a->first < b->first; });
  return items;
}
}  // namespace

std::string FloorState::save() const {
  ByteWriter out;
  out.string(kSnapshotMagic);
  out.u64(kSnapshotVersion);
  out.time(latest_advance_);
  out.u64(queues_.size());
  for (const auto& [name, q] : queues_) {
    out.string(name);
    q->windows.save(out);
    core::save(out, q->lifetime);
    for (std::int64_t count : q->wait_bucket_counts) out.i64(count);
  }
  out.u64(calls_.size());
  for (auto it : sorted_by_key(calls_)) {
    const Call& call = it->second;
    out.string(it->first);
    out.string(call.queue);
    out.string(call.caller);
    out.u64(static_cast<std::uint64_t>(call.channel));
    out.time(call.enqueued_at);
    out.time(call.last_event);
    out.boolean(call.connected);
    out.string(call.agent);
  }
  out.u64(agents_.size());
  for (auto it : sorted_by_key(agents_)) {
    const Agent& a = it->second;
    out.string(it->first);
    out.u64(static_cast<std::uint64_t>(a.state));
    out.string(a.reason);
    out.time(a.state_since);
    out.time(a.last_change);
    out.u64(a.queues.size());
    for (const auto& name : a.queues) out.string(name);
    out.u64(a.handlings.size());
    for (const Handling& h : a.handlings) {
      out.string(h.call);
      out.string(h.queue);
      out.time(h.answered_at);
      out.boolean(h.completed);
      out.boolean(h.detached);
    }
  }
  out.u64(abandons_recorded_);
  out.u64(recent_abandons_.size());
  for (const AbandonedCall& a : recent_abandons_) {
    out.string(a.call);
    out.string(a.caller);
    out.string(a.queue);
    out.i64(a.wait.count());
    out.time(a.abandoned_at);
    out.boolean(a.short_abandon);
    out.u64(a.number);
  }
  // Version 4: the call-back worklist, the agents' day, the queue groups, each its own block.
  callbacks_.save(out);
  save_agent_days(out);
  groups_.save(out);
  callbacks_.save_closes(out);  // version 5
  out.u64(fnv1a64(out.bytes()));
  return std::move(out.bytes());
}

void FloorState::load(std::string_view bytes) {
  // Check the trailing checksum first: a corrupted snapshot must never be half-applied.
  if (bytes.size() < 8)
    throw SnapshotError("snapshot truncated: " + std::to_string(bytes.size()) + " bytes");
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  ByteReader checksum_reader(bytes.substr(bytes.size() - 8));
  if (checksum_reader.u64() != fnv1a64(body)) {
    throw SnapshotError("snapshot corrupted: checksum mismatch over " +
                        std::to_string(body.size()) + " bytes");
  }
  ByteReader in(body);
  if (in.string() != kSnapshotMagic) throw SnapshotError("not a floorwatch state snapshot");
  const auto version = in.u64();
  if (version < 1 || version > kSnapshotVersion) {
    throw SnapshotError("snapshot version " + std::to_string(version) + " is not supported");
  }
  const auto enum_value = [&](std::size_t limit) {
    const std::uint64_t value = in.u64();
    if (value >= limit) throw SnapshotError("snapshot corrupted: enum value out of range");
    return value;
  };

  decltype(queues_) queues;
  decltype(calls_) calls;
  decltype(agents_) agents;
  const Timestamp latest_advance = in.time();
  const CountersFormat counters_format =
      version >= 3 ? CountersFormat::Current : CountersFormat::WithoutLeaveWaits;
  const std::size_t queue_count = in.count(16);
  for (std::size_t i = 0; i < queue_count; ++i) {
    std::string name = in.string();
    auto q = std::make_unique<Queue>(name, settings_for(name), calendar_.get());
    q->windows.load(in, counters_format);
    q->lifetime = load_outcome_counters(in, counters_format);
    for (std::int64_t& count : q->wait_bucket_counts) count = in.i64();
    queues.emplace(std::move(name), std::move(q));
  }
  const std::size_t call_count = in.count(16);
  for (std::size_t i = 0; i < call_count; ++i) {
    std::string id = in.string();
    Call call;
    call.queue = in.string();
    call.caller = in.string();
    call.channel = static_cast<Channel>(enum_value(4));
    call.enqueued_at = in.time();
    call.last_event = in.time();
    call.connected = in.boolean();
    call.agent = in.string();
    auto queue_it = queues.find(call.queue);
    if (queue_it == queues.end()) throw SnapshotError("snapshot corrupted: call in unknown queue");
    if (!call.connected) queue_it->second->waiting.emplace(call.enqueued_at, id);
    calls.emplace(std::move(id), std::move(call));
  }
  const std::size_t agent_count = in.count(16);
  for (std::size_t i = 0; i < agent_count; ++i) {
    std::string id = in.string();
    Agent a;
    a.state = static_cast<AgentStatus>(enum_value(kAgentStatusCount));
    a.reason = in.string();
    a.state_since = in.time();
    a.last_change = in.time();
    const std::size_t memberships = in.count(8);
    for (std::size_t m = 0; m < memberships; ++m) a.queues.push_back(in.string());
    for (const auto& name : a.queues) {
      auto member_of = queues.find(name);
      if (member_of == queues.end())
        member_of =
            queues.emplace(name, std::make_unique<Queue>(name, settings_for(name), calendar_.get()))
                .first;
      a.member_of.push_back(member_of->second.get());
    }
    const std::size_t handlings = in.count(8);
    for (std::size_t h = 0; h < handlings; ++h) {
      Handling handling;
      handling.call = in.string();
      handling.queue = in.string();
      handling.answered_at = in.time();
      handling.completed = in.boolean();
      handling.detached = in.boolean();
      a.handlings.push_back(std::move(handling));
    }
    agents.emplace(std::move(id), std::move(a));
  }
  std::uint64_t abandons_recorded = 0;
  std::deque<AbandonedCall> recent_abandons;
  if (version >= 2) {
    abandons_recorded = in.u64();
    const std::size_t abandon_count = in.count(8);
    for (std::size_t i = 0; i < abandon_count; ++i) {
      AbandonedCall a;
      a.call = in.string();
      a.caller = in.string();
      a.queue = in.string();
      a.wait = Duration{in.i64()};
      a.abandoned_at = in.time();
      a.short_abandon = in.boolean();
      a.number = in.u64();
      recent_abandons.push_back(std::move(a));
    }
  }
  // Version 4: the call-back worklist; before it none was kept (abandons started none).
  CallbackWorklist callbacks = version >= 4 ? CallbackWorklist::load(in, config_.callbacks_max_open)
                                            : CallbackWorklist{config_.callbacks_max_open};
  load_agent_days(in, version, agents);
  std::vector<QueueGroups::Saved> saved_groups;
  if (version >= kFirstVersionWithGroups) saved_groups = groups_.read(in);
  if (version >= kFirstVersionWithCallbackCloses) callbacks.load_closes(in);
  // A bound lowered while the daemon was down applies to what the snapshot held.
  callbacks.set_capacity(config_.callbacks_max_open);
  if (!in.at_end()) throw SnapshotError("snapshot corrupted: trailing bytes");

  std::array<std::int64_t, kAgentStatusCount> agents_by_state{};
  for (auto& [id, a] : agents) {
    a.id = &id;
    ++agents_by_state[static_cast<std::size_t>(a.state)];
    for (Queue* q : a.member_of) {
      ++q->members[static_cast<std::size_t>(a.state)];
      q->member_agents.push_back(&a);  // the node moves into agents_ below, not the agent
    }
  }
  queues_ = std::move(queues);
  calls_ = std::move(calls);
  agents_ = std::move(agents);
  change_every_agent();
  agents_by_state_ = agents_by_state;
  latest_advance_ = latest_advance;
  abandons_recorded_ = abandons_recorded;
  recent_abandons_ = std::move(recent_abandons);
  callbacks_ = std::move(callbacks);
  groups_.restore(std::move(saved_groups));
  last_prune_day_ = Timestamp{};
  for (const auto& [name, settings] : config_.queues) queue(name);
  mark_all_changed();
  reloaded_at_revision_ = revision_;
}

}  // namespace floorwatch::core

namespace floorwatch::core {

// The agents' today figures, in a block of their own after everything else: one entry per
// agent, in id order (the agents block's order).
void FloorState::save_agent_days(ByteWriter& out) const {
  for (auto it : sorted_by_key(agents_)) {
    const AgentDay& day = it->second.day;
    out.time(day.day_start);
    out.time(day.day_end);
    out.time(day.counted_to);
    out.i64(day.calls_handled);
    for (Duration d : {day.handle_time, day.staffed, day.occupied, day.paused}) out.i64(d.count());
    out.u64(day.paused_by_reason.size());
    for (const auto& [reason, length] : day.paused_by_reason) {
      out.string(reason);
      out.i64(length.count());
    }
  }
}

// Before version 4 there are no figures: each agent's day starts at its current spell.
void FloorState::load_agent_days(ByteReader& in, std::uint64_t version,
                                 std::unordered_map<std::string, Agent>& agents) const {
  std::vector<std::pair<const std::string*, Agent*>> in_id_order;
  for (auto& [id, a] : agents) in_id_order.emplace_back(&id, &a);
  std::sort(in_id_order.begin(), in_id_order.end(),
            [](const auto& x, const auto& y) { return *x.first < *y.first; });
  for (const auto& entry : in_id_order) {
    Agent* agent = entry.second;
    AgentDay& day = agent->day;
    if (version < kAgentDaysSince) {
      day.counted_to = agent->state_since;
      count_spell(day, agent->state, agent->reason, agent->state_since, *calendar_);
      continue;
    }
    day.day_start = in.time();
    day.day_end = in.time();
    day.counted_to = in.time();
    day.calls_handled = in.i64();
    for (Duration* d : {&day.handle_time, &day.staffed, &day.occupied, &day.paused})
      *d = Duration{in.i64()};
    const std::size_t reasons = in.count(16);
    for (std::size_t r = 0; r < reasons; ++r) {
      std::string reason = in.string();
      day.paused_by_reason[std::move(reason)] = Duration{in.i64()};
    }
  }
}

}  // namespace floorwatch::core
