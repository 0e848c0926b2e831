// AmiClient against a scripted TCP peer on 127.0.0.1 that replays real AMI captures byte for
// byte: login, QueueStatus seeding, a real event burst with capture damage, a dropped
// connection, a dead link found by Ping, refused logins and the capped backoff.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>

#include "asterisk_test_support.h"
#include "floorwatch/asterisk/ami_client.h"
#include "scripted_ami_peer.h"

using namespace floorwatch;
using namespace floorwatch::asterisk;
using namespace floorwatch::asterisk::testing;
using namespace std::chrono_literals;

namespace {

AmiClientOptions options_for(const ScriptedAmiPeer& peer) {
  AmiClientOptions options;
  options.port = peer.port();
  options.username = "floorwatch";
  options.secret = "s3cret";
  options.initial_backoff = 200ms;
  options.max_backoff = 1000ms;
  options.login_timeout = 2000ms;
  return options;
}

// Polls until `done` or 10 s; returns every event the client produced.
std::vector<core::Event> poll_until(AmiClient& client, const std::function<bool()>& done) {
  std::vector<core::Event> events;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    auto got = client.poll(20ms);
    events.insert(events.end(), got.begin(), got.end());
  }
  return events;
}

// "agent_state Agent/220 available queues=[q]" without the time (AMI events carry none here).
std::vector<std::string> describe_untimed(const std::vector<core::Event>& events) {
  std::vector<std::string> lines;
  for (const auto& line : describe_all(events, 0)) lines.push_back(line.substr(line.find(' ') + 1));
  return lines;
}

// The server side of the agent-login capture: events of other classes, two
// "[N bytes missing in capture file]" markers, QueueMemberStatus/Added, and the Pong replies
// its client got.
std::string agent_login_stream() {
  const SplitTranscript split =
      split_transcript(read_fixture("panoramisk_ami_agent_login_capture_2014.txt"));
  std::string bytes = split.before_first_action;
  for (const auto& reply : split.replies) bytes += reply.bytes;
  return bytes;
}

std::string real_pong() {
  const SplitTranscript split =
      split_transcript(read_fixture("panoramisk_ami_agent_login_capture_2014.txt"));
  for (const auto& reply : split.replies)
    if (reply.action == "ping") return reply.bytes.substr(0, reply.bytes.find("\n\n") + 2);
  FAIL("no Ping reply in the capture");
  return {};
}

}  // namespace

