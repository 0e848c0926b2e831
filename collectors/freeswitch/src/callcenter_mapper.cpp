#include "floorwatch/freeswitch/callcenter_mapper.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "agent_tracker.h"

namespace floorwatch::freeswitch {
namespace {

using core::Event;
using core::EventType;
using core::ExitReason;
using core::Timestamp;

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || status != std::errc{} || end != text.data() + text.size() || value < 0)
    return std::nullopt;
  return value;
}

// Epoch seconds that fit milliseconds with room to spare (year 5138); larger is garbage.
constexpr std::int64_t kMaxEpochSeconds = 100'000'000'000;

std::optional<std::int64_t> parse_epoch_seconds(std::string_view text) {
  const auto seconds = parse_integer(text);
  if (!seconds || *seconds > kMaxEpochSeconds) return std::nullopt;
  return seconds;
}

Timestamp from_seconds(std::int64_t seconds) {
  return Timestamp{std::chrono::seconds(seconds)};
}

// When the event was fired: Event-Date-Timestamp is microseconds since the epoch.
Timestamp fired_at(const EslEvent& event, Timestamp now) {
  if (const auto micros = parse_integer(event.get_or("Event-Date-Timestamp", "")))
    return core::from_epoch_ms(*micros / 1000);
  return now;
}

}  // namespace

std::string_view to_string(CcOutcome outcome) {
  switch (outcome) {
    case CcOutcome::Mapped:
      return "mapped";
    case CcOutcome::Ignored:
      return "ignored";
    case CcOutcome::Duplicate:
      return "duplicate";
    case CcOutcome::Orphan:
      return "orphan";
    case CcOutcome::Invalid:
      return "invalid";
  }
  return "unknown";
}

/// One event being mapped: its headers, the result under construction, and the lookups that
/// fail with the header's name.
struct CallcenterMapper::Context {
  const EslEvent& event;
  Timestamp now;
  std::string_view action;
  CcMapResult& result;

  void fail(std::string_view header, const std::string& what) {
    if (result.outcome == CcOutcome::Invalid) return;  // the first error names the cause
    result.outcome = CcOutcome::Invalid;
    result.error = std::string(action) + ": " + std::string(header) + " " + what;
  }
  std::optional<std::string> need(std::string_view header) {
    const auto value = event.get(header);
    if (!value || value->empty()) {
      fail(header, "missing");
      return std::nullopt;
    }
    return std::string(*value);
  }
  std::optional<Timestamp> need_seconds(std::string_view header) {
    const auto value = event.get(header);
    if (!value || value->empty()) {
      fail(header, "missing");
      return std::nullopt;
    }
    const auto seconds = parse_epoch_seconds(*value);
    if (!seconds) {
      fail(header, "not epoch seconds: \"" + std::string(*value) + "\"");
      return std::nullopt;
    }
    return from_seconds(*seconds);
  }
  bool ok() const { return result.outcome != CcOutcome::Invalid; }
};

CallcenterMapper::CallcenterMapper(CcMapperOptions options)
    : options_(std::move(options)), agents_(std::make_unique<AgentTracker>()) {}
CallcenterMapper::~CallcenterMapper() = default;
CallcenterMapper::CallcenterMapper(CallcenterMapper&&) noexcept = default;
CallcenterMapper& CallcenterMapper::operator=(CallcenterMapper&&) noexcept = default;

const std::string& CallcenterMapper::renamed(const std::string& name) const {
  const auto it = options_.renames.find(name);
  return it == options_.renames.end() ? name : it->second;
}

CcMapResult CallcenterMapper::map(const EslEvent& event, Timestamp now) {
  CcMapResult result;
  const std::string_view name = event.get_or("Event-Name", "");
  Context context{event, now, name, result};
  if (name == "CHANNEL_HANGUP_COMPLETE" || name == "CHANNEL_HANGUP") {
    on_channel_hangup(context);
  } else if (name != "CUSTOM" || event.get_or("Event-Subclass", "") != "callcenter::info") {
    result.outcome = CcOutcome::Ignored;
    count_ignored(name.empty() ? "(no Event-Name)" : name);
  } else if (const auto action = event.get("CC-Action"); !action || action->empty()) {
    context.fail("CC-Action", "missing");
  } else {
    context.action = *action;
    const std::string_view a = *action;
    if (a == "member-queue-start" || a == "member-queue-resume") {
      on_member_start(context);
    } else if (a == "bridge-agent-start") {
      on_bridge_start(context);
    } else if (a == "bridge-agent-end") {
      on_bridge_end(context);
    } else if (a == "member-queue-end") {
      on_member_end(context);
    } else if (a == "bridge-agent-fail") {
      on_bridge_fail(context);
    } else if (a == "agent-status-change" || a == "agent-state-change") {
      on_agent_change(context, a == "agent-status-change");
    } else {
      result.outcome = CcOutcome::Ignored;
      count_ignored(a);
    }
  }
  ++stats_.outcomes[static_cast<std::size_t>(result.outcome)];
  return result;
}

