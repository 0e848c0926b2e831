// The hand-written queue_log (every mapped event type) and the real messy one, end to end:
// lines -> parser -> mapper -> canonical events, plus Asterisk's own SL on the same lines.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "asterisk_test_support.h"
#include "floorwatch/asterisk/asterisk_service_level.h"

using namespace floorwatch::asterisk;
using floorwatch::asterisk::testing::describe_all;
using floorwatch::asterisk::testing::read_fixture;
using floorwatch::asterisk::testing::run_queue_log;
using floorwatch::core::Event;
using floorwatch::core::EventType;

namespace {

constexpr std::int64_t kBase = 1700000000;  // epoch of the hand-written file's first line

QueueLogMapperOptions handwritten_options() {
  // Alice and Bob have MemberNames in queues.conf; Carol has none, so her membername is her
  // interface. ADDMEMBER/REMOVEMEMBER name the interface (formats §1.3).
  QueueLogMapperOptions options;
  options.member_names = {{"PJSIP/alice", "Alice"}, {"PJSIP/bob", "Bob"}};
  return options;
}

// floorwatch's `answered_only` service level (docs/metrics.md, OutcomeCounters): answered
// calls whose wait (call_answered.ts - call_enqueued.ts) is <= the target, over all answered
// calls, counted when the call is answered. Evaluated here on the mapped events.
struct FloorwatchCounts {
  int answered = 0, answered_within = 0, abandoned = 0, abandoned_within = 0, exited = 0;
  std::map<std::string, std::int64_t> wait_ms_by_call;
};
FloorwatchCounts floorwatch_counts(const std::vector<Event>& events, std::int64_t target_ms) {
  FloorwatchCounts counts;
  std::map<std::string, std::int64_t> enqueued_ms;
  for (const Event& e : events) {
    const std::int64_t ts = floorwatch::core::to_epoch_ms(e.ts);
    if (e.type == EventType::CallEnqueued) enqueued_ms[e.call] = ts;
    if (e.type == EventType::CallAnswered || e.type == EventType::CallAbandoned) {
      const std::int64_t wait = ts - enqueued_ms.at(e.call);
      counts.wait_ms_by_call[e.call] = wait;
      const bool within = wait <= target_ms;
      if (e.type == EventType::CallAnswered) {
        ++counts.answered;
        counts.answered_within += within;
      } else {
        ++counts.abandoned;
        counts.abandoned_within += within;
      }
    }
    if (e.type == EventType::CallExited) ++counts.exited;
  }
  return counts;
}

}  // namespace

