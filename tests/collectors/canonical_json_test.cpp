// Canonical JSON lines: what a site's export script writes must be read exactly, and every
// mistake must be reported with the name of the field at fault.
#include <catch2/catch.hpp>

#include "canonical_json.h"
#include "collectors/event_matchers.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using floorwatch::test::same_event;

namespace {

// 2026-11-24 is day 20781 after 1970-01-01 (56 years with 14 leap days = 20454 days to
// 2026-01-01, plus 327 days to 24 November), so 09:30:00.250Z is
// 20781 * 86400 s + 9.5 h + 250 ms = 1795512600250 ms.
constexpr std::int64_t kNineThirtyMs = 1795512600250;

core::Event parsed(std::string_view line) {
  const JsonLineResult result = parse_json_line(line);
  INFO(line << " -> " << result.error);
  REQUIRE(result.ok());
  return *result.event;
}

}  // namespace

TEST_CASE("every canonical event type is read field by field", "[collectors][json]") {
  SECTION("call_enqueued") {
    const auto e = parsed(
        R"({"ts":"2026-11-24T09:30:00.250Z","type":"call_enqueued","call":"c1","queue":"sales","channel":"chat","caller":"+46701234567"})");
    CHECK(e.type == core::EventType::CallEnqueued);
    CHECK(core::to_epoch_ms(e.ts) == kNineThirtyMs);
    CHECK(e.call == "c1");
    CHECK(e.queue == "sales");
    CHECK(e.channel == core::Channel::Chat);
    CHECK(e.caller == "+46701234567");
  }
  SECTION("call_enqueued without channel is voice") {
    CHECK(parsed(R"({"ts":1,"type":"call_enqueued","call":"c1","queue":"q"})").channel ==
          core::Channel::Voice);
  }
  SECTION("call_answered") {
    const auto e = parsed(R"({"ts":1,"type":"call_answered","call":"c1","agent":"anna"})");
    CHECK(e.type == core::EventType::CallAnswered);
    CHECK(e.call == "c1");
    CHECK(e.agent == "anna");
  }
  SECTION("call_abandoned") {
    const auto e = parsed(R"({"ts":1,"type":"call_abandoned","call":"c1"})");
    CHECK(e.type == core::EventType::CallAbandoned);
    CHECK(e.call == "c1");
  }
  SECTION("call_exited, reason is the exit reason") {
    const auto [text, expected] = GENERATE(table<const char*, core::ExitReason>({
        {"timeout", core::ExitReason::Timeout},
        {"no_agents", core::ExitReason::NoAgents},
        {"key", core::ExitReason::Key},
        {"transfer", core::ExitReason::Transfer},
    }));
    const auto e = parsed(std::string(R"({"ts":1,"type":"call_exited","call":"c1","reason":")") +
                          text + "\"}");
    CHECK(e.type == core::EventType::CallExited);
    CHECK(e.exit_reason == expected);
    CHECK(e.reason.empty());
  }
  SECTION("call_completed") {
    const auto e = parsed(R"({"ts":1,"type":"call_completed","call":"c1"})");
    CHECK(e.type == core::EventType::CallCompleted);
    CHECK(e.call == "c1");
  }
  SECTION("agent_state, reason is free text, queues replace the memberships") {
    const auto e = parsed(
        R"({"ts":1,"type":"agent_state","agent":"anna","state":"paused","reason":"lunch","queues":["sales","support"]})");
    CHECK(e.type == core::EventType::AgentState);
    CHECK(e.agent == "anna");
    CHECK(e.state == core::AgentStatus::Paused);
    CHECK(e.reason == "lunch");
    REQUIRE(e.queues);
    CHECK(*e.queues == std::vector<std::string>{"sales", "support"});
  }
  SECTION("agent_state without queues leaves memberships unchanged; [] means none") {
    CHECK_FALSE(parsed(R"({"ts":1,"type":"agent_state","agent":"a","state":"busy"})").queues);
    const auto none =
        parsed(R"({"ts":1,"type":"agent_state","agent":"a","state":"available","queues":[]})");
    REQUIRE(none.queues);
    CHECK(none.queues->empty());
  }
  SECTION("unknown fields are ignored") {
    CHECK(parsed(R"({"ts":1,"type":"call_abandoned","call":"c1","pbx":{"x":[1,2]}})").call == "c1");
  }
}

TEST_CASE("ts is RFC 3339 or integer epoch milliseconds", "[collectors][json]") {
  // All of these name the same instant, 09:30:00.250 UTC (see kNineThirtyMs).
  const char* ts = GENERATE(R"("2026-11-24T09:30:00.250Z")", "1795512600250",
                            R"("2026-11-24T10:30:00.250+01:00")");
  const auto e = parsed(std::string(R"({"type":"call_abandoned","call":"c","ts":)") + ts + "}");
  CHECK(core::to_epoch_ms(e.ts) == kNineThirtyMs);
}

