#include "daemon/feed_publisher.h"

#include <cerrno>
#include <random>

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "floorwatch/v1/feed.pb.h"
#include "wire_enums.h"

namespace floorwatch::daemon {
namespace {

constexpr std::uint32_t kFeedProtocolVersion = 1;
// A board that cannot keep up loses deltas beyond this many queued messages (PUB drops, the
// daemon never waits) and re-syncs from a snapshot.
constexpr int kPublishHighWaterMark = 1000;
constexpr int kSnapshotHighWaterMark = 100;
constexpr int kRequestsPerWakeup = 16;

v1::StaffingModel to_wire(core::StaffingModel model) {
  return model == core::StaffingModel::ErlangA ? v1::STAFFING_MODEL_ERLANG_A
                                               : v1::STAFFING_MODEL_ERLANG_C;
}

std::int64_t ms(core::Timestamp t) {
  return core::to_epoch_ms(t);
}

v1::AlertSeverity to_wire(FeedAlert::Severity severity) {
  switch (severity) {
    case FeedAlert::Severity::Info:
      return v1::ALERT_SEVERITY_INFO;
    case FeedAlert::Severity::Warning:
      return v1::ALERT_SEVERITY_WARNING;
    case FeedAlert::Severity::Critical:
      return v1::ALERT_SEVERITY_CRITICAL;
  }
  return v1::ALERT_SEVERITY_UNSPECIFIED;
}

v1::AlertState to_wire(FeedAlert::State state) {
  switch (state) {
    case FeedAlert::State::Pending:
      return v1::ALERT_STATE_PENDING;
    case FeedAlert::State::Firing:
      return v1::ALERT_STATE_FIRING;
    case FeedAlert::State::Acknowledged:
      return v1::ALERT_STATE_ACKNOWLEDGED;
    case FeedAlert::State::Resolved:
      return v1::ALERT_STATE_RESOLVED;
  }
  return v1::ALERT_STATE_UNSPECIFIED;
}

void fill_window(const core::WindowFigures& figures, v1::FeedWindow& out) {
  const core::OutcomeCounters& c = figures.counts;
  out.set_offered(c.offered);
  out.set_answered(c.answered);
  out.set_answered_within_target(c.answered_within_target);
  out.set_abandoned(c.abandoned);
  out.set_abandoned_short(c.abandoned_short);
  out.set_exited(c.exited());
  if (figures.service_level) out.set_service_level(*figures.service_level);
  if (figures.average_speed_of_answer_seconds)
    out.set_asa_seconds(*figures.average_speed_of_answer_seconds);
  if (figures.abandon_ratio) out.set_abandon_ratio(*figures.abandon_ratio);
  if (figures.max_wait_seconds) out.set_max_wait_seconds(*figures.max_wait_seconds);
}

void fill_abandon(const core::AbandonedCall& abandon, v1::FeedAbandon& out) {
  out.set_call(abandon.call);
  out.set_caller(abandon.caller);
  out.set_queue(abandon.queue);
  out.set_wait_seconds(core::to_seconds(abandon.wait));
  out.set_abandoned_at_ms(ms(abandon.abandoned_at));
  out.set_short_abandon(abandon.short_abandon);
}

// A worklist entry travels as its latest abandon plus the call-back fields.
void fill_callback(const core::CallbackEntry& entry, v1::FeedAbandon& out) {
  out.set_call(entry.call);
  out.set_caller(entry.caller);
  out.set_queue(entry.queue);
  out.set_wait_seconds(core::to_seconds(entry.last_wait));
  out.set_abandoned_at_ms(ms(entry.last_abandoned_at));
  out.set_callback_id(entry.id);
  out.set_attempts(entry.attempts);
  out.set_first_abandoned_at_ms(ms(entry.first_abandoned_at));
}

// The limits the board colours by, and today's figures it moves on with the clock.
void fill_agent_limits_and_day(const core::AgentSnapshot& agent, v1::FeedAgent& out) {
  if (agent.limit.warning) out.set_warning_limit_ms(agent.limit.warning->count());
  if (agent.limit.critical) out.set_critical_limit_ms(agent.limit.critical->count());
  const core::AgentDay& day = agent.today;
  out.set_day_start_ms(ms(day.day_start));
  out.set_day_end_ms(ms(day.day_end));
  out.set_counted_to_ms(ms(day.counted_to));
  out.set_calls_handled_today(day.calls_handled);
  out.set_handle_ms_today(day.handle_time.count());
  out.set_staffed_ms_today(day.staffed.count());
  out.set_occupied_ms_today(day.occupied.count());
  out.set_paused_ms_today(day.paused.count());
  // In the map's (reason) order, so an unchanged day serialises to the same bytes and the
  // agent is left out of the next delta.
  for (const auto& [reason, length] : day.paused_by_reason) {
    v1::FeedPausedReason& paused = *out.add_paused_by_reason_today();
    paused.set_reason(reason);
    paused.set_paused_ms(length.count());
  }
}

void fill_agent(const core::AgentSnapshot& agent, v1::FeedAgent& out) {
  out.set_agent(agent.agent);
  out.set_name(agent.name);
  out.set_state(wire::to_proto(agent.state));
  out.set_reason(agent.reason);
  out.set_state_since_ms(ms(agent.state_since));
  for (const std::string& queue : agent.queues) out.add_queues(queue);
  out.set_call(agent.call);
  if (!agent.call.empty()) {
    out.set_call_queue(agent.call_queue);
    out.set_caller(agent.caller);
    out.set_call_answered_at_ms(ms(agent.call_answered_at));
  }
  fill_agent_limits_and_day(agent, out);
}

void fill_waiting_caller(const core::WaitingCallSnapshot& call, v1::FeedWaitingCaller& out) {
  out.set_call(call.call);
  out.set_caller(call.caller);
  out.set_enqueued_at_ms(ms(call.enqueued_at));
  out.set_breach_at_ms(ms(call.breach_at));
  if (call.predicted_answer_at) out.set_predicted_answer_at_ms(ms(*call.predicted_answer_at));
  out.set_breach_predicted(call.breach_predicted);
}

v1::FeedGroup group_message(const core::GroupSnapshot& group) {
  v1::FeedGroup out;
  out.set_name(group.name);
  for (const std::string& queue : group.queues) out.add_queues(queue);
  out.set_answer_target_seconds(core::to_seconds(group.settings.answer_target));
  out.set_service_level_target(group.settings.service_level_target);
  out.set_service_level_formula(std::string(core::to_string(group.settings.formula)));
  out.set_service_level_formula_description(std::string(core::describe(group.settings.formula)));
  out.set_calls_waiting(group.calls_waiting);
  if (group.oldest_enqueued_at) out.set_oldest_enqueued_at_ms(ms(*group.oldest_enqueued_at));
  fill_window(group.window(core::WindowKind::Interval), *out.mutable_interval());
  fill_window(group.window(core::WindowKind::Today), *out.mutable_today());
  fill_window(group.window(core::WindowKind::Rolling15m), *out.mutable_rolling_15m());
  return out;
}

void fill_forecast(const core::QueueForecast& forecast, v1::FeedForecast& out) {
  out.set_interval_start_ms(ms(forecast.next.start));
  out.set_interval_end_ms(ms(forecast.next.end));
  out.set_offered(forecast.next.offered);
  if (forecast.next.handle_time_seconds)
    out.set_handle_time_seconds(*forecast.next.handle_time_seconds);
  if (forecast.agents_needed) out.set_agents_needed(*forecast.agents_needed);
  out.set_staffing_model(to_wire(forecast.staffing_model));
  if (forecast.rest_of_day) out.set_rest_of_day_offered(forecast.rest_of_day->offered);
}

v1::FeedMessage header(std::uint64_t epoch, std::uint64_t seq, core::Timestamp now,
                       const core::SiteCalendar* calendar) {
  v1::FeedMessage message;
  message.set_protocol_version(kFeedProtocolVersion);
  message.set_epoch(epoch);
  message.set_seq(seq);
  message.set_now_ms(ms(now));
  if (calendar)
    message.set_utc_offset_seconds(
        static_cast<std::int32_t>(calendar->utc_offset(now).count() / 1000));
  return message;
}

}  // namespace

std::uint64_t new_feed_epoch() {
  std::random_device device;
  std::mt19937_64 generator(
      (static_cast<std::uint64_t>(device()) << 32) ^ device() ^
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
  std::uint64_t epoch = 0;
  while (epoch == 0) epoch = generator();
  return epoch;
}

// --- FeedModel --------------------------------------------------------------------------------

FeedModel::FeedModel(FeedIdentity identity, std::uint64_t epoch)
    : identity_(std::move(identity)), epoch_(epoch) {}

void FeedModel::start_new_epoch() {
  epoch_ = new_feed_epoch();
  seq_ = 0;
  queues_.clear();
  agents_.clear();
  groups_.clear();
  alerts_bytes_.clear();
  alert_messages_.clear();
  abandons_published_ = 0;  // the new epoch's first delta carries the call-back list again
  callbacks_dirty_ = true;
  agents_dirty_ = true;
  queues_dirty_ = true;
}

core::SnapshotOptions FeedModel::picture_options(
    std::uint64_t agents_revision, std::uint64_t callbacks_revision,
    const std::shared_ptr<const core::SiteCalendar>& calendar, bool forecasts_changed) const {
  core::SnapshotOptions options;
  options.include_waiting_calls = true;
  options.include_today_intervals = true;
  options.include_abandons = true;
  options.include_agents = agents_dirty_ || agents_revision != agents_revision_;
  options.include_callbacks = callbacks_dirty_ || callbacks_revision != callbacks_revision_;
  // Only what changed: at 2,000 agents, rebuilding every agent and queue for each event cost
  // the board milliseconds per delta (docs/benchmarks.md).
  if (calendar_ && calendar && calendar != calendar_) {  // update() starts a new epoch
    options.include_agents = options.include_callbacks = true;
    return options;
  }
  if (!agents_dirty_) options.agents_changed_since = agents_revision_;
  if (!queues_dirty_ && !forecasts_changed) options.changed_since = queues_revision_;
  return options;
}

std::optional<std::string> FeedModel::update(const core::FloorSnapshot& floor, bool agents_included,
                                             const std::vector<FeedAlert>& alerts,
                                             const ForecastSet* forecasts,
                                             bool callbacks_included) {
  if (floor.calendar && floor.calendar != calendar_) {
    // New site settings (a reload): boards re-sync from a snapshot, which carries the time
    // zone and interval; a new epoch is how the clone pattern says "start over".
    if (calendar_) start_new_epoch();
    calendar_ = floor.calendar;
  }
  // A picture of only the queues changed since before what was folded in keeps the model
  // complete; any other partial picture leaves it asking for every queue next time.
  const auto& queues_since = floor.only_changed_since;
  queues_dirty_ = queues_since && (queues_dirty_ || *queues_since > queues_revision_);
  queues_revision_ = floor.revision;
  v1::FeedMessage message = header(epoch_, seq_ + 1, floor.now, calendar_.get());
  v1::FeedDelta& delta = *message.mutable_delta();
  bool changed = false;

  for (const core::QueueSnapshot& queue : floor.queues) {
    v1::FeedQueue out;
    out.set_name(queue.name);
    const core::QueueSettings& settings = queue.settings;
    out.set_answer_target_seconds(core::to_seconds(settings.answer_target));
    out.set_service_level_target(settings.service_level_target);
    out.set_short_abandon_seconds(core::to_seconds(settings.short_abandon));
    out.set_service_level_formula(std::string(core::to_string(settings.formula)));
    out.set_service_level_formula_description(std::string(core::describe(settings.formula)));
    out.set_channel(wire::to_proto(settings.channel));
    out.set_calls_waiting(queue.calls_waiting);
    if (queue.oldest_enqueued_at) out.set_oldest_enqueued_at_ms(ms(*queue.oldest_enqueued_at));
    for (const core::WaitingCallSnapshot& call : queue.waiting_calls) {
      if (static_cast<std::size_t>(out.waiting_enqueued_at_ms_size()) >= kMaxWaitingTimestamps) {
        out.set_waiting_truncated(true);
        break;
      }
      out.add_waiting_enqueued_at_ms(ms(call.enqueued_at));
      fill_waiting_caller(call, *out.add_waiting_callers());
    }
    const auto& by_state = queue.agents_by_state;
    auto count = [&](core::AgentStatus s) { return by_state[static_cast<std::size_t>(s)]; };
    out.set_agents_available(count(core::AgentStatus::Available));
    out.set_agents_ringing(count(core::AgentStatus::Ringing));
    out.set_agents_busy(count(core::AgentStatus::Busy));
    out.set_agents_wrapup(count(core::AgentStatus::Wrapup));
    out.set_agents_paused(count(core::AgentStatus::Paused));
    out.set_agents_offline(count(core::AgentStatus::Offline));
    out.set_staffed_agents(queue.staffed_agents);
    if (queue.agents_required) out.set_agents_required(*queue.agents_required);
    if (queue.predicted_service_level)
      out.set_predicted_service_level(*queue.predicted_service_level);
    out.set_staffing_model(to_wire(queue.staffing_model));
    if (queue.mean_patience_seconds) out.set_mean_patience_seconds(*queue.mean_patience_seconds);
    if (queue.estimated_wait_seconds) out.set_estimated_wait_seconds(*queue.estimated_wait_seconds);
    out.set_callbacks_open(queue.callbacks_open);
    if (queue.oldest_callback_since)
      out.set_oldest_callback_since_ms(ms(*queue.oldest_callback_since));
    if (const auto* forecast = forecasts ? forecasts->find(queue.name) : nullptr)
      fill_forecast(*forecast, *out.mutable_forecast());
    fill_window(queue.window(core::WindowKind::Interval), *out.mutable_interval());
    fill_window(queue.window(core::WindowKind::Today), *out.mutable_today());
    fill_window(queue.window(core::WindowKind::Rolling15m), *out.mutable_rolling_15m());
    // The sparkline: today's intervals from the engine, so late events and replays count too.
    for (const auto& [start, figures] : queue.today_intervals) {
      v1::ServiceLevelPoint& point = *out.add_service_level_history();
      point.set_interval_start_ms(ms(start));
      if (figures.service_level) point.set_service_level(*figures.service_level);
      point.set_offered(figures.counts.offered);
    }

    std::string bytes = out.SerializeAsString();
    Published& published = queues_[queue.name];
    if (published.bytes != bytes) {
      published.bytes = std::move(bytes);
      *delta.add_queues() = std::move(out);
      changed = true;
    }
  }

  if (agents_included && update_agents(floor, delta)) changed = true;

  if (update_groups(floor.groups, delta)) changed = true;

  // The engine numbers its abandons: the ones after the last published are new.
  for (const core::AbandonedCall& abandon : floor.recent_abandons) {
    if (abandon.number <= abandons_published_) continue;
    fill_abandon(abandon, *delta.add_new_abandons());
    changed = true;
  }
  if (floor.abandons_recorded != abandons_published_) {
    abandons_published_ = floor.abandons_recorded;
    abandons_ = floor.recent_abandons;
  }

  if (callbacks_included) {
    callbacks_dirty_ = false;
    callbacks_revision_ = floor.callbacks_revision;
    v1::FeedDelta worklist;
    for (const core::CallbackEntry& entry : floor.callbacks)
      fill_callback(entry, *worklist.add_open_callbacks());
    // Only a real change costs boards a delta (a new epoch's snapshot carries the list anyway).
    std::string bytes = worklist.SerializeAsString();
    if (bytes != callbacks_bytes_) {
      callbacks_bytes_ = std::move(bytes);
      callbacks_ = floor.callbacks;
      delta.set_callbacks_changed(true);
      delta.mutable_open_callbacks()->Swap(worklist.mutable_open_callbacks());
      changed = true;
    }
  }

  std::vector<std::string> alert_messages;
  std::string alerts_bytes;
  for (const FeedAlert& alert : alerts) {
    v1::FeedAlert out;
    out.set_id(alert.id);
    out.set_rule(alert.rule);
    out.set_queue(alert.queue);
    out.set_severity(to_wire(alert.severity));
    out.set_state(to_wire(alert.state));
    out.set_since_ms(ms(alert.since));
    out.set_summary(alert.summary);
    out.set_acknowledged_by(alert.acknowledged_by);
    alert_messages.push_back(out.SerializeAsString());
    alerts_bytes += alert_messages.back();
    alerts_bytes += '\0';
  }
  if (alerts_bytes != alerts_bytes_) {
    alerts_bytes_ = std::move(alerts_bytes);
    alert_messages_ = std::move(alert_messages);
    delta.set_alerts_changed(true);
    for (const std::string& alert : alert_messages_) delta.add_alerts()->ParseFromString(alert);
    changed = true;
  }

  if (!changed) return std::nullopt;
  ++seq_;
  return message.SerializeAsString();
}

bool FeedModel::update_agents(const core::FloorSnapshot& floor, v1::FeedDelta& delta) {
  const auto& since = floor.agents_only_changed_since;
  const bool complete = !since;
  bool changed = false;
  std::map<std::string, Published> seen;  // a complete picture: who is still there
  for (const core::AgentSnapshot& agent : floor.agents) {
    v1::FeedAgent out;
    fill_agent(agent, out);
    std::string bytes = out.SerializeAsString();
    const auto previous = agents_.find(agent.agent);
    if (previous == agents_.end() || previous->second.bytes != bytes) {
      *delta.add_agents() = std::move(out);
      changed = true;
    }
    (complete ? seen : agents_)[agent.agent].bytes = std::move(bytes);
  }
  if (complete) {
    for (const auto& [id, unused] : agents_) {
      if (!seen.count(id)) {
        delta.add_removed_agents(id);
        changed = true;
      }
    }
    agents_.swap(seen);
  }
  // As for queues: a partial picture is enough only from what was folded in.
  agents_dirty_ = since && (agents_dirty_ || *since > agents_revision_);
  agents_revision_ = floor.agents_revision;
  return changed;
}

bool FeedModel::update_groups(const std::vector<core::GroupSnapshot>& groups,
                              v1::FeedDelta& delta) {
  bool changed = false;
  std::map<std::string, Published> seen;
  for (const core::GroupSnapshot& group : groups) {
    v1::FeedGroup out = group_message(group);
    std::string bytes = out.SerializeAsString();
    const auto previous = groups_.find(group.name);
    if (previous == groups_.end() || previous->second.bytes != bytes) {
      *delta.add_groups() = std::move(out);
      changed = true;
    }
    seen[group.name].bytes = std::move(bytes);
  }
  for (const auto& [name, unused] : groups_)
    if (!seen.count(name)) {
      delta.add_removed_groups(name);
      changed = true;
    }
  groups_.swap(seen);
  return changed;
}

std::string FeedModel::heartbeat(core::Timestamp now) const {
  v1::FeedMessage message = header(epoch_, seq_, now, calendar_.get());
  message.mutable_heartbeat();
  return message.SerializeAsString();
}

std::string FeedModel::snapshot(core::Timestamp now) const {
  v1::FeedMessage message = header(epoch_, seq_, now, calendar_.get());
  v1::FeedSnapshot& snapshot = *message.mutable_snapshot();
  snapshot.set_site(identity_.site);
  snapshot.set_daemon(identity_.daemon);
  if (calendar_) {
    snapshot.set_time_zone(calendar_->time_zone_name());
    snapshot.set_interval_minutes(static_cast<std::uint32_t>(calendar_->interval_minutes()));
  }
  snapshot.set_clock_runs(identity_.clock_runs);
  snapshot.set_heartbeat_interval_ms(static_cast<std::uint32_t>(kHeartbeatInterval.count()));
  // Built from what was published, never from a fresh picture: the snapshot is exactly `seq`.
  for (const auto& [name, published] : queues_)
    snapshot.add_queues()->ParseFromString(published.bytes);
  for (const auto& [id, published] : agents_)
    snapshot.add_agents()->ParseFromString(published.bytes);
  for (const core::AbandonedCall& abandon : abandons_)
    fill_abandon(abandon, *snapshot.add_recent_abandons());
  for (const std::string& alert : alert_messages_) snapshot.add_alerts()->ParseFromString(alert);
  for (const core::CallbackEntry& entry : callbacks_)
    fill_callback(entry, *snapshot.add_open_callbacks());
  for (const auto& [name, published] : groups_)
    snapshot.add_groups()->ParseFromString(published.bytes);
  return message.SerializeAsString();
}

// --- FeedPublisher ----------------------------------------------------------------------------

FeedPublisher::FeedPublisher(zmq::context_t& context, const DaemonConfig& config,
                             const FloorViewPublisher& views, FeedIdentity identity,
                             const security::ServerSecurity& security)
    : views_(views), model_(std::move(identity), new_feed_epoch()) {
  snapshot_socket_ = zmq::socket_t(context, zmq::socket_type::router);
  security::apply_server_security(snapshot_socket_, security, kSnapshotSocketName);
  snapshot_socket_.set(zmq::sockopt::router_mandatory, 1);
  snapshot_socket_.set(zmq::sockopt::sndhwm, kSnapshotHighWaterMark);
  snapshot_socket_.set(zmq::sockopt::rcvhwm, kSnapshotHighWaterMark);
  snapshot_socket_.set(zmq::sockopt::linger, 0);
  snapshot_socket_.bind(config.feed_bind);
  snapshot_endpoint_ = snapshot_socket_.get(zmq::sockopt::last_endpoint);

  publish_socket_ = zmq::socket_t(context, zmq::socket_type::pub);
  security::apply_server_security(publish_socket_, security, kPublishSocketName);
  publish_socket_.set(zmq::sockopt::sndhwm, kPublishHighWaterMark);
  publish_socket_.set(zmq::sockopt::linger, 0);
  publish_socket_.bind(config.feed_publish);
  publish_endpoint_ = publish_socket_.get(zmq::sockopt::last_endpoint);
}

void FeedPublisher::send(const std::string& message) {
  // A PUB socket never blocks: past the high-water mark a slow board's copy is dropped.
  publish_socket_.send(zmq::buffer(message), zmq::send_flags::dontwait);
}

void FeedPublisher::update_and_publish() {
  const std::shared_ptr<const FloorView> view = views_.current();
  auto forecasts = forecast_provider_ ? forecast_provider_() : nullptr;
  const core::SnapshotOptions options =
      model_.picture_options(view->agents_revision, view->callbacks_revision, view->calendar,
                             forecasts != forecasts_folded_);
  const core::FloorSnapshot picture = view->snapshot(view->published_at, options);
  revision_published_ = view->revision;
  std::vector<FeedAlert> alerts;
  if (alert_provider_) alerts = alert_provider_();
  if (auto delta = model_.update(picture, options.include_agents, alerts, forecasts.get(),
                                 options.include_callbacks)) {
    send(*delta);
    ++counters_.deltas;
  }
  forecasts_folded_ = std::move(forecasts);
}

void FeedPublisher::publish_changes() {
  if (views_.current()->revision != revision_published_) update_and_publish();
}

void FeedPublisher::on_tick(std::chrono::steady_clock::time_point steady_now) {
  if (steady_now < next_heartbeat_) return;
  next_heartbeat_ = steady_now + FeedModel::kHeartbeatInterval;
  update_and_publish();
  send(model_.heartbeat(views_.current()->now));
  ++counters_.heartbeats;
}

void FeedPublisher::serve_snapshots() {
  for (int handled = 0; handled < kRequestsPerWakeup; ++handled) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(snapshot_socket_, std::back_inserter(frames),
                             zmq::recv_flags::dontwait))
      return;
    if (frames.size() < 2) continue;
    v1::SnapshotRequest request;
    if (!request.ParseFromArray(frames.back().data(), static_cast<int>(frames.back().size())) ||
        request.protocol_version() != kFeedProtocolVersion) {
      ++counters_.bad_requests;
      spdlog::debug("feed: bad snapshot request ({} bytes)", frames.back().size());
      continue;
    }
    // Everything applied so far (and the current alerts) goes out first, so the snapshot is as
    // fresh as the floor.
    update_and_publish();
    const std::string reply = model_.snapshot(views_.current()->now);
    try {
      bool sent = true;
      for (std::size_t i = 0; i + 1 < frames.size() && sent; ++i)
        sent = static_cast<bool>(
            snapshot_socket_.send(frames[i], zmq::send_flags::sndmore | zmq::send_flags::dontwait));
      if (sent)
        sent =
            static_cast<bool>(snapshot_socket_.send(zmq::buffer(reply), zmq::send_flags::dontwait));
      if (sent) {
        ++counters_.snapshots_served;
        spdlog::debug("feed: snapshot seq={} to board={}", model_.seq(), request.board());
      } else {
        ++counters_.snapshot_replies_unsent;
      }
    } catch (const zmq::error_t& error) {
      // The board went away; it asks again when it comes back.
      ++counters_.snapshot_replies_unsent;
    }
  }
}

void FeedPublisher::close() {
  snapshot_socket_.close();
  publish_socket_.close();
}

}  // namespace floorwatch::daemon