TEST_CASE("hand-written queue_log maps to the canonical events derived by hand", "[asterisk]") {
  QueueLogMapper mapper(handwritten_options());
  const auto run = run_queue_log(read_fixture("handwritten_queue_log.txt"), mapper);

  REQUIRE(run.parse_errors.empty());
  REQUIRE(run.records.size() == 47);
  // Walked line by line; "+N" is seconds after 1700000000. Waits come from the logged
  // holdtime/waittime fields (docs: "which wait time"), so each answer/abandon/exit time is
  // ENTERQUEUE epoch + that field.
  const std::vector<std::string> expected = {
      // QUEUESTART with no open calls: nothing. ADDMEMBER names interfaces; aliases map them.
      "+1 agent_state Alice available queues=[support]",
      "+1 agent_state Bob available queues=[support]",
      "+2 agent_state PJSIP/carol paused queues=[support]",  // ADDMEMBER ...|PAUSED
      "+3 agent_state Agent/3001 available queues=[]",       // AGENTLOGIN, no queue yet
      "+4 agent_state PJSIP/carol available queues=[support]",
      // +10 DID: ignored.
      "+10 call_enqueued 1700000010.1 queue=support caller=5550101",
      "+15 call_enqueued 1700000015.2 queue=support caller=5550102",
      // +16 RINGNOANSWER Bob: an attempt; no event.
      "+20 call_enqueued 1700000020.3 queue=support caller=5550103",
      "+22 call_answered 1700000010.1 agent=Alice",  // 10 + holdtime 12
      "+22 agent_state Alice busy queues=[support]",
      // +28 RINGCANCELED: no event.
      "+28 call_abandoned 1700000020.3",  // 20 + waittime 8
      "+30 call_enqueued 1700000030.4 queue=support caller=5550104",
      // CONNECT at +35 with holdtime 21: ENTERQUEUE was logged a second after qe.start, so
      // the answer is put at 15 + 21 = +36 (within the 1 s tolerance of the line's +35).
      "+36 call_answered 1700000015.2 agent=Bob",
      "+36 agent_state Bob busy queues=[support]",
      "+40 call_enqueued 1700000040.5 queue=support caller=5550105",
      "+45 call_exited 1700000040.5 reason=key",  // EXITWITHKEY: 40 + waittime 5
      "+60 agent_state PJSIP/carol paused reason=lunch queues=[support]",
      "+90 call_exited 1700000030.4 reason=timeout",  // 30 + 60
      "+95 call_completed 1700000015.2",
      "+95 agent_state Bob available queues=[support]",
      "+98 agent_state PJSIP/carol available queues=[support]",
      "+100 call_enqueued 1700000100.6 queue=support caller=5550106",
      "+105 call_answered 1700000100.6 agent=PJSIP/carol",
      "+105 agent_state PJSIP/carol busy queues=[support]",
      "+110 call_enqueued 1700000110.7 queue=support caller=5550107",
      "+120 call_enqueued 1700000120.8 queue=support caller=5550108",
      // +120 CONFIGRELOAD: nothing.
      "+125 call_answered 1700000110.7 agent=Bob",
      "+125 agent_state Bob busy queues=[support]",
      "+142 call_completed 1700000010.1",  // COMPLETECALLER
      "+142 agent_state Alice available queues=[support]",
      "+150 call_answered 1700000120.8 agent=Alice",
      "+150 agent_state Alice busy queues=[support]",
      "+165 call_completed 1700000100.6",  // BLINDTRANSFER: the connected call completes
      "+165 agent_state PJSIP/carol available queues=[support]",
      "+185 call_completed 1700000110.7",  // ATTENDEDTRANSFER
      "+185 agent_state Bob available queues=[support]",
      "+200 call_completed 1700000120.8",  // TRANSFER (Asterisk <= 11)
      "+200 agent_state Alice available queues=[support]",
      // PAUSEALL; the per-queue PAUSE Asterisk writes after it changes nothing.
      "+200 agent_state Bob paused reason=meeting queues=[support]",
      "+210 call_enqueued 1700000210.10 queue=support caller=5550109",
      // +215 INFO: ignored.
      "+230 agent_state Bob available queues=[support]",  // UNPAUSEALL; UNPAUSE adds nothing
      "+240 agent_state Agent/3001 offline queues=[]",    // AGENTLOGOFF
      "+241 agent_state Alice paused reason=break queues=[support]",
      "+245 agent_state Bob paused reason=training queues=[support]",
      "+250 agent_state PJSIP/carol offline queues=[]",   // REMOVEMEMBER of her last queue
      "+251 call_exited 1700000210.10 reason=no_agents",  // EXITEMPTY: 210 + 41
      "+255 agent_state Alice available queues=[support]",
      "+260 call_enqueued 1700000260.11 queue=support caller=5550110",
      "+264 call_answered 1700000260.11 agent=Alice",
      "+264 agent_state Alice busy queues=[support]",
  };
  CHECK(describe_all(run.events, kBase) == expected);

  const auto& stats = mapper.stats();
  CHECK(stats.count(QueueLogOutcome::Mapped) == 45);
  CHECK(stats.count(QueueLogOutcome::Ignored) == 2);
  CHECK(stats.ignored_by_event ==
        std::map<std::string, std::int64_t, std::less<>>{{"DID", 1}, {"INFO", 1}});
  CHECK(stats.count(QueueLogOutcome::Duplicate) == 0);
  CHECK(stats.reconstructed_calls == 0);
  CHECK(stats.wait_mismatches == 0);
  CHECK(mapper.open_call_count() == 1);  // 1700000260.11 is still talking
}

