#include "floorwatch/asterisk/ami_mapper.h"

#include <algorithm>

#include "agent_roster.h"
#include "text.h"

namespace floorwatch::asterisk {

using core::Duration;
using core::Event;
using core::EventType;
using core::Timestamp;

namespace {

Event call_event(EventType type, Timestamp ts, const std::string& call) {
  Event event;
  event.type = type;
  event.ts = ts;
  event.call = call;
  return event;
}

// ast_device_state numbers as printed in `Status` (formats §3.2).
DeviceState device_state(std::string_view status) {
  const auto value = text::parse_count(status);
  if (!value) return DeviceState::Unknown;
  switch (*value) {
    case 1:
      return DeviceState::Idle;  // NOT_INUSE
    case 2:                      // INUSE
    case 3:                      // BUSY
    case 7:                      // RINGINUSE
    case 8:
      return DeviceState::InUse;  // ONHOLD
    case 4:                       // INVALID
    case 5:
      return DeviceState::Unavailable;  // UNAVAILABLE
    case 6:
      return DeviceState::Ringing;  // RINGING
    default:
      return DeviceState::Unknown;  // 0 UNKNOWN and anything newer
  }
}

}  // namespace

std::string_view to_string(AmiOutcome outcome) {
  switch (outcome) {
    case AmiOutcome::Mapped:
      return "mapped";
    case AmiOutcome::Ignored:
      return "ignored";
    case AmiOutcome::Duplicate:
      return "duplicate";
    case AmiOutcome::Orphan:
      return "orphan";
    case AmiOutcome::Invalid:
      return "invalid";
  }
  return "invalid";
}

/// Per-message scratch: the message, its time and the result being built.
struct AmiMapper::Context {
  const AmiMessage& message;
  std::string_view event;
  Timestamp ts;
  AmiMapResult& result;

