// QueueLogMapper rules one at a time: old layouts, calls seen mid-life, restarts, the
// membername/interface erratum, and errors that name their field.
#include <catch2/catch.hpp>

#include "asterisk_test_support.h"

using namespace floorwatch::asterisk;
using floorwatch::asterisk::testing::describe_all;
using floorwatch::asterisk::testing::run_queue_log;

namespace {

std::vector<std::string> map_lines(QueueLogMapper& mapper, const std::string& lines) {
  return describe_all(run_queue_log(lines, mapper).events, 1000);
}

QueueLogMapResult map_one(QueueLogMapper& mapper, std::string_view line) {
  auto parsed = QueueLogParser{}.parse(line);
  REQUIRE(std::holds_alternative<QueueLogRecord>(parsed));
  return mapper.map(std::get<QueueLogRecord>(parsed));
}

}  // namespace

SCENARIO("Asterisk 1.4 lines lack trailing fields and still map", "[asterisk]") {
  QueueLogMapper mapper;
  GIVEN("ENTERQUEUE url|callerid, CONNECT holdtime|uniqueid, EXITWITHTIMEOUT position") {
    const auto events = map_lines(mapper,
                                  "1000|7.1|q|NONE|ENTERQUEUE||5550101\n"
                                  "1009|7.1|q|Agent/1|CONNECT|9|7.2\n"
                                  "1070|7.1|q|Agent/1|COMPLETEAGENT|9|61|1\n"
                                  "1100|8.1|q|NONE|ENTERQUEUE||5550102\n"
                                  "1130|8.1|q|NONE|EXITWITHTIMEOUT|1\n"
                                  "1200|9.1|q|NONE|ENTERQUEUE||5550103\n"
                                  "1204|9.1|q|NONE|EXITWITHKEY|3|1\n");
    THEN("the missing wait falls back to the line's own epoch") {
      CHECK(events == std::vector<std::string>{
                          "+0 call_enqueued 7.1 queue=q caller=5550101",
                          "+9 call_answered 7.1 agent=Agent/1",
                          "+9 agent_state Agent/1 busy queues=[q]",
                          "+70 call_completed 7.1",
                          "+70 agent_state Agent/1 available queues=[q]",
                          "+100 call_enqueued 8.1 queue=q caller=5550102",
                          "+130 call_exited 8.1 reason=timeout",
                          "+200 call_enqueued 9.1 queue=q caller=5550103",
                          "+204 call_exited 9.1 reason=key",
                      });
    }
  }
}

SCENARIO("calls that entered the queue before the collector started", "[asterisk]") {
  QueueLogMapper mapper;
  WHEN("the first line of a call is its CONNECT") {
    const auto events = map_lines(mapper, "1050|5.1|q|Alice|CONNECT|50|5.2|3\n");
    THEN("its enqueue is put holdtime before, so the wait is Asterisk's 50 s") {
      CHECK(events == std::vector<std::string>{"+0 call_enqueued 5.1 queue=q caller=",
                                               "+50 call_answered 5.1 agent=Alice",
                                               "+50 agent_state Alice busy queues=[q]"});
      CHECK(mapper.stats().reconstructed_calls == 1);
    }
  }
  WHEN("the first line of a call is its ABANDON") {
    const auto events = map_lines(mapper, "1030|6.1|q|NONE|ABANDON|2|2|30\n");
    THEN("it is rebuilt from the waittime") {
      CHECK(events == std::vector<std::string>{"+0 call_enqueued 6.1 queue=q caller=",
                                               "+30 call_abandoned 6.1"});
    }
  }
  WHEN("the first line is a 1.4 EXITWITHTIMEOUT without a waittime") {
    const auto result = map_one(mapper, "1030|6.1|q|NONE|EXITWITHTIMEOUT|2");
    THEN("there is no honest wait to report: counted as an orphan, nothing sent") {
      CHECK(result.outcome == QueueLogOutcome::Orphan);
      CHECK(result.events.empty());
    }
  }
}

SCENARIO("QUEUESTART closes every call Asterisk lost in its restart", "[asterisk]") {
  QueueLogMapper mapper;
  const auto events = map_lines(mapper,
                                "1000|1.1|q|NONE|ENTERQUEUE||1|1\n"
                                "1000|2.1|q|NONE|ENTERQUEUE||2|2\n"
                                "1010|2.1|q|Bob|CONNECT|10|2.2|1\n"
                                "1500|NONE|NONE|NONE|QUEUESTART|\n");
  THEN("the waiting caller is cut off and the connected one completes at the restart") {
    CHECK(std::vector<std::string>(events.end() - 3, events.end()) ==
          std::vector<std::string>{"+500 call_abandoned 1.1", "+500 call_completed 2.1",
                                   "+500 agent_state Bob available queues=[q]"});
    CHECK(mapper.stats().calls_cut_by_restart == 2);
    CHECK(mapper.open_call_count() == 0);
  }
}