TEST_CASE("floorwatch answered_only reproduces Asterisk's SL on the hand-written log",
          "[asterisk]") {
  // queues.conf: servicelevel=20 for `support`; floorwatch: answer_target 20 s, answered_only.
  constexpr std::int64_t kTargetMs = 20'000;
  const std::string log = read_fixture("handwritten_queue_log.txt");

  GIVEN("the log as written: the last call is still talking") {
    QueueLogMapper mapper(handwritten_options());
    const auto run = run_queue_log(log, mapper);
    const auto asterisk = asterisk_service_level(run.records, std::chrono::seconds{20});
    const AsteriskQueueCounters& support = asterisk.at("support");

    THEN("Asterisk counts only finished calls") {
      // C: COMPLETECALLER .1 (hold 12), COMPLETEAGENT .2 (21), BLINDTRANSFER .6 (5),
      //    ATTENDEDTRANSFER .7 (15), TRANSFER .8 (30) -> C = 5; <= 20 s: .1 .6 .7 -> C_in = 3.
      // A: ABANDON .3 (wait 8), EXITWITHTIMEOUT .4 (60), EXITEMPTY .10 (41) -> A = 3, A_in = 1.
      //    EXITWITHKEY .5 counts as neither (app_queue L9199).
      CHECK(support == AsteriskQueueCounters{5, 3, 3, 1});
      CHECK(format_asterisk_percent(support.service_level_percent()) == "60.0");   // 3/5
      CHECK(format_asterisk_percent(support.service_level2_percent()) == "50.0");  // 4/8
    }
    THEN("floorwatch already counts the call in progress, at its answer") {
      const auto counts = floorwatch_counts(run.events, kTargetMs);
      // Answered .1 (12 s) .2 (21 s) .6 (5) .7 (15) .8 (30) .11 (4) -> 6; within: 4.
      CHECK(counts.answered == 6);
      CHECK(counts.answered_within == 4);
      // The boundary case: timestamps alone (ENTERQUEUE +15, CONNECT +35) say 20 s, which
      // would be inside the target; Asterisk measured 21 s from qe.start and so do we.
      CHECK(counts.wait_ms_by_call.at("1700000015.2") == 21'000);
    }
  }

  GIVEN("the last call has finished too") {
    QueueLogMapper mapper(handwritten_options());
    const auto run = run_queue_log(
        log + "1700000300|1700000260.11|support|Alice|COMPLETECALLER|4|36|1\n", mapper);
    const auto support =
        asterisk_service_level(run.records, std::chrono::seconds{20}).at("support");
    const auto counts = floorwatch_counts(run.events, kTargetMs);

    THEN("answered_only equals Asterisk's SL: 4 of 6 answered within 20 s") {
      CHECK(support.completed == 6);
      CHECK(support.completed_in_sl == 4);
      CHECK(format_asterisk_percent(support.service_level_percent()) == "66.7");
      REQUIRE(counts.answered == support.completed);
      CHECK(counts.answered_within == support.completed_in_sl);
      CHECK(format_asterisk_percent(100.0 * counts.answered_within / counts.answered) == "66.7");
    }
    THEN("SL2 differs: Asterisk counts timeouts and empty-queue exits as abandons") {
      // Asterisk SL2 = (C_in + A_in) / (C + A) = (4 + 1) / (6 + 3) = 55.6 %.
      CHECK(format_asterisk_percent(support.service_level2_percent()) == "55.6");
      // floorwatch abandons_positive = (A_in + Ab_in) / (A + Ab): only the ABANDON is an
      // abandon; EXITWITHTIMEOUT, EXITEMPTY and EXITWITHKEY are exits -> (4 + 1) / (6 + 1).
      CHECK(counts.abandoned == 1);
      CHECK(counts.abandoned_within == 1);
      CHECK(counts.exited == 3);
      const double abandons_positive = 100.0 * (counts.answered_within + counts.abandoned_within) /
                                       (counts.answered + counts.abandoned);
      CHECK(format_asterisk_percent(abandons_positive) == "71.4");
    }
  }
}

TEST_CASE("Asterisk's counters restart at QUEUESTART and count each call once", "[asterisk]") {
  const QueueLogParser parser;
  std::vector<QueueLogRecord> records;
  for (const char* line : {
           "100|1.1|q|NONE|ENTERQUEUE||1|1", "105|1.1|q|A|CONNECT|5|2.2|1",
           "160|1.1|q|A|COMPLETECALLER|5|55|1",
           "200|NONE|NONE|NONE|QUEUESTART|",  // restart: everything above is forgotten
           "300|3.3|q|NONE|ENTERQUEUE||1|1", "340|3.3|q|A|CONNECT|40|4.4|1",
           "400|3.3|q|A|COMPLETEAGENT|40|60|1",
           "400|3.3|q|A|COMPLETEAGENT|40|60|1",  // repeated line: app_queue counts once
       }) {
    records.push_back(std::get<QueueLogRecord>(parser.parse(line)));
  }
  // Only call 3.3 remains: held 40 s > 30 s -> C = 1, C_in = 0 -> SL 0.0.
  const auto counters = asterisk_service_level(records, std::chrono::seconds{30});
  CHECK(counters.at("q") == AsteriskQueueCounters{1, 0, 0, 0});
  CHECK(format_asterisk_percent(counters.at("q").service_level_percent()) == "0.0");
  // No calls at all prints 0.0 too (not "none"): Asterisk's convention, not floorwatch's.
  CHECK(AsteriskQueueCounters{}.service_level_percent() == 0.0);
}

TEST_CASE("the real messy FreePBX queue_log maps without crashing, counted", "[asterisk]") {
  QueueLogMapper mapper;
  const auto run = run_queue_log(read_fixture("asterisk2slack_fixture_queue_log.txt"), mapper);

  // Derived by reading the 23 lines (see tests/asterisk/data/LICENSES.md for the file):
  // 21 records + 2 blank lines, no parse error.
  CHECK(run.parse_errors.empty());
  CHECK(run.records.size() == 21);
  CHECK(run.blank_lines == 2);

  const auto& stats = mapper.stats();
  // Ignored: the DID line. Duplicates: the six ENTERQUEUEs of .757927 stamped 1546015415,
  // before that call's COMPLETECALLER at 1546015547 (a call cannot re-enter before it ends),
  // and the three extra COMPLETEAGENTs of .760296 at the second it completed.
  CHECK(stats.count(QueueLogOutcome::Ignored) == 1);
  CHECK(stats.ignored_by_event.at("DID") == 1);
  CHECK(stats.count(QueueLogOutcome::Duplicate) == 9);
  // Mapped: 2 ENTERQUEUE, 3 RINGNOANSWER, 3 CONNECT, 3 COMPLETE* = 11.
  CHECK(stats.count(QueueLogOutcome::Mapped) == 11);
  CHECK(stats.count(QueueLogOutcome::Invalid) == 0);
  CHECK(stats.count(QueueLogOutcome::Orphan) == 0);
  // .760296's CONNECT and .760166's COMPLETECALLER belong to calls whose ENTERQUEUE is not in
  // the file: both are rebuilt from their hold/call times.
  CHECK(stats.reconstructed_calls == 2);

  std::multiset<std::string> calls_by_type;
  for (const Event& event : run.events) {
    if (event.type != EventType::AgentState) {
      calls_by_type.insert(std::string(testing::type_name(event.type)) + " " + event.call);
    }
  }
  CHECK(calls_by_type == std::multiset<std::string>{
                             "call_enqueued 1546015415.757927",
                             "call_answered 1546015415.757927",
                             "call_completed 1546015415.757927",
                             "call_enqueued 1546027663.761192",
                             "call_answered 1546027663.761192",
                             "call_enqueued 1546023970.760296",  // at 1546023976 - 6
                             "call_answered 1546023970.760296",
                             "call_completed 1546023970.760296",
                             "call_enqueued 1546023604.760166",  // at 1546024020 - 406 - 10
                             "call_answered 1546023604.760166",
                             "call_completed 1546023604.760166",
                         });
  // The rebuilt enqueue of .760166 sits where its hold and talk times put it.
  for (const Event& event : run.events) {
    if (event.type == EventType::CallEnqueued && event.call == "1546023604.760166") {
      CHECK(floorwatch::core::to_epoch_ms(event.ts) == 1546023604'000);
    }
  }
  CHECK(mapper.open_call_count() == 1);  // .761192 was answered and never completed
}
