#include "wallboard/feed_sync.h"

#include <algorithm>

#include "floorwatch/v1/feed.pb.h"

namespace floorwatch::wallboard {
namespace {

constexpr std::uint32_t kProtocolVersion = 1;

// Unspecified: a daemon from before the field, which always staffed with Erlang C.
StaffingModel from_wire(v1::StaffingModel model) {
  return model == v1::STAFFING_MODEL_ERLANG_A ? StaffingModel::ErlangA : StaffingModel::ErlangC;
}

AgentState from_wire(v1::AgentState state) {
  switch (state) {
    case v1::AVAILABLE:
      return AgentState::Available;
    case v1::RINGING:
      return AgentState::Ringing;
    case v1::BUSY:
      return AgentState::Busy;
    case v1::WRAPUP:
      return AgentState::Wrapup;
    case v1::PAUSED:
      return AgentState::Paused;
    default:
      return AgentState::Offline;
  }
}

AlertSeverity from_wire(v1::AlertSeverity severity) {
  switch (severity) {
    case v1::ALERT_SEVERITY_INFO:
      return AlertSeverity::Info;
    case v1::ALERT_SEVERITY_CRITICAL:
      return AlertSeverity::Critical;
    default:
      return AlertSeverity::Warning;
  }
}

AlertState from_wire(v1::AlertState state) {
  switch (state) {
    case v1::ALERT_STATE_PENDING:
      return AlertState::Pending;
    case v1::ALERT_STATE_ACKNOWLEDGED:
      return AlertState::Acknowledged;
    case v1::ALERT_STATE_RESOLVED:
      return AlertState::Resolved;
    default:
      return AlertState::Firing;
  }
}

WindowView from_wire(const v1::FeedWindow& w) {
  WindowView out;
  out.offered = w.offered();
  out.answered = w.answered();
  out.answered_within_target = w.answered_within_target();
  out.abandoned = w.abandoned();
  out.abandoned_short = w.abandoned_short();
  out.exited = w.exited();
  if (w.has_service_level()) out.service_level = w.service_level();
  if (w.has_asa_seconds()) out.asa_seconds = w.asa_seconds();
  if (w.has_abandon_ratio()) out.abandon_ratio = w.abandon_ratio();
  if (w.has_max_wait_seconds()) out.max_wait_seconds = w.max_wait_seconds();
  return out;
}

ForecastView from_wire(const v1::FeedForecast& f) {
  ForecastView out;
  out.interval_start = f.interval_start_ms();
  out.interval_end = f.interval_end_ms();
  out.offered = f.offered();
  if (f.has_handle_time_seconds()) out.handle_time_seconds = f.handle_time_seconds();
  if (f.has_agents_needed()) out.agents_needed = f.agents_needed();
  out.staffing_model = from_wire(f.staffing_model());
  if (f.has_rest_of_day_offered()) out.rest_of_day_offered = f.rest_of_day_offered();
  return out;
}

QueueView from_wire(const v1::FeedQueue& q) {
  QueueView out;
  out.name = q.name();
  out.answer_target_seconds = q.answer_target_seconds();
  out.service_level_target = q.service_level_target();
  out.short_abandon_seconds = q.short_abandon_seconds();
  out.formula = q.service_level_formula();
  out.formula_description = q.service_level_formula_description();
  out.calls_waiting = q.calls_waiting();
  if (q.oldest_enqueued_at_ms() != 0) out.oldest_enqueued_at = q.oldest_enqueued_at_ms();
  out.waiting_enqueued_at.assign(q.waiting_enqueued_at_ms().begin(),
                                 q.waiting_enqueued_at_ms().end());
  out.waiting_truncated = q.waiting_truncated();
  out.agents_available = q.agents_available();
  out.agents_ringing = q.agents_ringing();
  out.agents_busy = q.agents_busy();
  out.agents_wrapup = q.agents_wrapup();
  out.agents_paused = q.agents_paused();
  out.agents_offline = q.agents_offline();
  out.staffed_agents = q.staffed_agents();
  if (q.has_agents_required()) out.agents_required = q.agents_required();
  if (q.has_predicted_service_level()) out.predicted_service_level = q.predicted_service_level();
  out.staffing_model = from_wire(q.staffing_model());
  if (q.has_mean_patience_seconds()) out.mean_patience_seconds = q.mean_patience_seconds();
  if (q.has_estimated_wait_seconds()) out.estimated_wait_seconds = q.estimated_wait_seconds();
  if (q.has_forecast()) out.forecast = from_wire(q.forecast());
  out.callbacks_open = q.callbacks_open();
  if (q.oldest_callback_since_ms() != 0) out.oldest_callback_since = q.oldest_callback_since_ms();
  out.interval = from_wire(q.interval());
  out.today = from_wire(q.today());
  out.rolling_15m = from_wire(q.rolling_15m());
  for (const v1::FeedWaitingCaller& c : q.waiting_callers()) {
    WaitingCallerView caller{c.call(),         c.caller(), c.enqueued_at_ms(),
                             c.breach_at_ms(), {},         c.breach_predicted()};
    if (c.has_predicted_answer_at_ms()) caller.predicted_answer = c.predicted_answer_at_ms();
    out.waiting_callers.push_back(std::move(caller));
  }
  for (const v1::ServiceLevelPoint& p : q.service_level_history()) {
    ServiceLevelPoint point;
    point.interval_start = p.interval_start_ms();
    if (p.has_service_level()) point.service_level = p.service_level();
    point.offered = p.offered();
    out.service_level_history.push_back(point);
  }
  return out;
}

GroupView from_wire(const v1::FeedGroup& g) {
  GroupView out;
  out.name = g.name();
  out.queues.assign(g.queues().begin(), g.queues().end());
  out.answer_target_seconds = g.answer_target_seconds();
  out.service_level_target = g.service_level_target();
  out.formula = g.service_level_formula();
  out.formula_description = g.service_level_formula_description();
  out.calls_waiting = g.calls_waiting();
  if (g.oldest_enqueued_at_ms() != 0) out.oldest_enqueued_at = g.oldest_enqueued_at_ms();
  out.interval = from_wire(g.interval());
  out.today = from_wire(g.today());
  out.rolling_15m = from_wire(g.rolling_15m());
  return out;
}

AgentView from_wire(const v1::FeedAgent& a) {
  AgentView out;
  out.agent = a.agent();
  out.name = a.name();
  out.state = from_wire(a.state());
  out.reason = a.reason();
  out.state_since = a.state_since_ms();
  out.queues.assign(a.queues().begin(), a.queues().end());
  out.call = a.call();
  out.call_queue = a.call_queue();
  out.caller = a.caller();
  out.call_answered_at = a.call_answered_at_ms();
  if (a.has_warning_limit_ms()) out.limit.warning = core::Duration{a.warning_limit_ms()};
  if (a.has_critical_limit_ms()) out.limit.critical = core::Duration{a.critical_limit_ms()};
  out.today.day_start = core::from_epoch_ms(a.day_start_ms());
  out.today.day_end = core::from_epoch_ms(a.day_end_ms());
  out.today.counted_to = core::from_epoch_ms(a.counted_to_ms());
  out.today.calls_handled = a.calls_handled_today();
  out.today.handle_time = core::Duration{a.handle_ms_today()};
  out.today.staffed = core::Duration{a.staffed_ms_today()};
  out.today.occupied = core::Duration{a.occupied_ms_today()};
  out.today.paused = core::Duration{a.paused_ms_today()};
  for (const v1::FeedPausedReason& paused : a.paused_by_reason_today())
    out.today.paused_by_reason[paused.reason()] += core::Duration{paused.paused_ms()};
  return out;
}

AbandonView from_wire(const v1::FeedAbandon& a) {
  return AbandonView{a.call(),         a.caller(),          a.queue(),
                     a.wait_seconds(), a.abandoned_at_ms(), a.short_abandon()};
}

CallbackView callback_from_wire(const v1::FeedAbandon& a) {
  return CallbackView{a.callback_id(),
                      a.caller(),
                      a.queue(),
                      std::max<std::int64_t>(a.attempts(), 1),
                      a.first_abandoned_at_ms(),
                      a.abandoned_at_ms(),
                      a.wait_seconds()};
}

void replace_callbacks(BoardModel& model,
                       const google::protobuf::RepeatedPtrField<v1::FeedAbandon>& open) {
  model.callbacks.clear();
  for (const auto& entry : open) model.callbacks.push_back(callback_from_wire(entry));
}

AlertView from_wire(const v1::FeedAlert& a) {
  return AlertView{
      a.id(),       a.rule(),    a.queue(),          from_wire(a.severity()), from_wire(a.state()),
      a.since_ms(), a.summary(), a.acknowledged_by()};
}

// Replaces the element with the same key in a vector sorted by that key, or inserts it.
template <typename T, typename Key>
void upsert_sorted(std::vector<T>& items, T item, Key key) {
  auto it =
      std::lower_bound(items.begin(), items.end(), key(item),
                       [&](const T& existing, const std::string& k) { return key(existing) < k; });
  if (it != items.end() && key(*it) == key(item))
    *it = std::move(item);
  else
    items.insert(it, std::move(item));
}

void add_abandon(BoardModel& model, AbandonView abandon) {
  model.abandons.push_back(std::move(abandon));
  while (model.abandons.size() > kRecentAbandonCapacity) model.abandons.pop_front();
}

void apply_header(BoardModel& model, const v1::FeedMessage& message, SteadyTime now) {
  model.epoch = message.epoch();
  model.seq = message.seq();
  model.daemon_now = message.now_ms();
  model.utc_offset_seconds = message.utc_offset_seconds();
  model.last_applied_at = now;
}

void apply_snapshot(BoardModel& model, const v1::FeedMessage& message, SteadyTime now) {
  const v1::FeedSnapshot& s = message.snapshot();
  model.site = s.site();
  model.daemon = s.daemon();
  model.time_zone = s.time_zone();
  model.clock_runs = s.clock_runs();
  if (s.interval_minutes() > 0) model.interval_minutes = static_cast<int>(s.interval_minutes());
  model.queues.clear();
  for (const auto& q : s.queues()) model.queues.push_back(from_wire(q));
  std::sort(model.queues.begin(), model.queues.end(),
            [](const QueueView& a, const QueueView& b) { return a.name < b.name; });
  model.agents.clear();
  for (const auto& a : s.agents()) model.agents.push_back(from_wire(a));
  std::sort(model.agents.begin(), model.agents.end(),
            [](const AgentView& a, const AgentView& b) { return a.agent < b.agent; });
  model.groups.clear();
  for (const auto& g : s.groups()) model.groups.push_back(from_wire(g));
  std::sort(model.groups.begin(), model.groups.end(),
            [](const GroupView& a, const GroupView& b) { return a.name < b.name; });
  model.abandons.clear();
  for (const auto& a : s.recent_abandons()) add_abandon(model, from_wire(a));
  model.alerts.clear();
  for (const auto& a : s.alerts()) model.alerts.push_back(from_wire(a));
  replace_callbacks(model, s.open_callbacks());
  apply_header(model, message, now);
  model.has_data = true;
  model.feed_state = FeedState::Live;
  ++model.updates_applied;
}

void apply_delta(BoardModel& model, const v1::FeedMessage& message, SteadyTime now) {
  const v1::FeedDelta& d = message.delta();
  for (const auto& q : d.queues())
    upsert_sorted(model.queues, from_wire(q),
                  [](const QueueView& v) -> const std::string& { return v.name; });
  for (const auto& a : d.agents())
    upsert_sorted(model.agents, from_wire(a),
                  [](const AgentView& v) -> const std::string& { return v.agent; });
  for (const std::string& removed : d.removed_agents()) {
    std::erase_if(model.agents, [&](const AgentView& v) { return v.agent == removed; });
  }
  for (const auto& g : d.groups())
    upsert_sorted(model.groups, from_wire(g),
                  [](const GroupView& v) -> const std::string& { return v.name; });
  for (const std::string& removed : d.removed_groups())
    std::erase_if(model.groups, [&](const GroupView& v) { return v.name == removed; });
  for (const auto& a : d.new_abandons()) add_abandon(model, from_wire(a));
  if (d.callbacks_changed()) replace_callbacks(model, d.open_callbacks());
  if (d.alerts_changed()) {
    model.alerts.clear();
    for (const auto& a : d.alerts()) model.alerts.push_back(from_wire(a));
  }
  apply_header(model, message, now);
  ++model.updates_applied;
}

}  // namespace

std::string_view to_string(ResyncReason reason) {
  switch (reason) {
    case ResyncReason::Start:
      return "start";
    case ResyncReason::SequenceGap:
      return "sequence_gap";
    case ResyncReason::HeartbeatAhead:
      return "heartbeat_ahead";
    case ResyncReason::NewEpoch:
      return "new_epoch";
    case ResyncReason::Silence:
      return "silence";
    case ResyncReason::SnapshotTimeout:
      return "snapshot_timeout";
    case ResyncReason::BufferOverflow:
      return "buffer_overflow";
    case ResyncReason::Failover:
      return "failover";
  }
  return "unknown";
}

std::chrono::milliseconds default_failover_after(std::chrono::milliseconds silence_limit) {
  return silence_limit * 2 / 3;
}

FeedSync::FeedSync(FeedTimings timings) : timings_(timings) {}

void FeedSync::start(SteadyTime now) {
  resync(ResyncReason::Start, now);
}

void FeedSync::resync(ResyncReason reason, SteadyTime now) {
  model_.feed_state = model_.has_data ? FeedState::Syncing : FeedState::Connecting;
  if (reason != ResyncReason::Start) ++model_.resyncs;
  model_.last_resync_reason = std::string(to_string(reason));
  buffered_.clear();
  request_pending_ = true;
  requested_at_ = now;
  ++version_;
}

void FeedSync::fail_over(ResyncReason reason, SteadyTime now) {
  switch_pending_ = true;
  ++model_.failovers;
  resync(reason, now);
}

bool FeedSync::take_switch_request() {
  if (!switch_pending_) return false;
  switch_pending_ = false;
  return true;
}

bool FeedSync::take_snapshot_request() {
  if (!request_pending_) return false;
  request_pending_ = false;
  return true;
}

void FeedSync::on_published(std::string_view bytes, SteadyTime now) {
  v1::FeedMessage message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      message.protocol_version() != kProtocolVersion) {
    ++malformed_;
    return;
  }
  if (model_.feed_state != FeedState::Live) {
    // Waiting for a snapshot: keep deltas, they may be newer than the snapshot will be.
    if (message.has_delta()) {
      if (buffered_.size() >= timings_.max_buffered_deltas) {
        resync(ResyncReason::BufferOverflow, now);
        return;
      }
      buffered_.push_back({message.epoch(), message.seq(), std::string(bytes)});
    }
    return;
  }
  if (message.epoch() != model_.epoch) {
    resync(ResyncReason::NewEpoch, now);  // the daemon restarted
    return;
  }
  if (message.has_heartbeat()) {
    if (message.seq() > model_.seq) {
      resync(ResyncReason::HeartbeatAhead, now);  // a delta was lost
      return;
    }
    model_.daemon_now = message.now_ms();
    model_.utc_offset_seconds = message.utc_offset_seconds();
    model_.last_applied_at = now;
    ++version_;
    return;
  }
  if (message.has_delta()) {
    if (message.seq() <= model_.seq) return;  // already in the snapshot
    if (message.seq() != model_.seq + 1) {
      resync(ResyncReason::SequenceGap, now);
      return;
    }
    apply_delta(model_, message, now);
    ++version_;
  }
}

