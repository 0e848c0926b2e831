// CallcenterMapper over transcripts built byte-exact from mod_callcenter's source
// (esl_transcript.h; no public capture exists, data/SOURCES.md): every call outcome, the NONE
// race, ring-all losers, wrap-up inferred from wrap-up-time, seeding and bad input.
#include <catch2/catch.hpp>

#include "freeswitch_test_support.h"

using namespace floorwatch;
using namespace floorwatch::freeswitch;
using namespace floorwatch::freeswitch::testing;
namespace esl = floorwatch::test::esl;
using Catch::Matchers::Equals;

namespace {

constexpr std::int64_t t0 = 1'800'000'000;  // 2027-01-15T08:00:00Z
const esl::Member m1{"support@default", "m-1", "s-1", "5550001"};
const esl::Member m2{"support@default", "m-2", "s-2", "5550002"};
const esl::Member m3{"support@default", "m-3", "s-3", "5550003"};

core::Timestamp at(std::int64_t seconds, int ms = 0) {
  return core::from_epoch_ms((t0 + seconds) * 1000 + ms);
}

CallcenterSnapshot two_agents(int wrap_up_time) {
  CallcenterSnapshot snapshot;
  snapshot.queues = {"support@default"};
  snapshot.agents = {{"1001@default", "Available", "Waiting", wrap_up_time, 0, 0},
                     {"1002@default", "Available", "Waiting", wrap_up_time, 0, 0}};
  snapshot.tiers = {{"support@default", "1001@default"}, {"support@default", "1002@default"}};
  return snapshot;
}

std::vector<std::string> run(CallcenterMapper& mapper, const std::string& bytes) {
  return describe_all(map_transcript(mapper, bytes, t0), t0);
}

}  // namespace

SCENARIO("an answered call: enqueued, ringing, answered, completed, wrap-up from wrap-up-time",
         "[freeswitch][mapper]") {
  CallcenterMapper mapper;
  CHECK_THAT(describe_all(mapper.seed(two_agents(10), at(0), false), t0),
             Equals(std::vector<std::string>{
                 "agent_state 1001@default available queues=[support@default] @+0",
                 "agent_state 1002@default available queues=[support@default] @+0"}));
  esl::Box box;
  const esl::Answer answer{"1001@default", "a-1", t0, t0 + 1, t0 + 12};
  // The module's order (cdr_callcenter write-up and the source): members-count and the agent
  // events interleave; In a queue call comes after the bridge starts.
  const std::string bytes =
      esl::member_queue_start(box, m1, t0) + esl::members_count(box, m1.queue, 1, t0) +
      esl::agent_state_change(box, "1001@default", "Receiving", t0 + 1) +
      esl::agent_offering(box, m1, "1001@default", t0 + 1) +
      esl::bridge_agent_start(box, m1, answer) + esl::members_count(box, m1.queue, 0, t0 + 12) +
      esl::agent_state_change(box, "1001@default", "In a queue call", t0 + 12) +
      esl::bridge_agent_end(box, m1, answer, t0 + 100) +
      esl::member_queue_end_terminated(box, m1, answer, t0 + 100) +
      esl::agent_state_change(box, "1001@default", "Waiting", t0 + 100);
  // Wait = Answered - Joined = 12 s, exactly as the whole-second headers say.
  CHECK_THAT(
      run(mapper, bytes),
      Equals(std::vector<std::string>{
          "call_enqueued m-1 queue=support@default @+0", "agent_state 1001@default ringing @+1.4",
          "call_answered m-1 1001@default @+12", "call_completed m-1 @+100"}));
  // The daemon holds the agent in wrap-up from call_completed; it ends at ready_time = +110.
  CHECK(mapper.expire(at(109, 999)).empty());
  CHECK_THAT(describe_all(mapper.expire(at(110)), t0),
             Equals(std::vector<std::string>{"agent_state 1001@default available @+110"}));
  CHECK(mapper.stats().count(CcOutcome::Invalid) == 0);
  CHECK(mapper.stats().count(CcOutcome::Duplicate) == 0);
  CHECK(mapper.stats().ignored_by_action.at("members-count") == 2);
  CHECK(mapper.waiting_calls().empty());
}

