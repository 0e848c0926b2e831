// DeliveryChannel over real ZeroMQ (inproc) against a small fake daemon: every event must be
// applied exactly once and in order, even when a batch is lost or the daemon starts late.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <zmq.hpp>

#include "collectors/fake_daemon.h"
#include "delivery.h"
#include "security/zap_handler.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using namespace std::chrono_literals;

using namespace floorwatch::collectors::test;

SCENARIO("a lost batch is resent and every event is applied exactly once, in order",
         "[collectors][delivery]") {
  zmq::context_t context;
  GIVEN("a daemon that loses the third batch it receives") {
    FakeDaemon daemon(context, "inproc://lossy", 3);
    DeliveryChannel channel(context, test_options("inproc://lossy"));
    WHEN("1000 events are published and flushed") {
      for (int i = 1; i <= 1000; ++i) channel.publish(call_abandoned(i));
      REQUIRE(channel.flush_and_wait(10s));
      THEN("the daemon applied seqs 1..1000 once each, in order, with the events' content") {
        CHECK(daemon.malformed() == 0);
        CHECK(daemon.batches_lost() == 1);
        CHECK(daemon.applied_seqs() == one_to(1000));
        const auto calls = daemon.applied_calls();
        REQUIRE(calls.size() == 1000);
        CHECK(calls.front() == "c1");
        CHECK(calls.back() == "c1000");
        AND_THEN("the collector counted a resend and every ack") {
          const DeliveryCounters counters = channel.counters();
          CHECK(counters.events_published == 1000);
          CHECK(counters.events_sent == 1000);
          CHECK(counters.events_resent >= 10);  // at least the lost batch of 10
          CHECK(counters.resend_rounds >= 1);
          CHECK(counters.events_acked == 1000);
          CHECK(channel.unacked_events() == 0);
        }
      }
    }
  }
}

TEST_CASE("events published while the daemon is down arrive once it is up",
          "[collectors][delivery]") {
  zmq::context_t context;
  // inproc allows connect before bind; with ZMQ_IMMEDIATE nothing is queued meanwhile.
  DeliveryChannel channel(context, test_options("inproc://late"));
  for (int i = 1; i <= 250; ++i) channel.publish(call_abandoned(i));
  CHECK_FALSE(channel.flush_and_wait(300ms));
  CHECK(channel.unacked_events() == 250);

  FakeDaemon daemon(context, "inproc://late");
  REQUIRE(channel.flush_and_wait(10s));
  CHECK(daemon.applied_seqs() == one_to(250));
}

