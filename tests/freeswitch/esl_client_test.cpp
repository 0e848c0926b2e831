// EslClient against a scripted FreeSWITCH event socket over real TCP on 127.0.0.1
// (scripted_esl_peer.h) replaying transcripts built byte-exact from mod_callcenter's and
// mod_event_socket's source (esl_transcript.h; no public capture exists, data/SOURCES.md):
// auth, subscriptions, callcenter_config seeding, live events, a reconnect that finds a vanished
// caller, a wrong password, an oversized frame, disconnect-notice, rude-rejection, a broken
// Content-Length and a dead link.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>

#include "floorwatch/freeswitch/esl_client.h"
#include "freeswitch/scripted_esl_peer.h"
#include "freeswitch_test_support.h"

using namespace floorwatch;
using namespace floorwatch::freeswitch;
using namespace floorwatch::freeswitch::testing;
using namespace std::chrono_literals;
namespace esl = floorwatch::test::esl;
using Catch::Matchers::Equals;

namespace {

const std::int64_t t0 = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
const esl::Member m1{"support@default", "m-1", "s-1", "5550001"};
const esl::Member m2{"support@default", "m-2", "s-2", "5550002"};
const esl::Member m3{"support@default", "m-3", "s-3", "5550003"};
const esl::Member m4{"support@default", "m-4", "s-4", "5550004"};

EslClientOptions options_for(const esl::ScriptedEslPeer& peer, std::string password = "ClueCon") {
  EslClientOptions options;
  options.port = peer.port();
  options.password = std::move(password);
  options.initial_backoff = 100ms;
  options.max_backoff = 400ms;
  options.handshake_timeout = 2000ms;
  return options;
}

// The floor a session's callcenter_config replies describe: one queue, one agent, `members`.
std::map<std::string, std::string> floor_api(const std::vector<std::string>& members) {
  return {{"callcenter_config queue list", esl::queue_list({"support@default"})},
          {"callcenter_config agent list",
           esl::agent_list({esl::agent_row("1001@default", "Available", "Waiting", 0)})},
          {"callcenter_config tier list", esl::tier_list({{"support@default", "1001@default"}})},
          {"callcenter_config queue list members support@default", esl::members_list(members)}};
}

// Polls until `done` or 10 s; returns every event the client produced.
std::vector<core::Event> poll_until(EslClient& client, const std::function<bool()>& done) {
  std::vector<core::Event> events;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    auto got = client.poll(20ms);
    events.insert(events.end(), got.begin(), got.end());
  }
  return events;
}

std::vector<std::string> calls_only(const std::vector<core::Event>& events) {
  std::vector<std::string> lines;
  for (const auto& e : events)
    if (e.type != core::EventType::AgentState) lines.push_back(describe(e, t0));
  return lines;
}

}  // namespace

TEST_CASE("ESL client authenticates, subscribes, seeds, then maps the live events",
          "[freeswitch][esl_client]") {
  esl::Box box;
  const esl::Answer answer{"1001@default", "a-1", t0 - 42, t0 + 1, t0 + 4};
  esl::PeerSession session;
  session.api = floor_api({esl::member_row(m1, t0 - 42, "Waiting")});
  session.events =
      esl::agent_state_change(box, "1001@default", "Receiving", t0 + 1) +
      esl::bridge_agent_start(box, m1, answer) + esl::member_queue_start(box, m2, t0 + 5) +
      esl::member_queue_end_cancel(box, m2, t0 + 5, t0 + 9, "BREAK_OUT", esl::Caller::HungUp);
  esl::ScriptedEslPeer peer({session});
  core::SystemClock clock;
  EslClient client(options_for(peer), clock);

  const auto events =
      poll_until(client, [&] { return client.mapper().stats().abandoned_by_hangup == 1; });
  INFO(describe_all(events, t0).size());
  // The seeded caller keeps its real join time: its wait is 46 s when answered.
  CHECK_THAT(
      calls_only(events),
      Equals(std::vector<std::string>{
          "call_enqueued m-1 queue=support@default @+-42", "call_answered m-1 1001@default @+4",
          "call_enqueued m-2 queue=support@default @+5", "call_abandoned m-2 @+9"}));
  CHECK_THAT(peer.commands(),
             Equals(std::vector<std::string>{
                 "auth ClueCon", "event plain CUSTOM callcenter::info",
                 "event plain CHANNEL_HANGUP_COMPLETE", "api callcenter_config queue list",
                 "api callcenter_config agent list", "api callcenter_config tier list",
                 "api callcenter_config queue list members support@default"}));
  CHECK(client.streaming());
  CHECK(client.stats().seeds == 1);
  CHECK(client.stats().seed_errors == 0);
  CHECK(client.stats().gaps == 0);
  CHECK(client.mapper().stats().seeded_calls == 1);
}

