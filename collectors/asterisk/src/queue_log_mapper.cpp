#include "floorwatch/asterisk/queue_log_mapper.h"

#include <algorithm>

#include "agent_roster.h"
#include "text.h"

namespace floorwatch::asterisk {

using core::Duration;
using core::Event;
using core::EventType;
using core::ExitReason;
using core::Timestamp;

namespace {

constexpr std::string_view kNone = "NONE";

Event call_event(EventType type, Timestamp ts, const std::string& call) {
  Event event;
  event.type = type;
  event.ts = ts;
  event.call = call;
  return event;
}

}  // namespace

std::string_view to_string(QueueLogOutcome outcome) {
  switch (outcome) {
    case QueueLogOutcome::Mapped:
      return "mapped";
    case QueueLogOutcome::Ignored:
      return "ignored";
    case QueueLogOutcome::Duplicate:
      return "duplicate";
    case QueueLogOutcome::Orphan:
      return "orphan";
    case QueueLogOutcome::Invalid:
      return "invalid";
  }
  return "invalid";
}

/// Per-record scratch: the record, its timestamp and the result being built.
struct QueueLogMapper::Context {
  const QueueLogRecord& record;
  Timestamp ts;
  QueueLogMapResult& result;

  bool failed() const { return result.outcome == QueueLogOutcome::Invalid; }
  void fail(QueueLogField field, int data_index, const std::string& problem) {
    if (failed()) return;
    result.outcome = QueueLogOutcome::Invalid;
    std::string where(to_string(field));
    if (field == QueueLogField::Data) where += std::to_string(data_index);
    result.error = QueueLogParseError{field, data_index, where + ": " + problem};
  }
  void set(QueueLogOutcome outcome) {
    if (!failed()) result.outcome = outcome;
  }
  // dataN read as whole seconds. Absent: nullopt, and Invalid when `required`. Present but
  // not a number: Invalid.
  std::optional<Duration> seconds(std::size_t index, std::string_view name, bool required) {
    if (index == 0 || index > record.data.size()) {
      if (required) {
        fail(QueueLogField::Data, static_cast<int>(index),
             std::string(name) + " missing for " + record.event);
      }
      return std::nullopt;
    }
    const auto value = text::parse_count(record.data[index - 1]);
    if (!value) {
      fail(QueueLogField::Data, static_cast<int>(index),
           std::string(name) + " is not a whole number of seconds: '" + record.data[index - 1] +
               "'");
      return std::nullopt;
    }
    return Duration{*value * 1000};
  }
  // The call id of a call line; Invalid when absent.
  bool has_call_id() {
    if (record.callid.empty() || record.callid == kNone) {
      fail(QueueLogField::CallId, -1, "missing for " + record.event);
      return false;
    }
    return true;
  }
  bool has_named(QueueLogField field, const std::string& value) {
    if (value.empty() || value == kNone) {
      fail(field, -1, "missing for " + record.event);
      return false;
    }
    return true;
  }
};

QueueLogMapper::QueueLogMapper(QueueLogMapperOptions options)
    : options_(std::move(options)), roster_(std::make_unique<AgentRoster>()) {
  for (const auto& [interface, member_name] : options_.member_names) {
    roster_->add_alias(interface, member_name);
  }
}
QueueLogMapper::~QueueLogMapper() = default;
QueueLogMapper::QueueLogMapper(QueueLogMapper&&) noexcept = default;
QueueLogMapper& QueueLogMapper::operator=(QueueLogMapper&&) noexcept = default;

QueueLogMapResult QueueLogMapper::map(const QueueLogRecord& record) {
  QueueLogMapResult result;
  Context context{record, core::from_epoch_ms(record.epoch_seconds * 1000), result};
  const std::string& name = record.event;

  if (name == "ENTERQUEUE") {
    on_enter(context);
  } else if (name == "CONNECT") {
    on_connect(context);
  } else if (name == "COMPLETECALLER" || name == "COMPLETEAGENT") {
    on_call_end(context, 1, 2);
  } else if (name == "BLINDTRANSFER" || name == "TRANSFER") {
    on_call_end(context, 3, 4);
  } else if (name == "ATTENDEDTRANSFER") {
    // method|method-data...|holdtime|calltime|origposition: the method takes one or two
    // fields, so count from the end (formats §2).
    const std::size_t size = record.data.size();
    if (size < 5) {
      context.fail(QueueLogField::Data, static_cast<int>(size + 1),
                   "ATTENDEDTRANSFER needs at least 5 data fields, has " + std::to_string(size));
    } else {
      on_call_end(context, size - 2, size - 1);
    }
  } else if (name == "ABANDON" || name == "EXITWITHTIMEOUT" || name == "EXITEMPTY" ||
             name == "WITHDRAW") {
    on_left_queue(context, 3);
  } else if (name == "EXITWITHKEY") {
    on_left_queue(context, 4);
  } else if (name == "SYSCOMPAT") {
    on_left_queue(context, 0);
  } else if (name == "RINGNOANSWER" || name == "RINGCANCELED" || name == "AGENTDUMP") {
    // Attempts, not outcomes: the caller keeps waiting. Asterisk's autopause writes its own
    // PAUSE line, which is mapped when it comes.
  } else if (name == "ADDMEMBER" || name == "REMOVEMEMBER") {
    on_member_change(context);
  } else if (name == "PAUSE" || name == "UNPAUSE") {
    on_pause(context, name == "PAUSE", false);
  } else if (name == "PAUSEALL" || name == "UNPAUSEALL") {
    on_pause(context, name == "PAUSEALL", true);
  } else if (name == "AGENTLOGIN" || name == "AGENTLOGOFF") {
    on_agent_login(context, name == "AGENTLOGIN");
  } else if (name == "QUEUESTART") {
    on_queue_start(context);
  } else if (name == "CONFIGRELOAD") {
    // A logger reload; queue state and statistics survive it (formats §4.1).
  } else {
    result.outcome = QueueLogOutcome::Ignored;
    auto found = stats_.ignored_by_event.find(name);
    if (found == stats_.ignored_by_event.end()) {
      found = stats_.ignored_by_event.emplace(name, 0).first;
    }
    ++found->second;
  }

  if (result.outcome == QueueLogOutcome::Invalid) result.events.clear();
  ++stats_.outcomes[static_cast<std::size_t>(result.outcome)];
  return result;
}

QueueLogMapper::OpenCall& QueueLogMapper::open_call(Context& context, Timestamp enqueued_at,
                                                    std::string caller) {
  OpenCall& call = calls_[context.record.callid];
  call = OpenCall{};
  call.queue = context.record.queue;
  call.enqueued = enqueued_at;
  Event event = call_event(EventType::CallEnqueued, enqueued_at, context.record.callid);
  event.queue = context.record.queue;
  event.caller = std::move(caller);
  context.result.events.push_back(std::move(event));
  return call;
}

void QueueLogMapper::on_enter(Context& context) {
  const QueueLogRecord& record = context.record;
  if (!context.has_call_id() || !context.has_named(QueueLogField::Queue, record.queue)) return;

  if (const auto open = calls_.find(record.callid); open != calls_.end()) {
    if (open->second.queue == record.queue && !open->second.connected) {
      context.set(QueueLogOutcome::Duplicate);
      return;
    }
    close_stale(context, record.callid, context.ts);
  } else if (finished_after(record.callid, context.ts, /*inclusive=*/false)) {
    // Entering at a time before the same call already finished: a replayed line. (Equal
    // times are a real re-entry: EXITWITHTIMEOUT then Queue() on the next queue.)
    context.set(QueueLogOutcome::Duplicate);
    return;
  }
  // data2 is the caller id number; empty when restricted.
  open_call(context, context.ts, std::string(record.data_field(2)));
}

void QueueLogMapper::on_connect(Context& context) {
  const QueueLogRecord& record = context.record;
  if (!context.has_call_id() || !context.has_named(QueueLogField::Queue, record.queue) ||
      !context.has_named(QueueLogField::Agent, record.agent)) {
    return;
  }
  const auto holdtime = context.seconds(1, "holdtime", /*required=*/true);
  if (!holdtime) return;

  auto open = calls_.find(record.callid);
  if (open != calls_.end() && open->second.queue != record.queue) {
    close_stale(context, record.callid, context.ts);
    open = calls_.end();
  }
  if (open == calls_.end()) {
    if (finished_after(record.callid, context.ts, /*inclusive=*/true)) {
      context.set(QueueLogOutcome::Duplicate);
      return;
    }
    // Entered before we started reading: put the enqueue where the logged hold time says,
    // so the wait the daemon measures is Asterisk's own.
    ++stats_.reconstructed_calls;
    OpenCall& call = open_call(context, context.ts - *holdtime, {});
    answer(context, call, context.ts, roster_->resolve(record.agent));
    return;
  }
  OpenCall& call = open->second;
  if (call.connected) {
    context.set(QueueLogOutcome::Duplicate);
    return;
  }
  answer(context, call, leave_time(call, context.ts, *holdtime), roster_->resolve(record.agent));
}

void QueueLogMapper::on_call_end(Context& context, std::size_t holdtime_index,
                                 std::size_t calltime_index) {
  const QueueLogRecord& record = context.record;
  if (!context.has_call_id()) return;

  auto open = calls_.find(record.callid);
  if (open != calls_.end() && open->second.queue != record.queue) {
    close_stale(context, record.callid, context.ts);
    open = calls_.end();
  }
  if (open != calls_.end() && open->second.connected) {
    finish(context, record.callid, context.ts);
    return;
  }
  if (open == calls_.end() && finished_after(record.callid, context.ts, /*inclusive=*/true)) {
    context.set(QueueLogOutcome::Duplicate);
    return;
  }
  // The CONNECT (and maybe the ENTERQUEUE) was not seen: rebuild them from this line.
  if (!context.has_named(QueueLogField::Queue, record.queue) ||
      !context.has_named(QueueLogField::Agent, record.agent)) {
    return;
  }
  const auto holdtime = context.seconds(holdtime_index, "holdtime", true);
  const auto calltime = context.seconds(calltime_index, "calltime", true);
  if (!holdtime || !calltime) return;
  const Timestamp answered_at = context.ts - *calltime;
  if (open == calls_.end()) {
    ++stats_.reconstructed_calls;
    OpenCall& call = open_call(context, answered_at - *holdtime, {});
    answer(context, call, answered_at, roster_->resolve(record.agent));
  } else {
    answer(context, open->second, leave_time(open->second, answered_at, *holdtime),
           roster_->resolve(record.agent));
  }
  finish(context, record.callid, context.ts);
}

void QueueLogMapper::on_left_queue(Context& context, std::size_t wait_index) {
  const QueueLogRecord& record = context.record;
  if (!context.has_call_id()) return;
  const auto wait = context.seconds(wait_index, "waittime", /*required=*/false);
  if (context.failed()) return;

  EventType type = EventType::CallAbandoned;
  ExitReason reason = ExitReason::Timeout;
  if (record.event == "EXITWITHTIMEOUT") {
    type = EventType::CallExited;
  } else if (record.event == "EXITEMPTY") {
    type = EventType::CallExited;
    reason = ExitReason::NoAgents;
  } else if (record.event == "EXITWITHKEY") {
    type = EventType::CallExited;
    reason = ExitReason::Key;
  } else if (record.event == "WITHDRAW") {
    // Taken out of the queue by an application (e.g. to offer a call-back), not by the caller.
    type = EventType::CallExited;
    reason = ExitReason::Transfer;
  }

  auto open = calls_.find(record.callid);
  if (open != calls_.end() && open->second.queue != record.queue) {
    close_stale(context, record.callid, context.ts);
    open = calls_.end();
  }
  if (open == calls_.end()) {
    if (finished_after(record.callid, context.ts, /*inclusive=*/true)) {
      context.set(QueueLogOutcome::Duplicate);
      return;
    }
    if (!wait || !context.has_named(QueueLogField::Queue, record.queue)) {
      // 1.4-era EXITWITHTIMEOUT/EXITWITHKEY and SYSCOMPAT carry no wait: without the
      // ENTERQUEUE there is no honest wait to report.
      if (!context.failed()) context.set(QueueLogOutcome::Orphan);
      return;
    }
    ++stats_.reconstructed_calls;
    open_call(context, context.ts - *wait, {});
    leave(context, record.callid, context.ts, type, reason);
    return;
  }
  if (open->second.connected) {
    context.set(QueueLogOutcome::Orphan);
    return;
  }
  const Timestamp at = wait ? leave_time(open->second, context.ts, *wait) : context.ts;
  leave(context, record.callid, at, type, reason);
}

void QueueLogMapper::on_member_change(Context& context) {
  const QueueLogRecord& record = context.record;
  if (!context.has_named(QueueLogField::Agent, record.agent) ||
      !context.has_named(QueueLogField::Queue, record.queue)) {
    return;
  }
  const std::string agent = roster_->resolve(record.agent);
  AgentFacts& facts = roster_->facts(agent);
  if (record.event == "ADDMEMBER") {
    facts.queues.insert(record.queue);
    if (record.data_field(1) == "PAUSED") {
      facts.paused_queues.insert(record.queue);
    } else {
      facts.paused_queues.erase(record.queue);
    }
  } else {
    facts.queues.erase(record.queue);
    facts.paused_queues.erase(record.queue);
    if (facts.queues.empty()) facts.paused_everywhere = false;
  }
  roster_->emit_if_changed(agent, context.ts, context.result.events);
}

void QueueLogMapper::on_pause(Context& context, bool paused, bool all_queues) {
  const QueueLogRecord& record = context.record;
  if (!context.has_named(QueueLogField::Agent, record.agent)) return;
  if (!all_queues && !context.has_named(QueueLogField::Queue, record.queue)) return;
  const std::string agent = roster_->resolve(record.agent);
  AgentFacts& facts = roster_->facts(agent);
  if (all_queues) {
    facts.paused_everywhere = paused;
    facts.paused_queues = paused ? facts.queues : std::set<std::string>{};
  } else {
    // Pausing in a queue proves membership even for static members, who never log ADDMEMBER.
    facts.queues.insert(record.queue);
    if (paused) {
      facts.paused_queues.insert(record.queue);
    } else {
      facts.paused_queues.erase(record.queue);
      facts.paused_everywhere = false;
    }
  }
  if (paused) facts.pause_reason = std::string(record.data_field(1));
  roster_->emit_if_changed(agent, context.ts, context.result.events);
}

void QueueLogMapper::on_agent_login(Context& context, bool logged_in) {
  if (!context.has_named(QueueLogField::Agent, context.record.agent)) return;
  const std::string agent = roster_->resolve(context.record.agent);
  roster_->facts(agent).login =
      logged_in ? AgentFacts::Login::LoggedIn : AgentFacts::Login::LoggedOut;
  roster_->emit_if_changed(agent, context.ts, context.result.events);
}

void QueueLogMapper::on_queue_start(Context& context) {
  // Asterisk (re)started: every call it had is gone and no line will ever close it. Close them
  // here so the floor does not show callers waiting forever. Memberships survive (astdb).
  std::vector<std::string> ids;
  ids.reserve(calls_.size());
  for (const auto& [id, call] : calls_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // deterministic output
  for (const std::string& id : ids) {
    ++stats_.calls_cut_by_restart;
    if (calls_.at(id).connected) {
      finish(context, id, context.ts);
    } else {
      // The caller was cut off without being served: closest to a caller hanging up.
      leave(context, id, context.ts, EventType::CallAbandoned, ExitReason::Timeout);
    }
  }
}

Timestamp QueueLogMapper::leave_time(const OpenCall& call, Timestamp line_ts, Duration wait) {
  const Timestamp by_wait = call.enqueued + wait;
  const auto difference = by_wait > line_ts ? by_wait - line_ts : line_ts - by_wait;
  if (difference <= options_.wait_tolerance) return by_wait;
  ++stats_.wait_mismatches;
  return std::max(line_ts, call.enqueued);
}

void QueueLogMapper::answer(Context& context, OpenCall& call, Timestamp at,
                            const std::string& agent) {
  const std::string& call_id = context.record.callid;
  call.connected = true;
  call.answered = at;
  call.agent = agent;
  Event event = call_event(EventType::CallAnswered, at, call_id);
  event.agent = agent;
  context.result.events.push_back(std::move(event));
  AgentFacts& facts = roster_->facts(agent);
  facts.current_call = call_id;
  facts.ringing = false;
  facts.queues.insert(call.queue);  // proves membership (static members log no ADDMEMBER)
  roster_->emit_if_changed(agent, at, context.result.events);
}

void QueueLogMapper::finish(Context& context, const std::string& call_id, Timestamp at) {
  const OpenCall call = calls_.at(call_id);
  at = std::max(at, call.answered);
  context.result.events.push_back(call_event(EventType::CallCompleted, at, call_id));
  AgentFacts& facts = roster_->facts(call.agent);
  if (facts.current_call == call_id) facts.current_call.clear();
  roster_->emit_if_changed(call.agent, at, context.result.events);
  calls_.erase(call_id);
  remember_finished(call_id, at);
}

void QueueLogMapper::leave(Context& context, const std::string& call_id, Timestamp at,
                           EventType type, ExitReason reason) {
  const OpenCall& call = calls_.at(call_id);
  Event event = call_event(type, std::max(at, call.enqueued), call_id);
  if (type == EventType::CallExited) event.exit_reason = reason;
  context.result.events.push_back(std::move(event));
  calls_.erase(call_id);
  remember_finished(call_id, at);
}

void QueueLogMapper::close_stale(Context& context, const std::string& call_id, Timestamp at) {
  ++stats_.stale_calls_closed;
  if (calls_.at(call_id).connected) {
    finish(context, call_id, at);
  } else {
    // It left this queue unanswered for another one: a flow-out whose EXIT line is missing.
    leave(context, call_id, at, EventType::CallExited, ExitReason::Transfer);
  }
}

bool QueueLogMapper::finished_after(const std::string& call_id, Timestamp line_ts,
                                    bool inclusive) const {
  const auto found = finished_at_.find(call_id);
  if (found == finished_at_.end()) return false;
  return inclusive ? found->second >= line_ts : found->second > line_ts;
}

void QueueLogMapper::remember_finished(const std::string& call_id, Timestamp at) {
  if (options_.remembered_finished_calls == 0) return;
  if (finished_at_.insert_or_assign(call_id, at).second) finished_order_.push_back(call_id);
  while (finished_order_.size() > options_.remembered_finished_calls) {
    finished_at_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

}  // namespace floorwatch::asterisk