TEST_CASE("membername vs interface in the agent column (formats §1.3 erratum)", "[asterisk]") {
  const std::string lines =
      "1000|MANAGER|q|PJSIP/1001|ADDMEMBER|\n"
      "1010|NONE|q|Alice|PAUSE|lunch\n";
  SECTION("without the alias the same person shows up as two agents") {
    QueueLogMapper mapper;
    CHECK(map_lines(mapper, lines) ==
          std::vector<std::string>{"+0 agent_state PJSIP/1001 available queues=[q]",
                                   "+10 agent_state Alice paused reason=lunch queues=[q]"});
  }
  SECTION("with interface -> membername configured it is one agent") {
    QueueLogMapperOptions options;
    options.member_names = {{"PJSIP/1001", "Alice"}};
    QueueLogMapper mapper(options);
    CHECK(map_lines(mapper, lines) ==
          std::vector<std::string>{"+0 agent_state Alice available queues=[q]",
                                   "+10 agent_state Alice paused reason=lunch queues=[q]"});
  }
}

TEST_CASE("a member paused in one of two queues still takes calls", "[asterisk]") {
  QueueLogMapper mapper;
  CHECK(map_lines(mapper,
                  "1000|MANAGER|sales|Alice|ADDMEMBER|\n"
                  "1000|MANAGER|support|Alice|ADDMEMBER|\n"
                  "1010|NONE|sales|Alice|PAUSE|training\n"
                  "1020|NONE|support|Alice|PAUSE|training\n"
                  "1030|NONE|sales|Alice|REMOVEMEMBER|\n") ==
        std::vector<std::string>{
            "+0 agent_state Alice available queues=[sales]",
            "+0 agent_state Alice available queues=[sales,support]",
            // +10: paused in sales only -> still available (no event: nothing changed)
            "+20 agent_state Alice paused reason=training queues=[sales,support]",
            "+30 agent_state Alice paused reason=training queues=[support]",
        });
}

TEST_CASE("a call reappearing in another queue without an exit line is a flow-out", "[asterisk]") {
  QueueLogMapper mapper;
  CHECK(map_lines(mapper,
                  "1000|1.1|first|NONE|ENTERQUEUE||1|1\n"
                  "1040|1.1|second|NONE|ENTERQUEUE||1|1\n") ==
        std::vector<std::string>{"+0 call_enqueued 1.1 queue=first caller=1",
                                 "+40 call_exited 1.1 reason=transfer",
                                 "+40 call_enqueued 1.1 queue=second caller=1"});
  CHECK(mapper.stats().stale_calls_closed == 1);
}

TEST_CASE("a call re-entering at the second it exited is a real failover, not a repeat",
          "[asterisk]") {
  QueueLogMapper mapper;
  const auto events = map_lines(mapper,
                                "1000|1.1|first|NONE|ENTERQUEUE||1|1\n"
                                "1030|1.1|first|NONE|EXITWITHTIMEOUT|1|1|30\n"
                                "1030|1.1|second|NONE|ENTERQUEUE||1|1\n");
  CHECK(events.back() == "+30 call_enqueued 1.1 queue=second caller=1");
  CHECK(mapper.stats().count(QueueLogOutcome::Duplicate) == 0);
}

TEST_CASE("every queue_log mapping error names the field at fault", "[asterisk]") {
  using Row = std::tuple<std::string, QueueLogField, int, std::string>;
  const auto [line, field, data_index, message] =
      GENERATE(table<std::string, QueueLogField, int, std::string>({
          Row{"1000|NONE|q|NONE|ENTERQUEUE||1|1", QueueLogField::CallId, -1,
              "callid: missing for ENTERQUEUE"},
          Row{"1000|1.1|NONE|NONE|ENTERQUEUE||1|1", QueueLogField::Queue, -1,
              "queue: missing for ENTERQUEUE"},
          Row{"1000|1.1|q|NONE|CONNECT|5|1.2|1", QueueLogField::Agent, -1,
              "agent: missing for CONNECT"},
          Row{"1000|1.1|q|Alice|CONNECT", QueueLogField::Data, 1,
              "data1: holdtime missing for CONNECT"},
          Row{"1000|1.1|q|Alice|CONNECT|abc|1.2|1", QueueLogField::Data, 1,
              "data1: holdtime is not a whole number of seconds: 'abc'"},
          Row{"1000|1.1|q|Alice|COMPLETECALLER|5|x|1", QueueLogField::Data, 2,
              "data2: calltime is not a whole number of seconds: 'x'"},
          Row{"1000|1.1|q|NONE|ABANDON|1|1|-3", QueueLogField::Data, 3,
              "data3: waittime is not a whole number of seconds: '-3'"},
          Row{"1000|1.1|q|Alice|ATTENDEDTRANSFER|BRIDGE|x|1", QueueLogField::Data, 4,
              "data4: ATTENDEDTRANSFER needs at least 5 data fields, has 3"},
          Row{"1000|MANAGER|q|NONE|ADDMEMBER|", QueueLogField::Agent, -1,
              "agent: missing for ADDMEMBER"},
          Row{"1000|NONE|NONE|Alice|PAUSE|x", QueueLogField::Queue, -1, "queue: missing for PAUSE"},
      }));
  CAPTURE(line);
  QueueLogMapper mapper;
  const auto result = map_one(mapper, line);
  CHECK(result.outcome == QueueLogOutcome::Invalid);
  CHECK(result.events.empty());
  REQUIRE(result.error.has_value());
  CHECK(result.error->field == field);
  CHECK(result.error->data_index == data_index);
  CHECK(result.error->message == message);
  CHECK(mapper.stats().count(QueueLogOutcome::Invalid) == 1);
}