TEST_CASE("ESL client reconnects, re-seeds, and closes a caller that vanished meanwhile",
          "[freeswitch][esl_client]") {
  esl::Box box;
  esl::PeerSession first;
  first.api =
      floor_api({esl::member_row(m1, t0 - 30, "Waiting"), esl::member_row(m2, t0 - 20, "Waiting")});
  first.events = esl::member_queue_start(box, m3, t0);
  first.close_after_events = true;  // FreeSWITCH restarts
  esl::PeerSession second;
  // While we were away m-1 left (no event will ever say how), m-4 joined; m-2, m-3 still wait.
  second.api =
      floor_api({esl::member_row(m2, t0 - 20, "Waiting"), esl::member_row(m3, t0, "Waiting"),
                 esl::member_row(m4, t0 + 2, "Trying")});
  esl::ScriptedEslPeer peer({first, second});
  core::SystemClock clock;
  EslClient client(options_for(peer), clock);

  const auto events = poll_until(client, [&] { return client.stats().seeds == 2; });
  const auto lines = calls_only(events);
  CHECK_THAT(lines, Equals(std::vector<std::string>{
                        "call_enqueued m-1 queue=support@default @+-30",
                        "call_enqueued m-2 queue=support@default @+-20",
                        "call_enqueued m-3 queue=support@default @+0",
                        "call_enqueued m-4 queue=support@default @+2",
                        "call_exited m-1 transfer @+" +
                            lines.back().substr(lines.back().find("@+") + 2)}));
  CHECK(client.stats().gaps == 1);
  CHECK(client.stats().last_gap > 0ms);
  CHECK(client.stats().authenticated == 2);
  CHECK(client.stats().disconnect_count(EslDisconnectReason::ClosedByPeer) == 1);
  CHECK(client.mapper().stats().calls_closed_after_gap == 1);
  CHECK(client.mapper().stats().seeded_calls == 3);  // m-1, m-2, then m-4 (m-3 was known)
  CHECK(client.mapper().waiting_calls().at("support@default") ==
        std::vector<std::string>{"m-2", "m-3", "m-4"});
}

TEST_CASE("ESL client with a wrong password backs off, capped, and never streams",
          "[freeswitch][esl_client]") {
  esl::ScriptedEslPeer peer({esl::PeerSession{}});
  core::SystemClock clock;
  EslClient client(options_for(peer, "not-ClueCon"), clock);
  const auto events = poll_until(client, [&] {
    return client.stats().disconnect_count(EslDisconnectReason::AuthRefused) >= 4;
  });
  CHECK(events.empty());
  CHECK(client.stats().authenticated == 0);
  CHECK(client.stats().disconnect_count(EslDisconnectReason::AuthRefused) >= 4);
  CHECK(peer.refused_auths() >= 4);
  // 100 ms doubling: 100, 200, 400, then held at the 400 ms cap.
  CHECK(client.stats().current_backoff == 400ms);
  CHECK_FALSE(client.streaming());
}