  bool failed() const { return result.outcome == AmiOutcome::Invalid; }
  void fail(std::string_view key, std::string_view problem) {
    if (failed()) return;
    result.outcome = AmiOutcome::Invalid;
    result.error = std::string(event) + ": " + std::string(key) + " " + std::string(problem);
  }
  void set(AmiOutcome outcome) {
    if (!failed()) result.outcome = outcome;
  }
  // The first present key among `keys` (Asterisk renamed several between versions), as UTF-8.
  std::optional<std::string> text(std::initializer_list<std::string_view> keys) const {
    for (const std::string_view key : keys) {
      if (const auto value = message.get(key); value && !value->empty()) {
        return std::string(*value);
      }
    }
    return std::nullopt;
  }
  std::optional<std::string> required(std::initializer_list<std::string_view> keys) {
    auto value = text(keys);
    if (!value) fail(*keys.begin(), "missing");
    return value;
  }
  // A duration in whole seconds; nullopt (and Invalid when required) if absent or malformed.
  std::optional<Duration> seconds(std::string_view key, bool required_key) {
    const auto value = message.get(key);
    if (!value) {
      if (required_key) fail(key, "missing");
      return std::nullopt;
    }
    const auto count = text::parse_count(text::trim(*value));
    if (!count) {
      fail(key, "is not a whole number of seconds: '" + std::string(*value) + "'");
      return std::nullopt;
    }
    return Duration{*count * 1000};
  }
};

AmiMapper::AmiMapper(AmiMapperOptions options)
    : options_(options), roster_(std::make_unique<AgentRoster>()) {}
AmiMapper::~AmiMapper() = default;
AmiMapper::AmiMapper(AmiMapper&&) noexcept = default;
AmiMapper& AmiMapper::operator=(AmiMapper&&) noexcept = default;

AmiMapResult AmiMapper::map(const AmiMessage& message, Timestamp now) {
  AmiMapResult result;
  const std::string_view name = message.event_name();
  Timestamp ts = now;
  // With `timestampevents=yes` every event carries "Timestamp: 1409169929.412068".
  if (const auto stamp = message.get("Timestamp"); stamp && !name.empty()) {
    if (const auto ms = text::parse_seconds_as_ms(*stamp)) ts = core::from_epoch_ms(*ms);
  }
  Context context{message, name, ts, result};

  if (name == "QueueCallerJoin" || name == "Join") {
    on_join(context);
  } else if (name == "QueueCallerLeave" || name == "Leave") {
    on_leave(context);
  } else if (name == "QueueCallerAbandon") {
    on_abandon(context);
  } else if (name == "AgentConnect") {
    on_connect(context);
  } else if (name == "AgentComplete") {
    on_complete(context);
  } else if (name == "AgentCalled") {
    on_ring(context, true);
  } else if (name == "AgentRingNoAnswer" || name == "AgentDump") {
    on_ring(context, false);
  } else if (name == "QueueMemberAdded" || name == "QueueMemberRemoved" ||
             name == "QueueMemberStatus" || name == "QueueMemberPause" ||
             name == "QueueMemberPaused" || name == "QueueMember") {
    on_member(context, name);
  } else if (name == "QueueEntry") {
    on_queue_entry(context);
  } else if (name == "QueueParams") {
    on_queue_params(context);
  } else if (name == "QueueStatusComplete") {
    on_status_complete(context);
  } else {
    result.outcome = AmiOutcome::Ignored;
    std::string key =
        name.empty() ? (message.has("Response") ? "(response)" : "(action)") : std::string(name);
    ++stats_.ignored_by_event[key];
  }
  if (result.outcome == AmiOutcome::Invalid) result.events.clear();
  ++stats_.outcomes[static_cast<std::size_t>(result.outcome)];
  return result;
}

std::vector<Event> AmiMapper::expire(Timestamp now) {
  std::vector<std::pair<std::string, Timestamp>> expired;
  for (const auto& [id, call] : calls_) {
    if (!call.connected && call.left_waiting_list &&
        now - *call.left_waiting_list > options_.leave_outcome_grace) {
      expired.emplace_back(id, *call.left_waiting_list);
    }
  }
  std::sort(expired.begin(), expired.end());
  std::vector<Event> events;
  for (const auto& [id, left_at] : expired) {
    ++stats_.leaves_without_outcome;
    Event event = call_event(EventType::CallExited, left_at, id);
    event.exit_reason = core::ExitReason::Key;
    events.push_back(std::move(event));
    forget(id, left_at);
  }
  return events;
}

std::map<std::string, std::vector<std::string>> AmiMapper::waiting_calls() const {
  std::map<std::string, std::vector<std::string>> waiting;
  for (const auto& [id, call] : calls_) {
    if (!call.connected) waiting[call.queue].push_back(id);
  }
  for (auto& [queue, ids] : waiting) std::sort(ids.begin(), ids.end());
  return waiting;
}

std::map<std::string, core::AgentStatus> AmiMapper::agent_states() const {
  std::map<std::string, core::AgentStatus> states;
  for (const auto& [agent, facts] : roster_->all()) {
    states[agent] = AgentRoster::derive_state(facts);
  }
  return states;
}

std::map<std::string, std::vector<std::string>> AmiMapper::agent_queues() const {
  std::map<std::string, std::vector<std::string>> queues;
  for (const auto& [agent, facts] : roster_->all()) {
    queues[agent].assign(facts.queues.begin(), facts.queues.end());
  }
  return queues;
}

AmiMapper::OpenCall& AmiMapper::open_call(Context& context, const std::string& call_id,
                                          const std::string& queue, Timestamp enqueued_at,
                                          std::string caller) {
  OpenCall& call = calls_[call_id];
  call = OpenCall{};
  call.queue = queue;
  call.enqueued = enqueued_at;
  Event event = call_event(EventType::CallEnqueued, enqueued_at, call_id);
  event.queue = queue;
  event.caller = std::move(caller);
  context.result.events.push_back(std::move(event));
  return call;
}

void AmiMapper::on_join(Context& context) {
  const auto call_id = context.required({"Uniqueid"});
  const auto queue = context.required({"Queue"});
  if (!call_id || !queue) return;
  if (const auto open = calls_.find(*call_id); open != calls_.end()) {
    if (open->second.queue == *queue && !open->second.connected) {
      context.set(AmiOutcome::Duplicate);
      return;
    }
    // Reappeared elsewhere without an outcome for the first queue: a flow-out.
    Event exited =
        call_event(open->second.connected ? EventType::CallCompleted : EventType::CallExited,
                   context.ts, *call_id);
    exited.exit_reason = core::ExitReason::Transfer;
    context.result.events.push_back(std::move(exited));
    forget(*call_id, context.ts);
  }
  std::string caller = context.text({"CallerIDNum"}).value_or("");
  if (caller == "<unknown>") caller.clear();
  open_call(context, *call_id, *queue, context.ts, std::move(caller));
}

void AmiMapper::on_leave(Context& context) {
  const auto call_id = context.required({"Uniqueid"});
  if (!call_id) return;
  // Leaving the waiting list is not an outcome yet: AgentConnect (answered) follows it and
  // QueueCallerAbandon precedes it. Remember when, for `expire`.
  if (const auto open = calls_.find(*call_id); open != calls_.end() && !open->second.connected) {
    if (!open->second.left_waiting_list) open->second.left_waiting_list = context.ts;
  }
}

void AmiMapper::on_abandon(Context& context) {
  const auto call_id = context.required({"Uniqueid"});
  const auto queue = context.required({"Queue"});
  // Documented as an epoch time; it is a duration (formats §3.3).
  const auto hold = context.seconds("HoldTime", false);
  if (!call_id || !queue || context.failed()) return;
  auto open = calls_.find(*call_id);
  Timestamp at = context.ts;
  if (open == calls_.end()) {
    if (recently_finished(*call_id)) {
      context.set(AmiOutcome::Duplicate);
      return;
    }
    if (!hold) {
      context.set(AmiOutcome::Orphan);
      return;
    }
    ++stats_.reconstructed_calls;
    open_call(context, *call_id, *queue, context.ts - *hold, {});
  } else if (open->second.connected) {
    context.set(AmiOutcome::Orphan);
    return;
  } else if (hold) {
    at = after_wait(open->second, open->second.left_waiting_list.value_or(context.ts), *hold);
  }
  context.result.events.push_back(call_event(EventType::CallAbandoned, at, *call_id));
  forget(*call_id, at);
}

void AmiMapper::on_connect(Context& context) {
  const auto call_id = context.required({"Uniqueid"});
  const auto queue = context.required({"Queue"});
  const auto hold = context.seconds("HoldTime", true);
  const std::string agent = agent_of(context);
  if (!call_id || !queue || !hold || context.failed()) return;
  auto open = calls_.find(*call_id);
  if (open == calls_.end()) {
    if (recently_finished(*call_id)) {
      context.set(AmiOutcome::Duplicate);
      return;
    }
    ++stats_.reconstructed_calls;
    OpenCall& call = open_call(context, *call_id, *queue, context.ts - *hold, {});
    answer(context, *call_id, call, context.ts, agent);
    return;
  }
  if (open->second.connected) {
    context.set(AmiOutcome::Duplicate);
    return;
  }
  answer(context, *call_id, open->second, after_wait(open->second, context.ts, *hold), agent);
}

void AmiMapper::on_complete(Context& context) {
  const auto call_id = context.required({"Uniqueid"});
  const auto queue = context.required({"Queue"});
  const std::string agent = agent_of(context);
  if (!call_id || !queue || context.failed()) return;
  auto open = calls_.find(*call_id);
  if (open == calls_.end() || !open->second.connected) {
    if (open == calls_.end() && recently_finished(*call_id)) {
      context.set(AmiOutcome::Duplicate);
      return;
    }
    const auto hold = context.seconds("HoldTime", true);
    const auto talk = context.seconds("TalkTime", true);
    if (!hold || !talk) return;
    const Timestamp answered_at = context.ts - *talk;
    if (open == calls_.end()) {
      ++stats_.reconstructed_calls;
      open_call(context, *call_id, *queue, answered_at - *hold, {});
      open = calls_.find(*call_id);
    }
    answer(context, *call_id, open->second, answered_at, agent);
  }
  const OpenCall call = open->second;
  const Timestamp at = std::max(context.ts, call.answered);
  context.result.events.push_back(call_event(EventType::CallCompleted, at, *call_id));
  AgentFacts& facts = roster_->facts(call.agent);
  if (facts.current_call == *call_id) facts.current_call.clear();
  roster_->emit_if_changed(call.agent, at, context.result.events);
  forget(*call_id, at);
}

void AmiMapper::on_ring(Context& context, bool ringing) {
  const std::string agent = agent_of(context);
  if (context.failed()) return;
  AgentFacts& facts = roster_->facts(agent);
  facts.ringing = ringing;
  if (const auto queue = context.text({"Queue"})) facts.queues.insert(*queue);
  roster_->emit_if_changed(agent, context.ts, context.result.events);
}

void AmiMapper::on_member(Context& context, std::string_view kind) {
  const auto queue = context.required({"Queue"});
  const std::string agent = agent_of(context);
  if (!queue || context.failed()) return;
  AgentFacts& facts = roster_->facts(agent);
  if (kind == "QueueMemberRemoved") {
    facts.queues.erase(*queue);
    facts.paused_queues.erase(*queue);
    if (facts.queues.empty()) facts.paused_everywhere = false;
  } else {
    // Every member event is about one membership, so it proves the member is in `queue`.
    facts.queues.insert(*queue);
    if (const auto paused = context.message.get("Paused")) {
      if (*paused == "1") {
        facts.paused_queues.insert(*queue);
        facts.pause_reason = context.text({"PausedReason", "Reason"}).value_or("");
      } else {
        facts.paused_queues.erase(*queue);
        facts.paused_everywhere = false;
      }
    }
    if (const auto status = context.message.get("Status")) facts.device = device_state(*status);
  }
  roster_->emit_if_changed(agent, context.ts, context.result.events);
}

void AmiMapper::on_queue_entry(Context& context) {
  const auto call_id = context.required({"Uniqueid"});
  const auto queue = context.required({"Queue"});
  const auto wait = context.seconds("Wait", true);
  if (!call_id || !queue || !wait) return;
  if (listed_in_status_) listed_in_status_->insert(*call_id);
  if (calls_.count(*call_id) != 0) {
    context.set(AmiOutcome::Duplicate);  // already followed since its join: keep that time
    return;
  }
  // A caller already waiting when we connected keeps its real wait.
  ++stats_.seeded_calls;
  std::string caller = context.text({"CallerIDNum"}).value_or("");
  if (caller == "<unknown>") caller.clear();
  open_call(context, *call_id, *queue, context.ts - *wait, std::move(caller));
}

void AmiMapper::on_queue_params(Context& context) {
  const auto queue = context.required({"Queue"});
  if (!queue) return;
  AmiQueueParams params;
  const auto count = [&](std::string_view key) {
    return text::parse_count(context.message.get_or(key, "")).value_or(0);
  };
  params.service_level_seconds = count("ServiceLevel");
  params.completed = count("Completed");
  params.abandoned = count("Abandoned");
  params.calls_waiting = count("Calls");
  params.service_level_percent = std::string(context.message.get_or("ServicelevelPerf", ""));
  if (const auto sl2 = context.message.get("ServicelevelPerf2")) {
    params.service_level2_percent = std::string(*sl2);
  }
  queue_params_[*queue] = std::move(params);
}

void AmiMapper::begin_status_reconciliation() {
  listed_in_status_.emplace();
}

void AmiMapper::on_status_complete(Context& context) {
  // Without a reconciliation pending, everything was applied as it arrived.
  if (!listed_in_status_) return;
  const std::set<std::string> listed = std::move(*listed_in_status_);
  listed_in_status_.reset();
  std::vector<std::string> ended;
  for (const auto& [id, call] : calls_) {
    if (!call.connected && listed.count(id) == 0) ended.push_back(id);
    if (call.connected && roster_->facts(call.agent).device == DeviceState::Idle)
      ended.push_back(id);
  }
  std::sort(ended.begin(), ended.end());
  for (const std::string& id : ended) {
    const OpenCall call = calls_.at(id);
    const Timestamp at = std::max(context.ts, call.connected ? call.answered : call.enqueued);
    ++stats_.calls_closed_after_gap;
    if (call.connected) {
      context.result.events.push_back(call_event(EventType::CallCompleted, at, id));
      AgentFacts& facts = roster_->facts(call.agent);
      if (facts.current_call == id) facts.current_call.clear();
      roster_->emit_if_changed(call.agent, at, context.result.events);
    } else {
      Event exited = call_event(EventType::CallExited, at, id);
      exited.exit_reason = core::ExitReason::Transfer;
      context.result.events.push_back(std::move(exited));
    }
    forget(id, at);
  }
}

Timestamp AmiMapper::after_wait(const OpenCall& call, Timestamp message_ts, Duration wait) const {
  const Timestamp by_wait = call.enqueued + wait;
  const auto difference = by_wait > message_ts ? by_wait - message_ts : message_ts - by_wait;
  return difference <= options_.wait_tolerance ? by_wait : std::max(message_ts, call.enqueued);
}

void AmiMapper::answer(Context& context, const std::string& call_id, OpenCall& call, Timestamp at,
                       const std::string& agent) {
  call.connected = true;
  call.answered = at;
  call.agent = agent;
  Event event = call_event(EventType::CallAnswered, at, call_id);
  event.agent = agent;
  context.result.events.push_back(std::move(event));
  AgentFacts& facts = roster_->facts(agent);
  facts.current_call = call_id;
  facts.ringing = false;
  facts.queues.insert(call.queue);
  roster_->emit_if_changed(agent, at, context.result.events);
}

std::string AmiMapper::agent_of(Context& context) {
  // 12+: MemberName/Interface. 1.8/11: MemberName or AgentName, with Location, Member or
  // AgentCalled for the interface. QueueStatus' QueueMember: Name/Location.
  const auto member_name = context.text({"MemberName", "Name", "AgentName"});
  const auto interface = context.text({"Interface", "Location", "Member", "AgentCalled"});
  if (member_name && interface) roster_->add_alias(*interface, *member_name);
  if (member_name) return *member_name;
  if (interface) return roster_->resolve(*interface);
  context.fail("MemberName", "missing (and no Interface either)");
  return {};
}

void AmiMapper::forget(const std::string& call_id, Timestamp at) {
  calls_.erase(call_id);
  if (options_.remembered_finished_calls == 0) return;
  if (finished_at_.insert_or_assign(call_id, at).second) finished_order_.push_back(call_id);
  while (finished_order_.size() > options_.remembered_finished_calls) {
    finished_at_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

bool AmiMapper::recently_finished(const std::string& call_id) const {
  return finished_at_.count(call_id) != 0;
}

}  // namespace floorwatch::asterisk