CallcenterMapper::OpenCall& CallcenterMapper::enqueue(Context& context,
                                                      const std::string& member_uuid,
                                                      const std::string& queue, Timestamp joined) {
  OpenCall& call = calls_[member_uuid];
  call = OpenCall{renamed(queue), std::string(context.event.get_or("CC-Member-Session-UUID", "")),
                  joined};
  finished_.erase(member_uuid);  // member-queue-resume restores an abandoned member's uuid
  Event event;
  event.type = EventType::CallEnqueued;
  event.ts = joined;
  event.call = member_uuid;
  event.queue = call.queue;
  event.caller = std::string(context.event.get_or("CC-Member-CID-Number", ""));
  context.result.events.push_back(std::move(event));
  return call;
}

void CallcenterMapper::on_member_start(Context& context) {
  const auto uuid = context.need("CC-Member-UUID");
  const auto queue = context.need("CC-Queue");
  if (!uuid || !queue) return;
  // The join time in whole seconds, as the later CC-*-Time headers are: the module stamps
  // CC-Member-Joined-Time only on later events, and cc_queue_joined_epoch on the channel.
  std::optional<Timestamp> joined;
  if (context.event.has("CC-Member-Joined-Time")) {
    joined = context.need_seconds("CC-Member-Joined-Time");
    if (!joined) return;
  } else if (const auto epoch =
                 parse_epoch_seconds(context.event.get_or("variable_cc_queue_joined_epoch", ""))) {
    joined = from_seconds(*epoch);
  } else {
    joined = std::chrono::floor<std::chrono::seconds>(fired_at(context.event, context.now));
  }
  if (calls_.count(*uuid)) {
    context.result.outcome = CcOutcome::Duplicate;
    return;
  }
  enqueue(context, *uuid, *queue, *joined);
}

// A member seen for the first time in a later event: rebuilt from its CC-Queue and
// CC-Member-Joined-Time when the event has them.
CallcenterMapper::OpenCall* CallcenterMapper::rebuild(Context& context,
                                                      const std::string& member_uuid) {
  if (recently_finished(member_uuid)) {
    context.result.outcome = CcOutcome::Duplicate;
    return nullptr;
  }
  const auto queue = context.event.get("CC-Queue");
  const auto joined = parse_epoch_seconds(context.event.get_or("CC-Member-Joined-Time", ""));
  if (!queue || queue->empty() || !joined) {
    context.result.outcome = CcOutcome::Orphan;
    return nullptr;
  }
  ++stats_.reconstructed_calls;
  return &enqueue(context, member_uuid, std::string(*queue), from_seconds(*joined));
}

void CallcenterMapper::on_bridge_start(Context& context) {
  const auto uuid = context.need("CC-Member-UUID");
  const auto agent = context.need("CC-Agent");
  const auto answered = context.need_seconds("CC-Agent-Answered-Time");
  if (!uuid || !agent || !answered) return;
  auto it = calls_.find(*uuid);
  OpenCall* call = it == calls_.end() ? rebuild(context, *uuid) : &it->second;
  if (!call) return;
  if (call->answered) {
    context.result.outcome = CcOutcome::Duplicate;
    return;
  }
  answer(context.result.events, *uuid, *call, *answered, renamed(*agent));
}

void CallcenterMapper::on_bridge_end(Context& context) {
  const auto uuid = context.need("CC-Member-UUID");
  const auto ended = context.need_seconds("CC-Bridge-Terminated-Time");
  if (!uuid || !ended) return;
  auto it = calls_.find(*uuid);
  if (it == calls_.end()) {
    context.result.outcome = recently_finished(*uuid) ? CcOutcome::Duplicate : CcOutcome::Orphan;
    return;
  }
  if (!it->second.answered && !answer_from_headers(context, *uuid, it->second)) return;
  complete(context.result.events, *uuid, it->second, *ended);
}

// bridge-agent-start was missed (a gap): the end events carry CC-Agent and its answer time.
bool CallcenterMapper::answer_from_headers(Context& context, const std::string& member_uuid,
                                           OpenCall& call) {
  const auto agent = context.need("CC-Agent");
  const auto answered = context.need_seconds("CC-Agent-Answered-Time");
  if (!agent || !answered) return false;
  ++stats_.reconstructed_calls;
  answer(context.result.events, member_uuid, call, *answered, renamed(*agent));
  return true;
}

