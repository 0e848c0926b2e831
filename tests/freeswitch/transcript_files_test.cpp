// The transcripts in tests/freeswitch/data (the fuzz targets' seeds and a readable record of
// what the tests replay) are exactly what esl_transcript.h builds, and map as documented.
// Regenerate them with FLOORWATCH_WRITE_TRANSCRIPTS=1 build/tests/floorwatch_freeswitch_tests
// "[transcripts]".
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "freeswitch_test_support.h"

using namespace floorwatch;
using namespace floorwatch::freeswitch;
using namespace floorwatch::freeswitch::testing;
namespace esl = floorwatch::test::esl;

namespace {

constexpr std::int64_t t0 = 1'800'000'000;

// One answered call with ring-all (a loser), one abandon, and the NONE race.
std::string live_events() {
  esl::Box box;
  const esl::Member m1{"support@default", "1b1d2e4a-0001", "7f3c9a10-0001", "+46701230001", "Anna"};
  const esl::Member m2{"support@default", "1b1d2e4a-0002", "7f3c9a10-0002", "+46701230002", "Bo"};
  const esl::Member m3{"sales@default", "1b1d2e4a-0003", "7f3c9a10-0003", "+46701230003", "Cy"};
  const esl::Answer a1{"1001@default", "c2a1d6e0-0001", t0, t0 + 1, t0 + 12};
  const esl::Answer a3{"1003@default", "c2a1d6e0-0003", t0 + 2, t0 + 3, t0 + 20};
  return esl::member_queue_start(box, m1, t0) + esl::members_count(box, m1.queue, 1, t0) +
         esl::member_queue_start(box, m2, t0 + 1) + esl::member_queue_start(box, m3, t0 + 2) +
         esl::agent_state_change(box, "1001@default", "Receiving", t0 + 1) +
         esl::agent_state_change(box, "1002@default", "Receiving", t0 + 1, 420'000) +
         esl::agent_offering(box, m1, "1001@default", t0 + 1) +
         esl::bridge_agent_start(box, m1, a1) +
         esl::bridge_agent_fail(box, m1, "1002@default", t0, t0 + 1, t0 + 12, "LOSE_RACE") +
         esl::agent_state_change(box, "1002@default", "Waiting", t0 + 12, 800'000) +
         esl::member_queue_end_cancel(box, m2, t0 + 1, t0 + 19, "BREAK_OUT", esl::Caller::HungUp) +
         esl::bridge_agent_start(box, m3, a3) +
         esl::member_queue_end_cancel(box, m3, t0 + 2, t0 + 20, "NONE", esl::Caller::HungUp) +
         esl::bridge_agent_end(box, m1, a1, t0 + 95) +
         esl::member_queue_end_terminated(box, m1, a1, t0 + 95) +
         esl::agent_state_change(box, "1001@default", "Waiting", t0 + 95) +
         esl::agent_status_change(box, "1002@default", "On Break", t0 + 120);
}

std::string seeding_replies() {
  const esl::Member m4{"support@default", "1b1d2e4a-0004", "7f3c9a10-0004", "+46701230004", "Di"};
  return esl::api_response(esl::queue_list({"sales@default", "support@default"})) +
         esl::api_response(esl::agent_list(
             {esl::agent_row("1001@default", "Available", "Waiting", 10),
              esl::agent_row("1002@default", "Available (On Demand)", "Idle", 0, 0,
                             "{ignore_early_media=true}user/1002|user/1002-mobile")})) +
         esl::api_response(esl::tier_list({{"support@default", "1001@default"},
                                           {"support@default", "1002@default"},
                                           {"sales@default", "1001@default"}})) +
         esl::api_response(esl::members_list({})) +
         esl::api_response(esl::members_list({esl::member_row(m4, t0 - 42, "Waiting")}));
}

std::string data_path(const std::string& name) {
  return std::string(FLOORWATCH_SOURCE_DIR) + "/tests/freeswitch/data/" + name;
}

void check_file(const std::string& name, const std::string& bytes) {
  if (std::getenv("FLOORWATCH_WRITE_TRANSCRIPTS"))
    std::ofstream(data_path(name), std::ios::binary) << bytes;
  std::ifstream in(data_path(name), std::ios::binary);
  std::ostringstream stored;
  stored << in.rdbuf();
  INFO(name);
  CHECK(stored.str() == bytes);
}

}  // namespace

TEST_CASE("the checked-in transcripts are what the builder makes", "[freeswitch][transcripts]") {
  check_file("callcenter_live_events.esl", live_events());
  check_file("callcenter_config_seed.esl", seeding_replies());
}

TEST_CASE("the live-events transcript maps as docs/collectors/freeswitch.md says",
          "[freeswitch][transcripts]") {
  CallcenterMapper mapper;
  const auto lines = describe_all(map_transcript(mapper, live_events(), t0), t0);
  CHECK_THAT(lines,
             Catch::Matchers::Equals(std::vector<std::string>{
                 "call_enqueued 1b1d2e4a-0001 queue=support@default @+0",
                 "call_enqueued 1b1d2e4a-0002 queue=support@default @+1",
                 "call_enqueued 1b1d2e4a-0003 queue=sales@default @+2",
                 "agent_state 1001@default ringing @+1.4", "agent_state 1002@default ringing @+1.4",
                 "call_answered 1b1d2e4a-0001 1001@default @+12",
                 "agent_state 1002@default available @+12.8", "call_abandoned 1b1d2e4a-0002 @+19",
                 "call_answered 1b1d2e4a-0003 1003@default @+20",
                 "call_completed 1b1d2e4a-0003 @+20", "agent_state 1003@default available @+20",
                 "call_completed 1b1d2e4a-0001 @+95", "agent_state 1001@default available @+95.4",
                 "agent_state 1002@default paused(On Break) @+120.3"}));
  CHECK(mapper.stats().none_races == 1);
  CHECK(mapper.stats().lost_races == 1);
}

TEST_CASE("the seeding transcript reads into a snapshot, a '|' in a contact repaired",
          "[freeswitch][transcripts]") {
  EslFramer framer;
  framer.feed(seeding_replies());
  CallcenterSnapshot snapshot;
  std::string error;
  const auto next_table = [&] {
    auto frame = framer.next();
    REQUIRE(frame);
    REQUIRE(frame->content_type() == "api/response");
    auto table = parse_api_table(frame->body, "contact", error);
    REQUIRE(table);
    return *table;
  };
  CHECK(read_queue_list(next_table(), snapshot, error));
  const ApiTable agents = next_table();
  CHECK(agents.row_errors.empty());
  CHECK(agents.rows[1][*agents.column("contact")] ==
        "{ignore_early_media=true}user/1002|user/1002-mobile");
  CHECK(read_agents(agents, snapshot, error));
  CHECK(read_tiers(next_table(), snapshot, error));
  CHECK(read_members(next_table(), snapshot, error));  // sales: "+OK" only, no header
  CHECK(read_members(next_table(), snapshot, error));
  CHECK(error.empty());
  CHECK(snapshot.queues == std::vector<std::string>{"sales@default", "support@default"});
  REQUIRE(snapshot.members.size() == 1);
  CHECK(snapshot.members[0].joined_epoch == t0 - 42);
  CHECK(snapshot.agents[0].wrap_up_time == 10);
  CHECK(snapshot.tiers.size() == 3);

  CallcenterMapper mapper;
  CHECK_THAT(describe_all(mapper.seed(snapshot, core::from_epoch_ms(t0 * 1000), false), t0),
             Catch::Matchers::Equals(std::vector<std::string>{
                 "call_enqueued 1b1d2e4a-0004 queue=support@default @+-42",
                 "agent_state 1001@default available queues=[support@default,sales@default] @+0",
                 "agent_state 1002@default paused(Idle) queues=[support@default] @+0"}));
}

TEST_CASE("callcenter_config replies that are errors or malformed are named",
          "[freeswitch][seed]") {
  std::string error;
  CHECK_FALSE(parse_api_table("-ERR callcenter_config Command not found!\n", "", error));
  CHECK(error == "-ERR callcenter_config Command not found!");
  CHECK_FALSE(parse_api_table("name|strategy\nsupport@default|ring-all\n", "", error));
  CHECK(error == "the reply does not end with +OK");
  const auto table =
      parse_api_table("queue|agent|state|level|position\nq|a|Ready|1\n+OK\n", "", error);
  REQUIRE(table);
  CHECK(table->rows.empty());
  CHECK(table->row_errors == std::vector<std::string>{"row 1: 4 fields, the header has 5"});
  CallcenterSnapshot snapshot;
  const auto no_state =
      parse_api_table("queue|uuid|session_uuid|joined_epoch\nq|u|s|1\n+OK\n", "", error);
  REQUIRE(no_state);
  CHECK_FALSE(read_members(*no_state, snapshot, error));
  CHECK(error == "queue list members: no column \"state\"");
  error.clear();
  const auto bad_number = parse_api_table(
      "queue|uuid|session_uuid|joined_epoch|state\nq|u|s|yesterday|Waiting\n+OK\n", "", error);
  REQUIRE(bad_number);
  CHECK(read_members(*bad_number, snapshot, error));
  CHECK(snapshot.members.empty());
  CHECK(error == "queue list members: member u: joined_epoch/bridge_epoch not a number");
  // Found by the fuzz target: rows without a name would make events the daemon cannot place.
  const auto nameless = parse_api_table("name|status|state\n|Available|Waiting\n+OK\n", "", error);
  REQUIRE(nameless);
  CHECK(read_agents(*nameless, snapshot, error));
  CHECK(snapshot.agents.empty());
  CHECK(error == "agent list: a row without name");
}