TEST_CASE("AMI client seeds from QueueStatus, maps a real burst and reconnects after a drop",
          "[asterisk][ami_client]") {
  // The 2014 capture (Asterisk 11 / XiVO) starts after the banner; Asterisk 11 greets with
  // this one. Its first client actions are Login and QueueStatus, as ours.
  const SplitTranscript capture =
      split_transcript(read_fixture("panoramisk_ami_queue_status_capture_2014.txt"));
  REQUIRE(capture.replies.size() >= 2);
  REQUIRE(capture.replies[0].action == "login");
  REQUIRE(capture.replies[1].action == "queuestatus");
  ScriptedSession first{"Asterisk Call Manager/1.3\r\n",
                        {capture.replies[0], capture.replies[1]},
                        agent_login_stream(),
                        "",
                        true};
  ScriptedSession second = first;
  second.after_script.clear();
  second.close_after_script = false;
  ScriptedAmiPeer peer({first, second});

  core::SystemClock clock;
  AmiClient client(options_for(peer), clock);
  const auto events = poll_until(client, [&] { return client.stats().logins == 2; });

  const AmiClientStats& stats = client.stats();
  CHECK(stats.connects == 2);
  CHECK(stats.logins == 2);
  CHECK(stats.disconnect_count(AmiDisconnectReason::ClosedByPeer) == 1);
  // The gap is counted once the link is back, and lasted at least the first backoff.
  CHECK(stats.gaps == 1);
  CHECK(stats.last_gap >= 200ms);
  CHECK(stats.last_gap < 5000ms);
  CHECK(stats.gap_time == stats.last_gap);
  CHECK(client.banner() == "Asterisk Call Manager/1.3");

  // Derived from the capture by hand. QueueStatus lists five members of one queue: four idle
  // (Status 1, Paused 0) and Agent/999 unavailable (Status 5) and paused. Then the agent-login
  // stream: Agent/401 idle; Agent/402 added while in use (Status 2), then idle twice (the
  // repeat changes nothing). After the reconnect the same QueueStatus changes nothing either.
  const std::string q = "xxxxxxxxxxxxxxxx-tous";
  const std::vector<std::string> expected{
      "agent_state Agent/220 available queues=[" + q + "]",
      "agent_state Agent/859 available queues=[" + q + "]",
      "agent_state Agent/214 available queues=[" + q + "]",
      "agent_state Agent/333 available queues=[" + q + "]",
      "agent_state Agent/999 offline queues=[" + q + "]",
      "agent_state Agent/401 available queues=[general_queue]",
      "agent_state Agent/402 busy queues=[general_queue]",
      "agent_state Agent/402 available queues=[general_queue]",
  };
  CHECK(describe_untimed(events) == expected);
  // The capture's "[218 bytes missing in capture file]" damage was skipped, not mis-parsed.
  CHECK(client.framer_stats().garbage_lines >= 2);
  CHECK(client.mapper().queue_params().at(q).completed == 60);

  // What the peer received: Login with our credentials and event mask, then QueueStatus
  // (the peer's thread may still be reading the last one).
  poll_until(client, [&] {
    const auto so_far = peer.received();
    return so_far.size() == 2 && so_far[1].size() >= 2;
  });
  const auto received = peer.received();
  REQUIRE(received.size() == 2);
  for (const auto& connection : received) {
    REQUIRE(connection.size() >= 2);
    CHECK(connection[0].get_or("Action", "") == "Login");
    CHECK(connection[0].get_or("Username", "") == "floorwatch");
    CHECK(connection[0].get_or("Secret", "") == "s3cret");
    CHECK(connection[0].get_or("Events", "") == "call,agent");
    CHECK(connection[1].get_or("Action", "") == "QueueStatus");
  }
}