TEST_CASE("ESL client refuses a frame over 16 MiB, counts it and keeps the link",
          "[freeswitch][esl_client]") {
  esl::Box box;
  esl::PeerSession session;
  session.api = floor_api({});
  const std::size_t huge = 17 * 1024 * 1024;
  session.events = esl::member_queue_start(box, m1, t0) +
                   "Content-Length: " + std::to_string(huge) +
                   "\nContent-Type: text/event-plain\n\n" + std::string(huge, 'x') +
                   esl::member_queue_start(box, m2, t0 + 1);
  esl::ScriptedEslPeer peer({session});
  core::SystemClock clock;
  EslClient client(options_for(peer), clock);
  const auto events = poll_until(client, [&] {
    return client.mapper().waiting_calls().size() == 1 &&
           client.mapper().waiting_calls().begin()->second.size() == 2;
  });
  CHECK_THAT(calls_only(events),
             Equals(std::vector<std::string>{"call_enqueued m-1 queue=support@default @+0",
                                             "call_enqueued m-2 queue=support@default @+1"}));
  CHECK(client.framer_stats().oversized_frames == 1);
  CHECK(client.framer_stats().oversized_bytes == static_cast<std::int64_t>(huge));
  CHECK(client.streaming());
  CHECK(client.stats().connects == 1);
}

TEST_CASE("ESL client treats disconnect-notice, rude-rejection and a broken frame as lost links",
          "[freeswitch][esl_client]") {
  esl::Box box;
  esl::PeerSession notice;
  notice.api = floor_api({});
  // mod_event_socket.c:644/2824: the notice, then the socket closes.
  const std::string goodbye =
      "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";
  notice.events =
      esl::member_queue_start(box, m1, t0) +
      "Content-Type: text/disconnect-notice\nContent-Length: " + std::to_string(goodbye.size()) +
      "\n\n" + goodbye;
  notice.close_after_events = true;
  esl::PeerSession rejected;
  rejected.rude_rejection = true;
  esl::PeerSession broken;
  broken.api = floor_api({esl::member_row(m1, t0, "Waiting")});
  broken.events = "Content-Length: 12x\nContent-Type: text/event-plain\n\n";
  esl::PeerSession healthy;
  healthy.api = floor_api({esl::member_row(m1, t0, "Waiting")});
  esl::ScriptedEslPeer peer({notice, rejected, broken, healthy});
  core::SystemClock clock;
  EslClient client(options_for(peer), clock);

  poll_until(client, [&] { return client.stats().seeds == 3; });
  CHECK(client.stats().disconnect_count(EslDisconnectReason::DisconnectNotice) == 1);
  CHECK(client.stats().disconnect_count(EslDisconnectReason::Rejected) == 1);
  CHECK(client.stats().disconnect_count(EslDisconnectReason::ProtocolError) == 1);
  CHECK(client.stats().gaps == 2);  // after the notice, and after the broken frame
  CHECK(client.streaming());
  // m-1 stayed listed in every snapshot: still one caller, never closed or doubled.
  CHECK(client.mapper().waiting_calls().at("support@default") == std::vector<std::string>{"m-1"});
  CHECK(client.mapper().stats().calls_closed_after_gap == 0);
}

TEST_CASE("ESL client finds a dead link when its liveness api command goes unanswered",
          "[freeswitch][esl_client]") {
  esl::PeerSession silent;
  silent.api = floor_api({});
  silent.answer_pings = false;
  esl::ScriptedEslPeer peer({silent});
  core::SystemClock clock;
  auto options = options_for(peer);
  options.ping_interval = 100ms;
  options.ping_timeout = 200ms;
  EslClient client(options, clock);
  poll_until(client, [&] {
    return client.stats().disconnect_count(EslDisconnectReason::PingTimeout) >= 1;
  });
  CHECK(client.stats().disconnect_count(EslDisconnectReason::PingTimeout) >= 1);
  CHECK(client.stats().pings_sent >= 1);
}