TEST_CASE("the fast timestamp path agrees with core::parse_timestamp", "[collectors][json]") {
  const char* text =
      GENERATE("2026-11-24T09:30:00.250Z", "2026-11-24T09:30:00Z", "2024-02-29T23:59:59.999Z",
               "1970-01-01T00:00:00.000Z", "2000-03-01T00:00:00Z", "1969-12-31T23:59:59.500Z");
  INFO(text);
  const auto fast = parse_canonical_utc_timestamp(text);
  REQUIRE(fast);
  CHECK(fast == core::parse_timestamp(text));
  std::string formatted;
  append_rfc3339(formatted, *fast);
  CHECK(formatted == core::format_timestamp(*fast));
}

TEST_CASE("the fast timestamp path declines what it does not fully check", "[collectors][json]") {
  const char* text =
      GENERATE("2026-02-29T00:00:00Z",  // not a leap year
               "2026-11-24T24:00:00Z", "2026-13-01T00:00:00Z", "2026-11-24T09:30:00+01:00",
               "2026-11-24 09:30:00Z", "2026-11-24T09:30:00.25Z");
  INFO(text);
  CHECK_FALSE(parse_canonical_utc_timestamp(text));
}

TEST_CASE("each malformed line is reported with the field at fault", "[collectors][json]") {
  const auto [line, expected] = GENERATE(table<const char*, const char*>({
      {R"({"ts":"yesterday","type":"call_abandoned","call":"c"})",
       R"(field "ts": not an RFC 3339 timestamp or epoch milliseconds)"},
      {R"({"ts":1.5,"type":"call_abandoned","call":"c"})",
       R"(field "ts": not an RFC 3339 timestamp or epoch milliseconds)"},
      {R"({"ts":true,"type":"call_abandoned","call":"c"})", R"(field "ts")"},
      {R"({"type":"call_abandoned","call":"c"})", R"(field "ts": required)"},
      {R"({"ts":1,"call":"c"})", R"(field "type": required)"},
      {R"({"ts":1,"type":"call_teleported","call":"c"})",
       R"(field "type": unknown event type "call_teleported")"},
      {R"({"ts":1,"type":"call_enqueued","call":"c","queue":"q","channel":"fax"})",
       R"(field "channel")"},
      {R"({"ts":1,"type":"call_exited","call":"c"})",
       R"(field "reason": required for call_exited)"},
      {R"({"ts":1,"type":"call_exited","call":"c","reason":"bored"})",
       R"(field "reason": unknown exit reason "bored")"},
      {R"({"ts":1,"type":"agent_state","agent":"a"})",
       R"(field "state": required for agent_state)"},
      {R"({"ts":1,"type":"agent_state","agent":"a","state":"asleep"})",
       R"(field "state": unknown agent state "asleep")"},
      {R"({"ts":1,"type":"agent_state","agent":"a","state":"busy","queues":"sales"})",
       R"(field "queues": must be an array of strings)"},
      {R"({"ts":1,"type":"agent_state","agent":"a","state":"busy","queues":[1]})",
       R"(field "queues": must be an array of strings)"},
      {R"({"ts":1,"type":"call_abandoned","call":42})", R"(field "call": must be a string)"},
      {R"({"ts":1,"type":"call_answered","call":"c","agent":["a"]})",
       R"(field "agent": must be a string)"},
      {"this is not json", "not valid JSON"},
      {R"(["ts",1])", "not a JSON object"},
      {R"({"ts":1,"type":"call_abandoned","call":"c"} trailing)", "not valid JSON"},
  }));
  INFO(line);
  const JsonLineResult result = parse_json_line(line);
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error, Catch::Contains(expected));
}

TEST_CASE("the writer's lines read back as the same events", "[collectors][json]") {
  core::Event enqueued;
  enqueued.type = core::EventType::CallEnqueued;
  enqueued.ts = core::from_epoch_ms(kNineThirtyMs);
  enqueued.call = "call \"7\" \\ \n tab\t";  // characters JSON must escape
  enqueued.queue = "sales";
  enqueued.channel = core::Channel::Callback;
  enqueued.caller = "+46701234567";

  core::Event exited;
  exited.type = core::EventType::CallExited;
  exited.ts = core::from_epoch_ms(kNineThirtyMs + 1);
  exited.call = "c2";
  exited.exit_reason = core::ExitReason::NoAgents;

  core::Event agent;
  agent.type = core::EventType::AgentState;
  agent.ts = core::from_epoch_ms(kNineThirtyMs + 2);
  agent.agent = "åsa";  // UTF-8 passes through
  agent.state = core::AgentStatus::Paused;
  agent.reason = "training";
  agent.queues = std::vector<std::string>{"sales", "billing"};

  for (const auto style : {JsonTimestampStyle::Rfc3339, JsonTimestampStyle::EpochMilliseconds}) {
    for (const auto& event : {enqueued, exited, agent}) {
      const std::string line = to_json_line(event, style);
      INFO(line);
      CHECK(line.find('\n') == std::string::npos);
      CHECK(same_event(parsed(line), event));
    }
  }
  CHECK(
      to_json_line(exited) ==
      R"({"ts":"2026-11-24T09:30:00.251Z","type":"call_exited","call":"c2","reason":"no_agents"})");
}