TEST_CASE("a full unacknowledged buffer blocks the producer instead of dropping",
          "[collectors][delivery]") {
  zmq::context_t context;
  FakeDaemon daemon(context, "inproc://slow");
  daemon.hold_acks(true);
  DeliveryOptions options = test_options("inproc://slow");
  options.max_unacked_events = 50;
  DeliveryChannel channel(context, options);

  std::atomic<int> published{0};
  std::thread producer([&] {
    for (int i = 1; i <= 120; ++i) {
      channel.publish(call_abandoned(i));
      ++published;
    }
  });
  // Wait (bounded) until the producer is stuck at the buffer limit.
  for (int i = 0; i < 200 && channel.counters().producer_blocked == 0; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(channel.counters().producer_blocked >= 1);
  CHECK(published.load() == 50);
  CHECK(channel.unacked_events() == 50);

  daemon.hold_acks(false);  // the next (re)send is acknowledged and frees the buffer
  producer.join();
  REQUIRE(channel.flush_and_wait(10s));
  CHECK(published.load() == 120);
  CHECK(daemon.applied_seqs() == one_to(120));
}

TEST_CASE("an idle channel sends heartbeats", "[collectors][delivery]") {
  zmq::context_t context;
  FakeDaemon daemon(context, "inproc://idle");
  DeliveryChannel channel(context, test_options("inproc://idle"));
  // heartbeat_interval is 100 ms: within 2 s several must have arrived (bounded wait).
  for (int i = 0; i < 200 && daemon.heartbeats() < 3; ++i) std::this_thread::sleep_for(10ms);
  CHECK(daemon.heartbeats() >= 3);
  CHECK(channel.counters().heartbeats_sent >= 3);
}

TEST_CASE("a fan-out delivers the same stream to every daemon (HA pair)",
          "[collectors][delivery]") {
  zmq::context_t context;
  FakeDaemon daemon_a(context, "inproc://ha-a");
  FakeDaemon daemon_b(context, "inproc://ha-b", 2);  // b loses a batch, a does not
  DeliveryFanout fanout(context, {"inproc://ha-a", "inproc://ha-b"}, test_options("unused"));
  for (int i = 1; i <= 300; ++i) fanout.publish(call_abandoned(i));
  REQUIRE(fanout.flush_and_wait(10s));
  CHECK(daemon_a.applied_seqs() == one_to(300));
  CHECK(daemon_b.applied_seqs() == one_to(300));
  // One stream: the same session on both daemons.
  REQUIRE(fanout.channels().size() == 2);
  CHECK(fanout.channels()[0]->session() == fanout.channels()[1]->session());
}

TEST_CASE("a daemon that forgets the stream gets the rest in a new session, nothing doubled",
          "[collectors][delivery]") {
  zmq::context_t context;
  FakeDaemon daemon(context, "inproc://amnesia");
  DeliveryChannel channel(context, test_options("inproc://amnesia"));
  for (int i = 1; i <= 100; ++i) channel.publish(call_abandoned(i));
  REQUIRE(channel.flush_and_wait(10s));
  const std::uint64_t first_session = channel.session();

  daemon.forget_streams();  // the daemon restarted and lost its position for our stream
  for (int i = 101; i <= 150; ++i) channel.publish(call_abandoned(i));
  REQUIRE(channel.flush_and_wait(10s));

  CHECK(channel.session() != first_session);
  CHECK(channel.counters().session_restarts == 1);
  // c1..c100 in the first session, then c101..c150 renumbered 1..50 in the new one.
  std::vector<std::string> expected_calls;
  for (int i = 1; i <= 150; ++i) expected_calls.push_back("c" + std::to_string(i));
  CHECK(daemon.applied_calls() == expected_calls);
  auto expected_seqs = one_to(100);
  for (std::uint64_t seq : one_to(50)) expected_seqs.push_back(seq);
  CHECK(daemon.applied_seqs() == expected_seqs);
}

TEST_CASE("a channel whose CURVE key was refused reconnects on its own once the key is listed",
          "[collectors][delivery][security]") {
  namespace security = floorwatch::security;
  const security::KeyPair daemon_keys = security::generate_key_pair();
  const security::KeyPair collector_keys = security::generate_key_pair();
  security::ServerSecurity server;
  server.server_keys = daemon_keys;
  zmq::context_t daemon_context;  // ZAP is per context: the daemon's own, as in floorwatchd
  auto refusing_zap = std::make_unique<security::ZapHandler>(
      daemon_context, security::AuthorizedKeys{}, std::vector<std::string>{"ingest"},
      [](const security::Refusal&) {});
  auto refusing = std::make_unique<FakeDaemon>(daemon_context, "tcp://127.0.0.1:*", 0, server);
  const std::string endpoint = refusing->last_endpoint();

  CapturedLog log;
  zmq::context_t context;
  DeliveryOptions options = test_options(endpoint);
  options.security.server_public_key = daemon_keys.public_key;
  options.security.client_keys = collector_keys;
  options.refused_retry_min = 50ms;
  options.refused_retry_max = 200ms;
  DeliveryChannel channel(context, options);
  for (int i = 1; i <= 120; ++i) channel.publish(call_abandoned(i));
  // Refused, retried with a new socket, refused again: the streak is logged once.
  for (int i = 0; i < 300 && channel.counters().handshakes_refused < 3; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(channel.counters().handshakes_refused >= 3);
  CHECK(channel.counters().sockets_recreated >= 2);
  CHECK(channel.unacked_events() == 120);
  CHECK(refusing->applied_seqs().empty());

  // The operator lists the key and restarts the daemon on the same address.
  refusing.reset();
  refusing_zap.reset();
  security::AuthorizedKeys listed;
  listed.add(collector_keys.public_key, "pbx");
  // Closing is asynchronous in libzmq: the ZAP endpoint and the port may be busy a moment.
  std::unique_ptr<security::ZapHandler> admitting_zap;
  std::unique_ptr<FakeDaemon> admitting;
  for (int attempt = 0; !admitting && attempt < 100; ++attempt) {
    try {
      if (!admitting_zap)
        admitting_zap = std::make_unique<security::ZapHandler>(daemon_context, listed,
                                                               std::vector<std::string>{"ingest"},
                                                               [](const security::Refusal&) {});
      admitting = std::make_unique<FakeDaemon>(daemon_context, endpoint, 0, server);
    } catch (const zmq::error_t& error) {
      if (error.num() != EADDRINUSE) throw;
      std::this_thread::sleep_for(20ms);
    }
  }
  REQUIRE(admitting);
  FakeDaemon& daemon = *admitting;
  REQUIRE(channel.flush_and_wait(10s));
  const std::string text = log.text();
  INFO(text);
  CHECK(daemon.applied_seqs() == one_to(120));  // every event once, in order
  CHECK(daemon.applied_calls().back() == "c120");
  std::size_t refusal_lines = 0;
  for (std::size_t at = text.find("connection refused"); at != std::string::npos;
       at = text.find("connection refused", at + 1))
    ++refusal_lines;
  CHECK(refusal_lines == 1);
  CHECK_THAT(text, Catch::Contains("connection refused: the daemon refused this collector's "
                                   "CURVE key (ZAP status 400)") &&
                       Catch::Contains(endpoint) &&
                       Catch::Contains("the daemon accepted the connection after"));
}