void CallcenterMapper::on_member_end(Context& context) {
  const auto uuid = context.need("CC-Member-UUID");
  const auto cause = context.need("CC-Cause");
  const auto left = context.need_seconds("CC-Member-Leaving-Time");
  if (!uuid || !cause || !left) return;
  if (*cause != "Terminated" && *cause != "Cancel") {
    context.fail("CC-Cause", "unknown value \"" + *cause + "\" (Terminated|Cancel)");
    return;
  }
  auto it = calls_.find(*uuid);
  if (it == calls_.end() && *cause == "Terminated" && recently_finished(*uuid)) {
    return;  // bridge-agent-end already completed it: this is the module's second word on it
  }
  OpenCall* call = it == calls_.end() ? rebuild(context, *uuid) : &it->second;
  if (!call) return;
  if (call->deciding) {
    context.result.outcome = CcOutcome::Duplicate;
    return;
  }
  if (*cause == "Cancel") {
    on_cancel(context, *call, *uuid, *left);
  } else if (call->answered || answer_from_headers(context, *uuid, *call)) {
    complete(context.result.events, *uuid, *call, *left);
  }
}

void CallcenterMapper::on_cancel(Context& context, OpenCall& call, const std::string& member_uuid,
                                 Timestamp left) {
  const auto reason = context.need("CC-Cancel-Reason");
  if (!reason) return;
  auto& out = context.result.events;
  if (call.answered) {
    // The NONE race: the agent answered (bridge-agent-start went out) but the caller was gone
    // before the bridge. Counted as answered, and the zero-length talk ends here.
    ++stats_.none_races;
    complete(out, member_uuid, call, left);
  } else if (*reason == "TIMEOUT") {
    leave(out, member_uuid, left, ExitReason::Timeout);
  } else if (*reason == "NO_AGENT_TIMEOUT") {
    leave(out, member_uuid, left, ExitReason::NoAgents);
  } else if (*reason == "EXIT_WITH_KEY") {
    leave(out, member_uuid, left, ExitReason::Key);
  } else {
    if (*reason != "BREAK_OUT" && *reason != "NONE") ++stats_.unknown_cancel_reasons;
    decide_break_out(context, call, member_uuid, left);
  }
}

// BREAK_OUT ends the wait loop both when the caller hangs up and when the call is moved on
// (uuid_transfer): the caller's channel, in the event or in a CHANNEL_HANGUP_COMPLETE, decides.
void CallcenterMapper::decide_break_out(Context& context, OpenCall& call,
                                        const std::string& member_uuid, Timestamp left) {
  const EslEvent& e = context.event;
  const bool has_channel_data =
      e.has("Channel-Call-State") || e.has("Answer-State") || e.has("Hangup-Cause");
  const bool down =
      !e.get_or("Hangup-Cause", "").empty() || e.get_or("Answer-State", "") == "hangup" ||
      e.get_or("Channel-Call-State", "") == "HANGUP" || caller_hung_up(call.session_uuid);
  if (down) {
    ++stats_.abandoned_by_hangup;
    leave(context.result.events, member_uuid, left, std::nullopt);
  } else if (has_channel_data) {
    ++stats_.transferred;
    leave(context.result.events, member_uuid, left, ExitReason::Transfer);
  } else {
    call.deciding = true;
    pending_.push_back(PendingDecision{member_uuid, left, context.now + options_.hangup_grace});
  }
}

// agent-status-change (a person's choice) or agent-state-change (the module's doing).
void CallcenterMapper::on_agent_change(Context& context, bool status) {
  const char* header = status ? "CC-Agent-Status" : "CC-Agent-State";
  const auto agent = context.need("CC-Agent");
  const auto value = context.need(header);
  if (!agent || !value) return;
  if (!(status ? AgentTracker::known_status(*value) : AgentTracker::known_state(*value))) {
    context.fail(header, "unknown value \"" + *value + "\"");
    return;
  }
  const Timestamp at = fired_at(context.event, context.now);
  if (status) {
    agents_->on_status(renamed(*agent), *value, at, context.result.events);
  } else {
    agents_->on_state(renamed(*agent), *value, at, context.result.events);
  }
}

void CallcenterMapper::on_bridge_fail(Context& context) {
  if (!context.need("CC-Agent")) return;
  const std::string_view cause = context.event.get_or("CC-Hangup-Cause", "");
  // The caller hung up while agents rang (ORIGINATOR_CANCEL), or ring-all gave the call to
  // another agent (LOSE_RACE): nobody missed anything.
  if (cause == "ORIGINATOR_CANCEL" || cause == "LOSE_RACE") {
    ++stats_.lost_races;
  } else {
    ++stats_.agent_missed_calls;
  }
}

