// The canonical names and timestamp forms of docs/events.md: what collectors write and what
// ends up in metric labels.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include "floorwatch/core/event.h"
#include "floorwatch/core/reject_reason.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

TEST_CASE("timestamps: RFC 3339 UTC, with an offset, or epoch milliseconds", "[core][event]") {
  const auto expected = utc("2026-11-24T09:30:00.250Z");
  // The three spellings of the same instant from docs/events.md.
  auto text = GENERATE(as<std::string>{}, "2026-11-24T09:30:00.250Z",
                       "2026-11-24T10:30:00.250+01:00", "1795512600250");
  CAPTURE(text);
  CHECK(parse_timestamp(text) == expected);
}

TEST_CASE("timestamps: fractional seconds are optional", "[core][event]") {
  CHECK(parse_timestamp("2026-11-24T09:30:00Z") == utc("2026-11-24T09:30:00Z"));
}

TEST_CASE("timestamps: anything else is refused", "[core][event]") {
  auto text = GENERATE(as<std::string>{}, "", "yesterday", "2026-11-24", "2026-13-24T09:30:00Z",
                       "2026-11-24T25:30:00Z", "12ab");
  CAPTURE(text);
  CHECK_FALSE(parse_timestamp(text).has_value());
}

TEST_CASE("timestamps are written as RFC 3339 UTC with milliseconds", "[core][event]") {
  CHECK(format_timestamp(utc("2026-11-24T09:30:00.250Z")) == "2026-11-24T09:30:00.250Z");
  CHECK(format_timestamp(utc("2026-11-24T09:30:00Z")) == "2026-11-24T09:30:00.000Z");
  const auto t = utc("2026-03-29T01:00:00.007Z");
  CHECK(parse_timestamp(format_timestamp(t)) == t);
}

TEST_CASE("event type names round-trip", "[core][event]") {
  auto [type, name] = GENERATE(table<EventType, std::string>({
      {EventType::CallEnqueued, "call_enqueued"},
      {EventType::CallAnswered, "call_answered"},
      {EventType::CallAbandoned, "call_abandoned"},
      {EventType::CallExited, "call_exited"},
      {EventType::CallCompleted, "call_completed"},
      {EventType::AgentState, "agent_state"},
  }));
  CHECK(to_string(type) == name);
  CHECK(parse_event_type(name) == type);
  CHECK_FALSE(parse_event_type("Call_Enqueued").has_value());  // names are case-sensitive
}

TEST_CASE("channel, exit reason and agent state names round-trip", "[core][event]") {
  for (auto [value, name] : {std::pair{Channel::Voice, "voice"},
                             {Channel::Chat, "chat"},
                             {Channel::Email, "email"},
                             {Channel::Callback, "callback"}}) {
    CHECK(to_string(value) == name);
    CHECK(parse_channel(name) == value);
  }
  for (auto [value, name] : {std::pair{ExitReason::Timeout, "timeout"},
                             {ExitReason::NoAgents, "no_agents"},
                             {ExitReason::Key, "key"},
                             {ExitReason::Transfer, "transfer"}}) {
    CHECK(to_string(value) == name);
    CHECK(parse_exit_reason(name) == value);
  }
  for (auto [value, name] : {std::pair{AgentStatus::Available, "available"},
                             {AgentStatus::Ringing, "ringing"},
                             {AgentStatus::Busy, "busy"},
                             {AgentStatus::Wrapup, "wrapup"},
                             {AgentStatus::Paused, "paused"},
                             {AgentStatus::Offline, "offline"}}) {
    CHECK(to_string(value) == name);
    CHECK(parse_agent_status(name) == value);
  }
  CHECK_FALSE(parse_channel("fax").has_value());
  CHECK_FALSE(parse_exit_reason("bored").has_value());
  CHECK_FALSE(parse_agent_status("lunch").has_value());
}

TEST_CASE("reject reasons have the label values of floorwatch_events_rejected_total",
          "[core][event]") {
  auto [reason, label] = GENERATE(table<RejectReason, std::string>({
      {RejectReason::Malformed, "malformed"},
      {RejectReason::MissingField, "missing_field"},
      {RejectReason::InvalidValue, "invalid_value"},
      {RejectReason::UnknownCall, "unknown_call"},
      {RejectReason::DuplicateCall, "duplicate_call"},
      {RejectReason::CallNotWaiting, "call_not_waiting"},
      {RejectReason::CallNotConnected, "call_not_connected"},
      {RejectReason::OutOfOrder, "out_of_order"},
      {RejectReason::DuplicateSequence, "duplicate_sequence"},
      {RejectReason::SequenceGap, "sequence_gap"},
  }));
  CHECK(to_string(reason) == label);
  CHECK(kRejectReasonCount == 10);
}