void FeedSync::on_snapshot(std::string_view bytes, SteadyTime now) {
  v1::FeedMessage message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      message.protocol_version() != kProtocolVersion || !message.has_snapshot()) {
    ++malformed_;
    return;
  }
  apply_snapshot(model_, message, now);
  ++version_;
  // Deltas that arrived while we waited: skip what the snapshot already holds, apply the rest in
  // order; a hole means the PUB dropped one, so start over.
  std::vector<Buffered> pending;
  pending.swap(buffered_);
  for (const Buffered& delta : pending) {
    if (delta.epoch != model_.epoch || delta.seq <= model_.seq) continue;
    if (delta.seq != model_.seq + 1) {
      resync(ResyncReason::SequenceGap, now);
      return;
    }
    v1::FeedMessage buffered_message;
    buffered_message.ParseFromString(delta.bytes);
    apply_delta(model_, buffered_message, now);
  }
}

void FeedSync::on_tick(SteadyTime now) {
  const bool partners = timings_.failover_after.count() > 0;
  if (model_.feed_state == FeedState::Live) {
    if (partners && now - model_.last_applied_at > timings_.failover_after)
      fail_over(ResyncReason::Failover, now);
    else if (now - model_.last_applied_at > timings_.silence_limit)
      resync(ResyncReason::Silence, now);
    return;
  }
  if (!request_pending_ && now - requested_at_ > timings_.snapshot_timeout) {
    // Unanswered: with a partner, ask it instead (the daemon asked may be the dead one).
    if (partners)
      fail_over(ResyncReason::SnapshotTimeout, now);
    else
      resync(ResyncReason::SnapshotTimeout, now);
  }
}

bool is_stale(const BoardModel& model, SteadyTime now, std::chrono::milliseconds silence_limit) {
  return !model.has_data || now - model.last_applied_at > silence_limit;
}

double seconds_without_data(const BoardModel& model, SteadyTime now) {
  if (!model.has_data) return 0;
  return std::chrono::duration<double>(now - model.last_applied_at).count();
}

EpochMs daemon_now(const BoardModel& model, SteadyTime now) {
  if (!model.clock_runs || !model.has_data) return model.daemon_now;
  return model.daemon_now +
         std::chrono::duration_cast<std::chrono::milliseconds>(now - model.last_applied_at).count();
}

}  // namespace floorwatch::wallboard