void CallcenterMapper::on_channel_hangup(Context& context) {
  const std::string session(context.event.get_or("Unique-ID", ""));
  if (!session.empty() && hung_up_sessions_.insert(session).second) {
    hung_up_order_.push_back(session);
    if (hung_up_order_.size() > options_.remembered_finished_calls) {
      hung_up_sessions_.erase(hung_up_order_.front());
      hung_up_order_.pop_front();
    }
  }
  const auto waiting = std::find_if(pending_.begin(), pending_.end(), [&](const auto& pending) {
    const auto call = calls_.find(pending.member_uuid);
    return !session.empty() && call != calls_.end() && call->second.session_uuid == session;
  });
  if (waiting == pending_.end()) {  // most hang-ups are of calls that never queued
    context.result.outcome = CcOutcome::Ignored;
    count_ignored(context.action);
    return;
  }
  ++stats_.abandoned_by_hangup;
  leave(context.result.events, waiting->member_uuid, waiting->left, std::nullopt);
  pending_.erase(waiting);
}

void CallcenterMapper::answer(std::vector<Event>& out, const std::string& member_uuid,
                              OpenCall& call, Timestamp at, const std::string& agent) {
  Event event;
  event.type = EventType::CallAnswered;
  event.ts = std::max(at, call.last);
  event.call = member_uuid;
  event.agent = agent;
  call.answered = true;
  call.agent = agent;
  call.last = event.ts;
  agents_->on_answered(agent, event.ts);
  out.push_back(std::move(event));
}

void CallcenterMapper::complete(std::vector<Event>& out, const std::string& member_uuid,
                                OpenCall& call, Timestamp at) {
  Event event;
  event.type = EventType::CallCompleted;
  event.ts = std::max(at, call.last);
  event.call = member_uuid;
  const std::string agent = call.agent;
  out.push_back(std::move(event));
  const Timestamp ts = out.back().ts;
  forget(member_uuid);
  agents_->on_completed(agent, ts, out);
}

void CallcenterMapper::leave(std::vector<Event>& out, const std::string& member_uuid, Timestamp at,
                             std::optional<ExitReason> exit_reason) {
  const OpenCall& call = calls_.at(member_uuid);
  Event event;
  event.type = exit_reason ? EventType::CallExited : EventType::CallAbandoned;
  event.ts = std::max(at, call.last);
  event.call = member_uuid;
  if (exit_reason) event.exit_reason = *exit_reason;
  out.push_back(std::move(event));
  forget(member_uuid);
}

void CallcenterMapper::forget(const std::string& member_uuid) {
  calls_.erase(member_uuid);
  if (finished_.insert(member_uuid).second) {
    finished_order_.push_back(member_uuid);
    if (finished_order_.size() > options_.remembered_finished_calls) {
      finished_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
  }
}

void CallcenterMapper::count_ignored(std::string_view what) {
  // Looked up by view first: members-count alone is a fifth of a busy box's events.
  if (auto it = stats_.ignored_by_action.find(what); it != stats_.ignored_by_action.end()) {
    ++it->second;
  } else {
    stats_.ignored_by_action.emplace(std::string(what), 1);
  }
}

bool CallcenterMapper::recently_finished(const std::string& member_uuid) const {
  return finished_.count(member_uuid) > 0;
}

bool CallcenterMapper::caller_hung_up(const std::string& session_uuid) const {
  return !session_uuid.empty() && hung_up_sessions_.count(session_uuid) > 0;
}

std::vector<Event> CallcenterMapper::expire(Timestamp now) {
  std::vector<Event> out;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now < it->decide_by) {
      ++it;
      continue;
    }
    // No hang-up within the grace: the caller is still there, so the call was moved on.
    ++stats_.transferred;
    leave(out, it->member_uuid, it->left, ExitReason::Transfer);
    it = pending_.erase(it);
  }
  agents_->expire(now, out);
  return out;
}

std::map<std::string, std::vector<std::string>> CallcenterMapper::waiting_calls() const {
  std::map<std::string, std::vector<std::string>> waiting;
  for (const auto& [uuid, call] : calls_)
    if (!call.answered) waiting[call.queue].push_back(uuid);
  for (auto& [queue, calls] : waiting) std::sort(calls.begin(), calls.end());
  return waiting;
}

std::map<std::string, core::AgentStatus> CallcenterMapper::agent_states() const {
  return agents_->reported();
}

}  // namespace floorwatch::freeswitch