SCENARIO("calls that leave unanswered: each CC-Cancel-Reason, hang-up or transfer",
         "[freeswitch][mapper]") {
  CallcenterMapper mapper;
  esl::Box box;
  using esl::Caller;
  SECTION("BREAK_OUT with the caller's channel down: abandoned; the ringing agent missed nothing") {
    const auto bytes =
        esl::member_queue_start(box, m1, t0) +
        esl::bridge_agent_fail(box, m1, "1001@default", t0, t0 + 2, t0 + 30, "ORIGINATOR_CANCEL") +
        esl::member_queue_end_cancel(box, m1, t0, t0 + 30, "BREAK_OUT", Caller::HungUp);
    CHECK_THAT(run(mapper, bytes),
               Equals(std::vector<std::string>{"call_enqueued m-1 queue=support@default @+0",
                                               "call_abandoned m-1 @+30"}));
    CHECK(mapper.stats().abandoned_by_hangup == 1);
    CHECK(mapper.stats().lost_races == 1);
    CHECK(mapper.stats().agent_missed_calls == 0);
  }
  SECTION("BREAK_OUT with the caller's channel up: moved on, exited(transfer)") {
    const auto bytes = esl::member_queue_start(box, m1, t0) +
                       esl::member_queue_end_cancel(box, m1, t0, t0 + 8, "BREAK_OUT", Caller::Up);
    CHECK_THAT(run(mapper, bytes),
               Equals(std::vector<std::string>{"call_enqueued m-1 queue=support@default @+0",
                                               "call_exited m-1 transfer @+8"}));
    CHECK(mapper.stats().transferred == 1);
  }
  SECTION("BREAK_OUT without channel data: the caller's CHANNEL_HANGUP_COMPLETE decides") {
    const auto cancel =
        esl::member_queue_start(box, m1, t0) + esl::member_queue_start(box, m2, t0) +
        esl::member_queue_end_cancel(box, m1, t0, t0 + 20, "BREAK_OUT", Caller::NoChannelData) +
        esl::member_queue_end_cancel(box, m2, t0, t0 + 21, "BREAK_OUT", Caller::NoChannelData);
    CHECK(run(mapper, cancel).size() == 2);  // only the two joins: undecided yet
    // m-1's caller hangs up within the grace: abandoned at the time it left the queue.
    CHECK_THAT(run(mapper, esl::channel_hangup_complete(box, m1, t0 + 20)),
               Equals(std::vector<std::string>{"call_abandoned m-1 @+20"}));
    // m-2's caller does not: after the grace (3 s of `now`) it is taken for a transfer.
    CHECK(mapper.expire(at(2, 999)).empty());
    CHECK_THAT(describe_all(mapper.expire(at(3)), t0),
               Equals(std::vector<std::string>{"call_exited m-2 transfer @+21"}));
  }
  SECTION("system exits: TIMEOUT, NO_AGENT_TIMEOUT, EXIT_WITH_KEY") {
    const auto bytes =
        esl::member_queue_start(box, m1, t0) + esl::member_queue_start(box, m2, t0 + 1) +
        esl::member_queue_start(box, m3, t0 + 2) +
        esl::member_queue_end_cancel(box, m1, t0, t0 + 300, "TIMEOUT", Caller::Up) +
        esl::member_queue_end_cancel(box, m2, t0 + 1, t0 + 66, "NO_AGENT_TIMEOUT", Caller::Up) +
        esl::member_queue_end_cancel(box, m3, t0 + 2, t0 + 9, "EXIT_WITH_KEY", Caller::Up);
    const auto lines = run(mapper, bytes);
    CHECK_THAT(std::vector<std::string>(lines.begin() + 3, lines.end()),
               Equals(std::vector<std::string>{"call_exited m-1 timeout @+300",
                                               "call_exited m-2 no_agents @+66",
                                               "call_exited m-3 key @+9"}));
  }
}

SCENARIO("the NONE race: the agent answered, the caller was gone before the bridge",
         "[freeswitch][mapper]") {
  CallcenterMapper mapper;
  mapper.seed(two_agents(0), at(0), false);
  esl::Box box;
  const esl::Answer answer{"1001@default", "a-1", t0, t0 + 3, t0 + 15};
  // bridge-agent-start went out (cc_agent_found set), then member-queue-end Cancel NONE.
  const auto bytes =
      esl::member_queue_start(box, m1, t0) + esl::bridge_agent_start(box, m1, answer) +
      esl::member_queue_end_cancel(box, m1, t0, t0 + 15, "NONE", esl::Caller::HungUp);
  // Decided: answered (within target if 15 s is), and a zero-length talk; no wrap-up time.
  CHECK_THAT(
      run(mapper, bytes),
      Equals(std::vector<std::string>{
          "call_enqueued m-1 queue=support@default @+0", "call_answered m-1 1001@default @+15",
          "call_completed m-1 @+15", "agent_state 1001@default available @+15"}));
  CHECK(mapper.stats().none_races == 1);
  CHECK(mapper.stats().abandoned_by_hangup == 0);
}

