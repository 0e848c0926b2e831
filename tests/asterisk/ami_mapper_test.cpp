// AmiMapper: QueueStatus seeding on real and hand-written streams, then a call's life.
#include <catch2/catch.hpp>

#include "asterisk_test_support.h"
#include "floorwatch/asterisk/ami_framer.h"
#include "floorwatch/asterisk/ami_mapper.h"

using namespace floorwatch::asterisk;
using floorwatch::asterisk::testing::describe_all;
using floorwatch::asterisk::testing::read_fixture;
using floorwatch::core::AgentStatus;
using floorwatch::core::Event;
using floorwatch::core::from_epoch_ms;

namespace {

std::vector<AmiMessage> frame_all(const std::string& bytes) {
  AmiFramer framer;
  framer.feed(bytes);
  std::vector<AmiMessage> messages;
  while (auto message = framer.next()) messages.push_back(std::move(*message));
  return messages;
}

AmiMessage message(std::initializer_list<std::pair<std::string, std::string>> fields) {
  AmiMessage m;
  for (const auto& [key, value] : fields) m.add(key, value);
  return m;
}

}  // namespace

TEST_CASE("QueueStatus seeding from the real Asterisk 11 capture", "[asterisk]") {
  AmiMapper mapper;
  const auto now = from_epoch_ms(1413902857'000);  // the capture's Ping timestamp
  std::vector<Event> events;
  for (const auto& m : frame_all(read_fixture("panoramisk_ami_queue_status_capture_2014.txt"))) {
    const auto result = mapper.map(m, now);
    events.insert(events.end(), result.events.begin(), result.events.end());
  }
  const std::string queue = "xxxxxxxxxxxxxxxx-tous";

  // Read from the capture: Calls: 0 and no QueueEntry, so nobody is waiting. Members of the
  // first reply: Agent/220, 859, 214, 333 with Status 1 (NOT_INUSE), Paused 0 -> available;
  // Agent/999 Status 5 (UNAVAILABLE) -> offline although also paused. The second reply adds
  // Agent/213 (available); the third repeats the second and changes nothing.
  CHECK(mapper.waiting_calls().empty());
  CHECK(mapper.agent_states() == std::map<std::string, AgentStatus>{
                                     {"Agent/213", AgentStatus::Available},
                                     {"Agent/214", AgentStatus::Available},
                                     {"Agent/220", AgentStatus::Available},
                                     {"Agent/333", AgentStatus::Available},
                                     {"Agent/859", AgentStatus::Available},
                                     {"Agent/999", AgentStatus::Offline},
                                 });
  CHECK(mapper.agent_queues().at("Agent/999") == std::vector<std::string>{queue});
  // One agent_state per member when first seen; repeats of identical replies emit nothing.
  CHECK(describe_all(events, 1413902857) ==
        std::vector<std::string>{
            "+0 agent_state Agent/220 available queues=[" + queue + "]",
            "+0 agent_state Agent/859 available queues=[" + queue + "]",
            "+0 agent_state Agent/214 available queues=[" + queue + "]",
            "+0 agent_state Agent/333 available queues=[" + queue + "]",
            "+0 agent_state Agent/999 offline queues=[" + queue + "]",
            "+0 agent_state Agent/213 available queues=[" + queue + "]",
        });
  // Asterisk's own figures, kept as printed: Completed 60, Abandoned 5, SL 0.0, no SL2 on 11.
  const AmiQueueParams& params = mapper.queue_params().at(queue);
  CHECK(params.completed == 60);
  CHECK(params.abandoned == 5);
  CHECK(params.service_level_seconds == 0);
  CHECK(params.service_level_percent == "0.0");
  CHECK_FALSE(params.service_level2_percent.has_value());
  // 3 QueueParams + 17 QueueMember + 3 QueueStatusComplete mapped; the other 17 ignored.
  CHECK(mapper.stats().count(AmiOutcome::Mapped) == 23);
  CHECK(mapper.stats().count(AmiOutcome::Ignored) == 17);
}

TEST_CASE("real agent-login stream: member events map, the rest is ignored", "[asterisk]") {
  AmiMapper mapper;
  std::vector<Event> events;
  for (const auto& m : frame_all(read_fixture("panoramisk_ami_agent_login_capture_2014.txt"))) {
    const auto result = mapper.map(m, from_epoch_ms(1409170000'000));
    events.insert(events.end(), result.events.begin(), result.events.end());
  }
  // In file order: QueueMemberStatus Agent/401 Status 1; QueueMemberAdded Agent/402 Status 2
  // (INUSE: the agent is on the phone doing the login); QueueMemberStatus Agent/402 Status 1
  // twice (the second is a repeat and emits nothing).
  CHECK(describe_all(events, 1409170000) ==
        std::vector<std::string>{"+0 agent_state Agent/401 available queues=[general_queue]",
                                 "+0 agent_state Agent/402 busy queues=[general_queue]",
                                 "+0 agent_state Agent/402 available queues=[general_queue]"});
  CHECK(mapper.stats().count(AmiOutcome::Mapped) == 4);
  CHECK(mapper.stats().count(AmiOutcome::Ignored) == 161 - 4);
  CHECK(mapper.stats().ignored_by_event.at("AGIExec") == 62);
}

SCENARIO("hand-written Asterisk 16 stream: seeding, then calls come and go", "[asterisk]") {
  AmiFramer framer;
  // CRLF, fed in 5-byte pieces.
  const std::string bytes = read_fixture("handwritten_ami_asterisk16.txt");
  for (std::size_t at = 0; at < bytes.size(); at += 5) framer.feed(bytes.substr(at, 5));
  std::vector<AmiMessage> messages;
  while (auto m = framer.next()) messages.push_back(std::move(*m));
  REQUIRE(framer.banner() == "Asterisk Call Manager/5.0.1");
  REQUIRE(messages.size() == 25);

  AmiMapper mapper;
  constexpr std::int64_t kConnectedAt = 1700001145;  // when QueueStatus was answered
  const auto now = from_epoch_ms(kConnectedAt * 1000);
  std::vector<AmiMapResult> results;
  std::vector<Event> events;
  for (const auto& m : messages) {
    results.push_back(mapper.map(m, now));
    events.insert(events.end(), results.back().events.begin(), results.back().events.end());
  }
  const auto described = describe_all(events, 1700001100);

  THEN("QueueStatus seeds members and waiting callers with their real waits") {
    // QueueEntry Wait 45 and 12 at 1700001145 -> they joined at +0 and +33 (the same seconds
    // as their uniqueids). Erin Status 2 (INUSE) -> busy; Frank Paused 1 "coaching".
    CHECK(std::vector<std::string>(described.begin(), described.begin() + 4) ==
          std::vector<std::string>{
              "+45 agent_state Erin busy queues=[sales]",
              "+45 agent_state Frank paused reason=coaching queues=[sales]",
              "+0 call_enqueued 1700001100.16 queue=sales caller=5550201",
              "+33 call_enqueued 1700001133.17 queue=sales caller=",  // <unknown> dropped
          });
    CHECK(mapper.stats().seeded_calls == 2);
    const AmiQueueParams& params = mapper.queue_params().at("sales");
    CHECK(params.service_level_seconds == 30);
    CHECK(params.service_level_percent == "75.0");
    CHECK(params.service_level2_percent == std::optional<std::string>("73.3"));
  }
  THEN("live events use their Timestamp: header and the reported durations") {
    CHECK(std::vector<std::string>(described.begin() + 4, described.end()) ==
          std::vector<std::string>{
              "+50.250 call_enqueued 1700001150.18 queue=sales caller=5550203",
              // the repeated QueueCallerJoin: nothing
              "+50.500 agent_state Frank available queues=[sales]",  // QueueMemberPause 0
              "+51 agent_state Frank ringing queues=[sales]",        // AgentCalled
              "+66 agent_state Frank available queues=[sales]",      // AgentRingNoAnswer
              "+66.500 agent_state Frank ringing queues=[sales]",
              // QueueCallerLeave at +70 is not an outcome; AgentConnect HoldTime 70 is:
              // joined +0, answered +70.
              "+70 call_answered 1700001100.16 agent=Frank",
              "+70 agent_state Frank busy queues=[sales]",
              // QueueCallerAbandon HoldTime 47 is a duration: joined +33, left +80.
              "+80 call_abandoned 1700001133.17",
              "+85 agent_state Erin available queues=[sales]",  // QueueMemberStatus Status 1
              "+130 call_completed 1700001100.16",
              "+130 agent_state Frank available queues=[sales]",
              // the repeated AgentComplete: nothing; Leave of .18 at +140: pending
              "+150 agent_state Erin offline queues=[]",  // QueueMemberRemoved
          });
    CHECK(mapper.stats().count(AmiOutcome::Duplicate) == 2);
  }
  THEN("a caller who left without being answered or abandoning pressed a key") {
    CHECK(mapper.expire(from_epoch_ms(1700001260'000)).empty());        // 20 s < 30 s grace
    const auto expired = mapper.expire(from_epoch_ms(1700001280'000));  // 40 s
    CHECK(describe_all(expired, 1700001100) ==
          std::vector<std::string>{"+140 call_exited 1700001150.18 reason=key"});
    CHECK(mapper.waiting_calls().empty());
  }
}

TEST_CASE("Asterisk 11 event names and keys map like the 12+ ones", "[asterisk]") {
  AmiMapper mapper;
  const auto at = [](std::int64_t s) { return from_epoch_ms(s * 1000); };
  std::vector<Event> events;
  const auto feed = [&](const AmiMessage& m, std::int64_t s) {
    const auto result = mapper.map(m, at(s));
    REQUIRE(result.outcome == AmiOutcome::Mapped);
    events.insert(events.end(), result.events.begin(), result.events.end());
  };
  feed(message({{"Event", "Join"},
                {"Channel", "SIP/t-1"},
                {"CallerIDNum", "5550301"},
                {"Queue", "q"},
                {"Position", "1"},
                {"Count", "1"},
                {"Uniqueid", "11.1"}}),
       1000);
  feed(message({{"Event", "QueueMemberPaused"},
                {"Queue", "q"},
                {"Location", "SIP/100"},
                {"MemberName", "Gina"},
                {"Paused", "1"},
                {"Reason", "lunch"}}),
       1001);
  feed(message({{"Event", "QueueMemberPaused"},
                {"Queue", "q"},
                {"Location", "SIP/100"},
                {"MemberName", "Gina"},
                {"Paused", "0"}}),
       1002);
  feed(message({{"Event", "Leave"},
                {"Channel", "SIP/t-1"},
                {"Queue", "q"},
                {"Count", "0"},
                {"Position", "1"},
                {"Uniqueid", "11.1"}}),
       1009);
  // 11's AgentConnect: Member (interface), MemberName, "Holdtime" with a lower-case t.
  feed(message({{"Event", "AgentConnect"},
                {"Queue", "q"},
                {"Uniqueid", "11.1"},
                {"Member", "SIP/100"},
                {"MemberName", "Gina"},
                {"Holdtime", "9"},
                {"Ringtime", "2"}}),
       1009);
  CHECK(describe_all(events, 1000) ==
        std::vector<std::string>{"+0 call_enqueued 11.1 queue=q caller=5550301",
                                 "+1 agent_state Gina paused reason=lunch queues=[q]",
                                 "+2 agent_state Gina available queues=[q]",
                                 "+9 call_answered 11.1 agent=Gina",
                                 "+9 agent_state Gina busy queues=[q]"});
}

TEST_CASE("AMI events without enough to go on are counted, with the key named", "[asterisk]") {
  AmiMapper mapper;
  const auto now = from_epoch_ms(1'000'000);
  SECTION("AgentConnect without HoldTime") {
    const auto result = mapper.map(
        message(
            {{"Event", "AgentConnect"}, {"Queue", "q"}, {"Uniqueid", "1.1"}, {"MemberName", "A"}}),
        now);
    CHECK(result.outcome == AmiOutcome::Invalid);
    CHECK(result.error == "AgentConnect: HoldTime missing");
  }
  SECTION("QueueCallerJoin without Uniqueid") {
    const auto result = mapper.map(message({{"Event", "QueueCallerJoin"}, {"Queue", "q"}}), now);
    CHECK(result.outcome == AmiOutcome::Invalid);
    CHECK(result.error == "QueueCallerJoin: Uniqueid missing");
  }
  SECTION("QueueEntry with a Wait that is not a number") {
    const auto result = mapper.map(
        message({{"Event", "QueueEntry"}, {"Queue", "q"}, {"Uniqueid", "1.1"}, {"Wait", "soon"}}),
        now);
    CHECK(result.outcome == AmiOutcome::Invalid);
    CHECK(result.error == "QueueEntry: Wait is not a whole number of seconds: 'soon'");
  }
  SECTION("an abandon for a call never seen, without HoldTime") {
    const auto result = mapper.map(
        message({{"Event", "QueueCallerAbandon"}, {"Queue", "q"}, {"Uniqueid", "1.1"}}), now);
    CHECK(result.outcome == AmiOutcome::Orphan);
  }
}