TEST_CASE("AMI client finds a dead link by Ping and closes callers that left during the gap",
          "[asterisk][ami_client]") {
  // From the Asterisk 16-style transcript: banner, Login reply (+ FullyBooted), and the
  // QueueStatus reply with two callers waiting 45 s and 12 s.
  const std::string transcript = read_fixture("handwritten_ami_asterisk16.txt");
  const std::size_t banner_end = transcript.find("\r\n") + 2;
  const std::size_t status_start = transcript.find("Response: Success\r\nActionID: seed-1");
  const std::size_t status_end = transcript.find("Event: QueueCallerJoin");
  REQUIRE(status_end != std::string::npos);
  const std::string banner = transcript.substr(0, banner_end);
  const std::string login_reply = transcript.substr(banner_end, status_start - banner_end);
  const std::string status_reply = transcript.substr(status_start, status_end - status_start);
  // While the link was down, caller 1700001100.16 left the queue: the second status lacks it.
  const std::size_t gone_start = status_reply.find("Event: QueueEntry");
  const std::size_t gone_end = status_reply.find("Event: QueueEntry", gone_start + 1);
  REQUIRE(status_reply.substr(gone_start, gone_end - gone_start).find("1700001100.16") !=
          std::string::npos);
  const std::string later_status_reply =
      status_reply.substr(0, gone_start) + status_reply.substr(gone_end);

  // First connection: logged in and seeded, then silent (a half-open TCP link): no Pong.
  ScriptedSession silent{
      banner, {{"login", login_reply}, {"queuestatus", status_reply}}, "", "", false};
  ScriptedSession healthy{banner,
                          {{"login", login_reply}, {"queuestatus", later_status_reply}},
                          "",
                          real_pong(),
                          false};
  ScriptedAmiPeer peer({silent, healthy});

  core::SystemClock clock;
  AmiClientOptions options = options_for(peer);
  options.ping_interval = 100ms;
  options.ping_timeout = 1000ms;  // generous: a loaded CI machine may stall a while
  AmiClient client(options, clock);
  const core::Timestamp started = clock.now();
  auto events = poll_until(client, [&] { return client.stats().logins == 2; });
  // Stay a few ping rounds on the healthy link: real Pong replies keep it up.
  const auto more = poll_until(client, [&] { return client.stats().pings_sent >= 4; });
  events.insert(events.end(), more.begin(), more.end());
  const core::Timestamp finished = clock.now();

  const AmiClientStats& stats = client.stats();
  CHECK(stats.disconnect_count(AmiDisconnectReason::PingTimeout) == 1);
  CHECK(stats.logins == 2);
  CHECK(stats.gaps == 1);
  CHECK(stats.last_gap >= 200ms);  // the backoff after the ping timeout
  CHECK(client.logged_in());

  std::vector<const core::Event*> calls;
  for (const auto& event : events)
    if (event.type != core::EventType::AgentState) calls.push_back(&event);
  REQUIRE(calls.size() == 3);
  // Seeded callers keep their real wait: enqueued Wait seconds before the reply was read.
  CHECK(calls[0]->type == core::EventType::CallEnqueued);
  CHECK(calls[0]->call == "1700001100.16");
  CHECK(calls[0]->ts >= started - 45s);
  CHECK(calls[0]->ts <= finished - 45s);
  CHECK(calls[1]->call == "1700001133.17");
  CHECK(calls[1]->ts >= started - 12s);
  // The caller missing from the second QueueStatus left during the gap, outcome unknown.
  CHECK(calls[2]->type == core::EventType::CallExited);
  CHECK(calls[2]->call == "1700001100.16");
  CHECK(calls[2]->exit_reason == core::ExitReason::Transfer);
  CHECK(client.mapper().stats().calls_closed_after_gap == 1);
  CHECK(client.mapper().waiting_calls().at("sales") == std::vector<std::string>{"1700001133.17"});
}

TEST_CASE("AMI client backs off exponentially, capped, while Asterisk refuses the login",
          "[asterisk][ami_client]") {
  const ScriptedSession refusing{
      "Asterisk Call Manager/5.0.1\r\n",
      {{"login", "Response: Error\r\nMessage: Authentication failed\r\n\r\n"}},
      "",
      "",
      false};
  ScriptedAmiPeer peer({refusing, refusing, refusing, refusing});
  core::SystemClock clock;
  AmiClientOptions options = options_for(peer);
  options.initial_backoff = 50ms;
  options.max_backoff = 150ms;
  AmiClient client(options, clock);

  std::vector<core::Duration> backoffs;
  std::int64_t seen = 0;
  poll_until(client, [&] {
    const auto refused = client.stats().disconnect_count(AmiDisconnectReason::LoginRefused);
    if (refused != seen) {
      seen = refused;
      backoffs.push_back(client.stats().current_backoff);
    }
    return refused == 4;
  });
  CHECK(backoffs == std::vector<core::Duration>{50ms, 100ms, 150ms, 150ms});
  CHECK(client.stats().logins == 0);
  CHECK(client.stats().gaps == 0);  // never had the floor: nothing was lost
  CHECK_FALSE(client.logged_in());
}

TEST_CASE("AMI client retries when nothing listens", "[asterisk][ami_client]") {
  int port = 0;
  {
    ScriptedAmiPeer closed_again({});  // learn a free port, then free it
    port = closed_again.port();
  }
  core::SystemClock clock;
  AmiClientOptions options;
  options.port = port;
  options.initial_backoff = 20ms;
  options.max_backoff = 40ms;
  AmiClient client(options, clock);
  poll_until(client, [&] {
    return client.stats().disconnect_count(AmiDisconnectReason::ConnectFailed) >= 3;
  });
  CHECK(client.stats().disconnect_count(AmiDisconnectReason::ConnectFailed) >= 3);
  CHECK(client.stats().current_backoff == 40ms);
}