SCENARIO("ring-all: the agents who lose the race missed nothing; a no-answer is a miss",
         "[freeswitch][mapper]") {
  CallcenterMapper mapper;
  mapper.seed(two_agents(0), at(0), false);
  esl::Box box;
  const esl::Answer answer{"1001@default", "a-1", t0, t0 + 1, t0 + 6};
  const auto bytes =
      esl::member_queue_start(box, m1, t0) +
      esl::agent_state_change(box, "1001@default", "Receiving", t0 + 1) +
      esl::agent_state_change(box, "1002@default", "Receiving", t0 + 1, 410'000) +
      esl::bridge_agent_start(box, m1, answer) +
      esl::bridge_agent_fail(box, m1, "1002@default", t0, t0 + 1, t0 + 6, "LOSE_RACE") +
      esl::agent_state_change(box, "1002@default", "Waiting", t0 + 6, 800'000) +
      esl::member_queue_start(box, m2, t0 + 7) +
      esl::agent_state_change(box, "1002@default", "Receiving", t0 + 8) +
      esl::bridge_agent_fail(box, m2, "1002@default", t0 + 7, t0 + 8, t0 + 28, "NO_ANSWER") +
      esl::agent_state_change(box, "1002@default", "Waiting", t0 + 28);
  CHECK_THAT(
      run(mapper, bytes),
      Equals(std::vector<std::string>{
          "call_enqueued m-1 queue=support@default @+0", "agent_state 1001@default ringing @+1.4",
          "agent_state 1002@default ringing @+1.4", "call_answered m-1 1001@default @+6",
          "agent_state 1002@default available @+6.8", "call_enqueued m-2 queue=support@default @+7",
          "agent_state 1002@default ringing @+8.4", "agent_state 1002@default available @+28.4"}));
  CHECK(mapper.stats().lost_races == 1);
  CHECK(mapper.stats().agent_missed_calls == 1);
}

TEST_CASE("agent status and state combine into one canonical state", "[freeswitch][mapper]") {
  auto [status, state, expected] = GENERATE(table<std::string, std::string, std::string>({
      {"Available", "Waiting", "available"},
      {"Available (On Demand)", "Waiting", "available"},
      {"Available (On Demand)", "Idle", "paused(Idle)"},
      {"On Break", "Waiting", "paused(On Break)"},
      {"Logged Out", "Waiting", "offline"},
      {"Available", "Receiving", "ringing"},
      {"Available", "Reserved", "ringing"},
      {"On Break", "In a queue call", "busy"},  // a status set mid-call: the call still runs
      {"Logged Out", "In a queue call", "busy"},
  }));
  CallcenterMapper mapper;
  esl::Box box;
  const auto lines = run(mapper, esl::agent_status_change(box, "1001@default", status, t0) +
                                     esl::agent_state_change(box, "1001@default", state, t0 + 1));
  REQUIRE_FALSE(lines.empty());
  const std::string last = lines.back();
  CHECK(last.substr(0, last.find(" @")) == "agent_state 1001@default " + expected);
}

TEST_CASE("bad input is an error naming the header, counted, never a crash",
          "[freeswitch][mapper]") {
  CallcenterMapper mapper;
  const auto custom = [](std::vector<std::pair<std::string, std::string>> headers) {
    headers.insert(headers.begin(),
                   {{"Event-Name", "CUSTOM"}, {"Event-Subclass", "callcenter::info"}});
    return EslEvent::from_headers(headers);
  };
  auto [headers, error] =
      GENERATE_REF(table<std::vector<std::pair<std::string, std::string>>, std::string>({
          {{{"CC-Action", "bridge-agent-start"}, {"CC-Member-UUID", "m"}, {"CC-Agent", "a"}},
           "bridge-agent-start: CC-Agent-Answered-Time missing"},
          {{{"CC-Action", "bridge-agent-start"},
            {"CC-Member-UUID", "m"},
            {"CC-Agent", "a"},
            {"CC-Agent-Answered-Time", "soon"}},
           "bridge-agent-start: CC-Agent-Answered-Time not epoch seconds: \"soon\""},
          // Found by the fuzz target: seconds that overflow milliseconds.
          {{{"CC-Action", "bridge-agent-start"},
            {"CC-Member-UUID", "m"},
            {"CC-Agent", "a"},
            {"CC-Agent-Answered-Time", "89959991799999958"}},
           "bridge-agent-start: CC-Agent-Answered-Time not epoch seconds: \"89959991799999958\""},
          {{{"CC-Action", "member-queue-start"}, {"CC-Queue", "q"}},
           "member-queue-start: CC-Member-UUID missing"},
          {{{"CC-Action", "member-queue-end"},
            {"CC-Member-UUID", "m"},
            {"CC-Cause", "Gone"},
            {"CC-Member-Leaving-Time", "1"}},
           "member-queue-end: CC-Cause unknown value \"Gone\" (Terminated|Cancel)"},
          {{{"CC-Action", "agent-status-change"}, {"CC-Agent", "a"}, {"CC-Agent-Status", "Lunch"}},
           "agent-status-change: CC-Agent-Status unknown value \"Lunch\""},
          {{{"CC-Queue", "q"}}, "CUSTOM: CC-Action missing"},
      }));
  const auto result = mapper.map(custom(headers), at(0));
  CHECK(result.outcome == CcOutcome::Invalid);
  CHECK(result.error == error);
  CHECK(result.events.empty());
  CHECK(mapper.stats().count(CcOutcome::Invalid) == 1);
}

TEST_CASE("events about unknown members are rebuilt from their headers or counted as orphans",
          "[freeswitch][mapper]") {
  CallcenterMapper mapper;
  esl::Box box;
  const esl::Answer answer{"1001@default", "a-1", t0, t0 + 1, t0 + 9};
  // A gap swallowed the joins: a Cancel and a bridge-agent-start carry CC-Queue and
  // CC-Member-Joined-Time, so the call is rebuilt with its real wait. An event with neither
  // is an orphan.
  const auto bytes =
      esl::member_queue_end_cancel(box, m1, t0, t0 + 30, "TIMEOUT", esl::Caller::Up) +
      esl::bridge_agent_start(box, m2, answer);
  CHECK_THAT(
      run(mapper, bytes),
      Equals(std::vector<std::string>{
          "call_enqueued m-1 queue=support@default @+0", "call_exited m-1 timeout @+30",
          "call_enqueued m-2 queue=support@default @+0", "call_answered m-2 1001@default @+9"}));
  CHECK(mapper.stats().reconstructed_calls == 2);
  const auto orphan = mapper.map(EslEvent::from_headers({{"Event-Name", "CUSTOM"},
                                                         {"Event-Subclass", "callcenter::info"},
                                                         {"CC-Action", "bridge-agent-end"},
                                                         {"CC-Member-UUID", "m-9"},
                                                         {"CC-Bridge-Terminated-Time", "1"}}),
                                 at(0));
  CHECK(orphan.outcome == CcOutcome::Orphan);
  // A repeated start is a duplicate, not a second caller.
  CHECK(
      mapper.map(decode_transcript(esl::member_queue_start(box, m2, t0)).front(), at(0)).outcome ==
      CcOutcome::Duplicate);
}

SCENARIO("seeding keeps real join times; a reconnect closes callers that vanished",
         "[freeswitch][mapper]") {
  CcMapperOptions options;
  options.renames = {{"support@default", "support"}, {"1001@default", "anna"}};
  CallcenterMapper mapper(options);
  CallcenterSnapshot first = two_agents(0);
  first.members = {
      {"support@default", "m-1", "s-1", "5550001", "Waiting", "", t0 - 42, 0},
      {"support@default", "m-2", "s-2", "5550002", "Answered", "1001@default", t0 - 90, t0 - 60},
      {"support@default", "m-8", "s-8", "5550008", "Abandoned", "", t0 - 500, 0}};
  first.agents[0].state = "In a queue call";
  CHECK_THAT(describe_all(mapper.seed(first, at(0), false), t0),
             Equals(std::vector<std::string>{
                 "call_enqueued m-1 queue=support @+-42", "call_enqueued m-2 queue=support @+-90",
                 "call_answered m-2 anna @+-60", "agent_state anna busy queues=[support] @+0",
                 "agent_state 1002@default available queues=[support] @+0"}));
  CHECK(mapper.stats().seeded_calls == 2);

  // Reconnect: m-1 is gone (ended while away, outcome unknown), m-2 too; m-3 is new.
  CallcenterSnapshot second = two_agents(0);
  second.members = {{"support@default", "m-3", "s-3", "5550003", "Trying", "", t0 + 50, 0}};
  const auto lines = describe_all(mapper.seed(second, at(60), true), t0);
  CHECK_THAT(
      std::vector<std::string>(lines.begin(), lines.begin() + 3),
      Equals(std::vector<std::string>{"call_enqueued m-3 queue=support @+50",
                                      "call_exited m-1 transfer @+60", "call_completed m-2 @+60"}));
  CHECK(mapper.stats().calls_closed_after_gap == 2);
  CHECK(mapper.waiting_calls() ==
        std::map<std::string, std::vector<std::string>>{{"support", {"m-3"}}});
}
