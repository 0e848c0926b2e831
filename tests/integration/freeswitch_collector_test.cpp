// The real `floorwatch-collector freeswitch` against a scripted FreeSWITCH event socket over
// TCP, feeding a real floorwatchd over ZeroMQ, checked on /metrics against figures derived by
// hand below for every service-level formula.
//
// Transcript source: no public, licensed capture of mod_callcenter's `callcenter::info` frames
// exists, so the peer replays frames built byte-exact from mod_callcenter's and
// mod_event_socket's source (tests/freeswitch/esl_transcript.h, tests/freeswitch/data/SOURCES.md).
//
// Daemon clock: wall. FreeSWITCH stamps events with whole epoch seconds; the scenario starts
// 200 s before the test so every call's times are in the past, and the seeded agents (stamped
// by the collector's clock at connect) come after them.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <ctime>
#include <thread>

#include "freeswitch/scripted_esl_peer.h"
#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace esl = floorwatch::test::esl;

namespace {

const char* kFormulas[] = {"answered_only", "abandons_positive", "abandons_negative",
                           "abandons_ignored", "short_abandons_excluded"};

std::string daemon_config() {
  std::string config = "timezone: UTC\nqueues:\n";
  for (const char* formula : kFormulas)
    config += std::string("  q_") + formula + ":\n    answer_target_seconds: 20\n" +
              "    short_abandon_seconds: 5\n    service_level_formula: " + formula + "\n";
  return config;
}

// One queue's traffic, as mod_callcenter fires it (T = 20 s, S = 5 s); times from t0:
//   c1  joins +0; ring-all: a1 and a2 ring, a1 answers +10 (wait 10, within), a2 loses the
//       race (bridge-agent-fail LOSE_RACE: no missed call); talk ends +40
//   c2  joins +1, a2 answers +31 (wait 30: over target), ends +61
//   c3  joins +2, hangs up +4 (Cancel BREAK_OUT, channel down): abandon, wait 2: short
//   c4  joins +3, Cancel BREAK_OUT +13 without channel data, then its CHANNEL_HANGUP_COMPLETE:
//       abandon, wait 10 (within, not short)
//   c5  joins +5, hangs up +65: abandon, wait 60
//   c6  joins +6, TIMEOUT +66: exited timeout
//   c7  joins +7, still waiting
//   c8  joins +8, EXIT_WITH_KEY +20: exited key
//   c9  joins +9, Cancel BREAK_OUT +30 with the channel up (uuid_transfer): exited transfer
//   c10 joins +11, a3 answers +31 (wait exactly 20: within, <=), the caller is gone before the
//       bridge: Cancel NONE +31 (the NONE race): answered, then completed
//   c11 joins +12, NO_AGENT_TIMEOUT +70: exited no_agents
// So offered 11, A = 3, A_in = 2, Ab = 3, Ab_in = 2, Ab_short = 1, X = 4, waiting 1.
std::string queue_traffic(esl::Box& box, const std::string& q, std::int64_t t0) {
  using esl::Caller;
  const std::string queue = q + "@default", a1 = q + "-a1@default", a2 = q + "-a2@default",
                    a3 = q + "-a3@default";
  auto member = [&](int n) {
    const std::string id = q + "-c" + std::to_string(n);
    return esl::Member{queue, id, id + "-leg", "55500" + std::to_string(n)};
  };
  std::string s;
  const int joins[] = {0, 0, 1, 2, 3, 5, 6, 7, 8, 9};  // c1..c9 join at these seconds
  for (int n = 1; n <= 9; ++n) s += esl::member_queue_start(box, member(n), t0 + joins[n]);
  const esl::Answer c1{a1, q + "-l1", t0, t0 + 1, t0 + 10};
  s += esl::agent_state_change(box, a1, "Receiving", t0 + 1) +
       esl::agent_state_change(box, a2, "Receiving", t0 + 1, 450'000) +
       esl::member_queue_end_cancel(box, member(3), t0 + 2, t0 + 4, "BREAK_OUT", Caller::HungUp) +
       esl::bridge_agent_start(box, member(1), c1) +
       esl::bridge_agent_fail(box, member(1), a2, t0, t0 + 1, t0 + 10, "LOSE_RACE") +
       esl::agent_state_change(box, a2, "Waiting", t0 + 10, 800'000) +
       esl::agent_state_change(box, a1, "In a queue call", t0 + 10, 900'000) +
       esl::member_queue_start(box, member(10), t0 + 11) +
       esl::member_queue_start(box, member(11), t0 + 12) +
       esl::member_queue_end_cancel(box, member(4), t0 + 3, t0 + 13, "BREAK_OUT",
                                    Caller::NoChannelData) +
       esl::channel_hangup_complete(box, member(4), t0 + 13) +
       esl::member_queue_end_cancel(box, member(8), t0 + 8, t0 + 20, "EXIT_WITH_KEY", Caller::Up) +
       esl::member_queue_end_cancel(box, member(9), t0 + 9, t0 + 30, "BREAK_OUT", Caller::Up);
  const esl::Answer c2{a2, q + "-l2", t0 + 1, t0 + 29, t0 + 31};
  const esl::Answer c10{a3, q + "-l10", t0 + 11, t0 + 29, t0 + 31};
  s += esl::bridge_agent_start(box, member(2), c2) + esl::bridge_agent_start(box, member(10), c10) +
       esl::member_queue_end_cancel(box, member(10), t0 + 11, t0 + 31, "NONE", Caller::HungUp) +
       esl::bridge_agent_end(box, member(1), c1, t0 + 40) +
       esl::member_queue_end_terminated(box, member(1), c1, t0 + 40) +
       esl::agent_state_change(box, a1, "Waiting", t0 + 40) +
       esl::bridge_agent_end(box, member(2), c2, t0 + 61) +
       esl::member_queue_end_terminated(box, member(2), c2, t0 + 61) +
       esl::member_queue_end_cancel(box, member(5), t0 + 5, t0 + 65, "BREAK_OUT", Caller::HungUp) +
       esl::member_queue_end_cancel(box, member(6), t0 + 6, t0 + 66, "TIMEOUT", Caller::Up) +
       esl::member_queue_end_cancel(box, member(11), t0 + 12, t0 + 70, "NO_AGENT_TIMEOUT",
                                    Caller::Up);
  return s;
}

// callcenter_config replies: every queue, three agents each (no wrap-up time), and `members`.
std::map<std::string, std::string> floor_api(
    const std::map<std::string, std::vector<std::string>>& members) {
  std::vector<std::string> queues, agents;
  std::vector<std::pair<std::string, std::string>> tiers;
  std::map<std::string, std::string> api;
  for (const char* formula : kFormulas) {
    const std::string q = std::string("q_") + formula;
    queues.push_back(q + "@default");
    for (const char* a : {"-a1@default", "-a2@default", "-a3@default"}) {
      agents.push_back(esl::agent_row(q + a, "Available", "Waiting", 0));
      tiers.emplace_back(q + "@default", q + a);
    }
    const auto it = members.find(q);
    api["callcenter_config queue list members " + q + "@default"] =
        esl::members_list(it == members.end() ? std::vector<std::string>{} : it->second);
  }
  api["callcenter_config queue list"] = esl::queue_list(queues);
  api["callcenter_config agent list"] = esl::agent_list(agents);
  api["callcenter_config tier list"] = esl::tier_list(tiers);
  return api;
}

std::string utc_day(std::int64_t epoch) {
  const std::time_t t = epoch;
  std::tm utc{};
  gmtime_r(&t, &utc);
  return std::to_string(utc.tm_year) + "-" + std::to_string(utc.tm_yday);
}

}  // namespace

TEST_CASE("freeswitch collector: every formula exact from mod_callcenter events, gap reported",
          "[integration][freeswitch]") {
  TempDir dir;
  RunningDaemon daemon(dir, daemon_config(), "wall");
  const std::int64_t now = std::time(nullptr);
  const std::int64_t t0 = now - 200;
  esl::Box box;
  esl::PeerSession first;
  first.api = floor_api({});
  for (const char* formula : kFormulas)
    first.events += queue_traffic(box, std::string("q_") + formula, t0);
  first.close_after_events = true;  // then FreeSWITCH restarts: a gap
  esl::PeerSession second;
  std::map<std::string, std::vector<std::string>> still_waiting;
  for (const char* formula : kFormulas) {
    const std::string q = std::string("q_") + formula;
    still_waiting[q] = {
        esl::member_row({q + "@default", q + "-c7", q + "-c7-leg", "555007"}, t0 + 7, "Waiting")};
  }
  second.api = floor_api(still_waiting);
  esl::ScriptedEslPeer peer({first, second});

  std::string renames;
  for (const char* formula : kFormulas)
    renames += std::string("q_") + formula + "@default=q_" + formula + "\n";
  const auto password = dir.write("esl.password", "ClueCon\n");
  chmod(password.c_str(), 0600);
  ChildProcess collector({collector_binary(), "freeswitch", "--port", std::to_string(peer.port()),
                          "--password-file", password, "--rename-file",
                          dir.write("renames", "# FreeSWITCH name = board name\n" + renames),
                          "--endpoint", daemon.ingest(), "--source-id", "fs-test",
                          "--backoff-initial-ms", "100", "--backoff-max-ms", "400"});
  const std::string where = R"(127\.0\.0\.1:)" + std::to_string(peer.port());
  REQUIRE(collector.wait_for("freeswitch: authenticated at " + where, 15s));
  REQUIRE(collector.wait_for("freeswitch: link to " + where + R"( lost \(closed_by_peer)", 15s));
  REQUIRE(collector.wait_for(
      "freeswitch: link to " + where + R"( back after [0-9.]+ s disconnected)", 15s));
  INFO(collector.output());

  const auto last_queue = std::map<std::string, std::string>{{"queue", "q_short_abandons_excluded"},
                                                             {"reason", "no_agents"}};
  auto samples = daemon.scrape();
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (
      find_sample(samples, "floorwatch_queue_exited_total", last_queue).value_or(0) != 1 ||
      find_sample(samples, "floorwatch_source_gaps_total", {{"source", "fs-test"}}).value_or(0) !=
          1) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(50ms);
    samples = daemon.scrape();
  }
  // A=3, A_in=2, Ab=3, Ab_in=2, Ab_short=1, X=4 in every queue (see queue_traffic).
  const std::map<std::string, double> expected{
      {"answered_only", 2.0 / 3},            // A_in / A
      {"abandons_positive", 4.0 / 6},        // (A_in + Ab_in) / (A + Ab)
      {"abandons_negative", 2.0 / 10},       // A_in / (A + Ab + X)
      {"abandons_ignored", 2.0 / 8},         // A_in / (A + Ab + X - Ab_in)
      {"short_abandons_excluded", 2.0 / 9},  // A_in / (A + Ab + X - Ab_short)
  };
  for (const auto& [formula, value] : expected) {
    const std::string q = "q_" + formula;
    const std::map<std::string, std::string> queue{{"queue", q}};
    INFO("queue " << q);
    CHECK(find_sample(samples, "floorwatch_queue_offered_total", queue) == 11);
    CHECK(find_sample(samples, "floorwatch_queue_answered_total", queue) == 3);
    CHECK(find_sample(samples, "floorwatch_queue_answered_within_target_total", queue) == 2);
    CHECK(find_sample(samples, "floorwatch_queue_abandoned_total", queue) == 3);
    CHECK(find_sample(samples, "floorwatch_queue_abandoned_within_target_total", queue) == 2);
    CHECK(find_sample(samples, "floorwatch_queue_abandoned_short_total", queue) == 1);
    for (const char* reason : {"timeout", "key", "transfer", "no_agents"})
      CHECK(find_sample(samples, "floorwatch_queue_exited_total",
                        {{"queue", q}, {"reason", reason}}) == 1);
    CHECK(find_sample(samples, "floorwatch_queue_calls_waiting", queue) == 1);
    CHECK(find_sample(samples, "floorwatch_queue_oldest_wait_seconds", queue).value_or(0) >=
          193 - 1);
    CHECK(find_sample(samples, "floorwatch_queue_info", {{"queue", q}, {"formula", formula}}) == 1);
    // "today" holds every call unless the test straddles midnight UTC.
    if (utc_day(t0) == utc_day(std::time(nullptr))) {
      const auto sl = find_sample(samples, "floorwatch_queue_service_level_ratio",
                                  {{"queue", q}, {"window", "today"}});
      REQUIRE(sl);
      CHECK(*sl == Approx(value));
    }
  }
  for (const char* reason : {"unknown_call", "out_of_order", "call_not_waiting", "duplicate_call"})
    CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", reason}})
              .value_or(0) == 0);
  CHECK(find_sample(samples, "floorwatch_source_gap_seconds_total", {{"source", "fs-test"}})
            .value_or(0) > 0);

  collector.signal(SIGTERM);
  CHECK(collector.wait_exit(15s) == 0);
  // 5 queues: one NONE race, one ring-all loser and one hang-up without channel data each.
  CHECK_THAT(collector.output(), Catch::Contains("none_races=5 lost_races=5 agent_missed_calls=0"));
  CHECK_THAT(collector.output(), Catch::Contains("abandoned_by_hangup=15 transferred=5"));
  CHECK_THAT(collector.output(), Catch::Contains("calls_closed_after_gap=0"));
}

TEST_CASE("freeswitch collector with a wrong password logs the refusal and keeps retrying",
          "[integration][freeswitch]") {
  TempDir dir;
  RunningDaemon daemon(dir, daemon_config(), "wall");
  esl::ScriptedEslPeer peer({esl::PeerSession{}});
  const auto password = dir.write("esl.password", "not-ClueCon\n");
  chmod(password.c_str(), 0600);
  ChildProcess collector({collector_binary(), "freeswitch", "--port", std::to_string(peer.port()),
                          "--password-file", password, "--endpoint", daemon.ingest(),
                          "--backoff-initial-ms", "100", "--backoff-max-ms", "400"});
  REQUIRE(collector.wait_for(
      R"(freeswitch: 127\.0\.0\.1:[0-9]+: auth_refused: -ERR invalid; retrying in [0-9.]+ s)",
      15s));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (peer.refused_auths() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  CHECK(peer.refused_auths() >= 3);
  CHECK(peer.accepted_auths() == 0);
  CHECK(collector.running());
  collector.signal(SIGTERM);
  CHECK(collector.wait_exit(15s) == 0);
}

TEST_CASE("freeswitch collector refuses a rename map line that is not OLD=NEW, naming it",
          "[integration][freeswitch]") {
  TempDir dir;
  const auto password = dir.write("esl.password", "ClueCon\n");
  chmod(password.c_str(), 0600);
  const auto renames = dir.write("renames", "# ok\nsupport@default=support\nsales@default\n");
  const auto [status, output] =
      run_command({collector_binary(), "freeswitch", "--password-file", password, "--rename-file",
                   renames, "--output", "jsonl"},
                  15s);
  CHECK(status == 2);
  CHECK_THAT(output, Catch::Contains(renames + ":3: \"sales@default\" is not OLD=NEW"));
}
