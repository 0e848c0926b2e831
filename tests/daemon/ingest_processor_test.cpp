// One ingest frame at a time: exactly-once application, named rejections, and the Ack a
// collector relies on to free its buffer.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alerts/rule_config.h"
#include "daemon/alert_service.h"
#include "daemon/control_server.h"
#include "daemon/ingest_processor.h"

using namespace floorwatch;
using namespace std::chrono_literals;

namespace {

const core::Timestamp kT0 = core::from_epoch_ms(1'795'510'800'000);  // 2026-11-24T09:00:00Z

core::Event enqueued(const std::string& call, core::Timestamp at) {
  core::Event event;
  event.type = core::EventType::CallEnqueued;
  event.ts = at;
  event.call = call;
  event.queue = "sales";
  return event;
}

std::string frame(std::uint64_t session,
                  std::vector<std::pair<std::uint64_t, core::Event>> events) {
  wire::Batch batch;
  batch.source = "pbx1";
  batch.session = session;
  for (auto& [seq, event] : events) batch.events.push_back({seq, event});
  return wire::encode_batch(batch);
}

core::FloorConfig sales_config() {
  core::FloorConfig config;
  config.queues["sales"] = core::QueueSettings{};
  return config;
}

// The rig a daemon builds: the floor, its published views, self metrics, processor.
struct Rig {
  explicit Rig(core::Clock& clock, core::EventClock* event_clock = nullptr)
      : clock(clock), processor(floor, metrics, event_clock, "fw-test") {}
  core::Clock& clock;
  core::FloorState floor{sales_config()};
  daemon::FloorViewPublisher views;
  daemon::SelfMetrics metrics{{"test-site", "fw-test"}, "0"};
  daemon::IngestProcessor processor;

  core::FloorSnapshot snapshot() { return floor.snapshot(clock.now()); }
  std::int64_t waiting() { return snapshot().queues.at(0).calls_waiting; }
};

}  // namespace

SCENARIO("a collector stream is applied exactly once, in order", "[daemon][ingest]") {
  core::ManualClock clock(kT0 + 60s);
  Rig rig(clock);

  GIVEN("a first batch with seqs 1 and 2") {
    auto outcome = rig.processor.handle_frame(
        frame(7, {{1, enqueued("c1", kT0)}, {2, enqueued("c2", kT0 + 1s)}}));
    THEN("both calls wait and the ack covers seq 2, signed by this daemon") {
      REQUIRE(outcome.decoded);
      CHECK(outcome.ack.source == "pbx1");
      CHECK(outcome.ack.session == 7);
      CHECK(outcome.ack.applied_seq == 2);
      CHECK(outcome.ack.daemon == "fw-test");
      CHECK(outcome.applied == 2);
      CHECK(rig.waiting() == 2);
    }
    WHEN("the collector resends seqs 1-3 (go-back-N)") {
      outcome = rig.processor.handle_frame(frame(7, {{1, enqueued("c1", kT0)},
                                                     {2, enqueued("c2", kT0 + 1s)},
                                                     {3, enqueued("c3", kT0 + 2s)}}));
      THEN("only seq 3 is new; the two resends count as duplicate_sequence, not duplicate_call") {
        CHECK(outcome.ack.applied_seq == 3);
        CHECK(rig.waiting() == 3);
        CHECK(rig.metrics.rejected(core::RejectReason::DuplicateSequence) == 2);
        CHECK(rig.metrics.rejected(core::RejectReason::DuplicateCall) == 0);
      }
    }
    WHEN("a batch skips ahead to seqs 4 and 5") {
      outcome = rig.processor.handle_frame(
          frame(7, {{4, enqueued("c4", kT0 + 3s)}, {5, enqueued("c5", kT0 + 4s)}}));
      THEN("nothing of it is applied, both are counted as sequence_gap, the ack stays at 2") {
        CHECK(outcome.ack.applied_seq == 2);
        CHECK(outcome.applied == 0);
        CHECK(rig.waiting() == 2);
        CHECK(rig.metrics.rejected(core::RejectReason::SequenceGap) == 2);
      }
    }
    WHEN("a new session of the same source starts again at seq 1") {
      outcome = rig.processor.handle_frame(frame(8, {{1, enqueued("c9", kT0 + 5s)}}));
      THEN("it is a new stream, not a resend") {
        CHECK(outcome.ack.session == 8);
        CHECK(outcome.ack.applied_seq == 1);
        CHECK(rig.waiting() == 3);
        CHECK(rig.processor.streams().size() == 2);
      }
    }
  }
}

TEST_CASE("a collector's reported gaps are counted once each, across its restarts",
          "[daemon][ingest]") {
  core::ManualClock clock(kT0 + 60s);
  Rig rig(clock);
  auto with_health = [](std::uint64_t session, std::uint64_t seq, wire::SourceHealth health) {
    wire::Batch batch{"pbx1", session, {{seq, enqueued("c" + std::to_string(seq), kT0)}}};
    batch.health = health;
    return wire::encode_batch(batch);
  };
  rig.processor.handle_frame(with_health(7, 1, {}));
  rig.processor.handle_frame(with_health(7, 2, {1, 4'000}));
  // Every later batch repeats the cumulative figures: nothing new.
  rig.processor.handle_frame(with_health(7, 3, {1, 4'000}));
  rig.processor.handle_frame(with_health(7, 4, {2, 10'000}));
  CHECK(rig.metrics.source_health("pbx1", 2, 10'000) == 0);
  // The collector restarted and counts from 0 again: its first gap is new, not a decrease.
  CHECK(rig.metrics.source_health("pbx1", 1, 2'000) == 1);
  CHECK(rig.metrics.source_health("pbx1", 1, 2'000) == 0);
  // Totals exported: 2 + 1 gaps, 10 + 2 s.
  const auto families = rig.metrics.registry()->Collect();
  double total_gaps = -1, total_seconds = -1;
  for (const auto& family : families)
    for (const auto& metric : family.metric) {
      if (family.name == "floorwatch_source_gaps_total") total_gaps = metric.counter.value;
      if (family.name == "floorwatch_source_gap_seconds_total")
        total_seconds = metric.counter.value;
    }
  CHECK(total_gaps == 3);
  CHECK(total_seconds == Approx(12.0));
}

TEST_CASE("bad input is counted by reason and never stops ingestion", "[daemon][ingest]") {
  core::ManualClock clock(kT0 + 60s);
  Rig rig(clock);

  SECTION("a frame that is not an EventBatch is malformed and gets no ack") {
    auto outcome = rig.processor.handle_frame("\xff\xff not protobuf");
    CHECK_FALSE(outcome.decoded);
    CHECK(rig.metrics.rejected(core::RejectReason::Malformed) == 1);
    CHECK_FALSE(outcome.problem.empty());
    // The next good frame is applied as if nothing happened.
    outcome = rig.processor.handle_frame(frame(1, {{1, enqueued("c1", kT0)}}));
    CHECK(outcome.ack.applied_seq == 1);
    CHECK(rig.waiting() == 1);
  }
  SECTION("an event the engine rejects is consumed (acked) and counted under the engine's reason") {
    core::Event ghost;
    ghost.type = core::EventType::CallAnswered;
    ghost.ts = kT0;
    ghost.call = "never-enqueued";
    ghost.agent = "a1";
    auto outcome = rig.processor.handle_frame(frame(1, {{1, ghost}, {2, enqueued("c1", kT0)}}));
    CHECK(outcome.ack.applied_seq == 2);  // a resend would be rejected again: do not ask for one
    CHECK(outcome.applied == 1);
    CHECK(outcome.rejected == 1);
    CHECK(rig.metrics.rejected(core::RejectReason::UnknownCall) == 1);
    CHECK(rig.waiting() == 1);
  }
}

TEST_CASE("with the event clock, now follows the latest event", "[daemon][ingest]") {
  core::EventClock clock;
  Rig rig(clock, &clock);
  rig.processor.handle_frame(frame(1, {{1, enqueued("c1", kT0)}, {2, enqueued("c2", kT0 + 93s)}}));
  CHECK(clock.now() == kT0 + 93s);
  // c1 has waited from T0 to the latest event time: 93 s.
  CHECK(rig.snapshot().queues.at(0).oldest_wait_seconds == Approx(93));
}

TEST_CASE("the control socket answers snapshot, status and unknown commands", "[daemon][control]") {
  core::ManualClock clock(kT0 + 75s);
  Rig rig(clock);
  rig.processor.handle_frame(frame(3, {{1, enqueued("c1", kT0)}}));
  rig.views.publish(rig.floor, clock.now(), {});  // what the loop does every wake-up
  const daemon::ControlServer server(rig.views, rig.processor,
                                     {{"stockholm", "fw-a"}, "1.2.3", "wall", {}});

  SECTION("snapshot lists queues with their waiting calls, times in RFC 3339") {
    const auto reply =
        nlohmann::json::parse(server.handle(R"({"command":"snapshot"})", clock.now()).reply);
    CHECK(reply["site"] == "stockholm");
    CHECK(reply["now"] == "2026-11-24T09:01:15.000Z");
    REQUIRE(reply["queues"].size() == 1);
    const auto& sales = reply["queues"][0];
    CHECK(sales["name"] == "sales");
    CHECK(sales["calls_waiting"] == 1);
    CHECK(sales["oldest_wait_seconds"] == Approx(75));  // T0 -> T0+75 s
    CHECK(sales["settings"]["answer_target_seconds"] == Approx(90));
    REQUIRE(sales["waiting_calls"].size() == 1);
    CHECK(sales["waiting_calls"][0]["call"] == "c1");
    CHECK(sales["waiting_calls"][0]["enqueued_at"] == "2026-11-24T09:00:00.000Z");
    // Nothing left the queue yet: no service level to report, so null rather than 0.
    CHECK(sales["windows"]["today"]["service_level"].is_null());
    CHECK(sales["windows"]["today"]["offered"] == 1);
  }
  SECTION("status names the daemon and each stream's applied seq") {
    const auto reply =
        nlohmann::json::parse(server.handle(R"({"command":"status"})", clock.now()).reply);
    CHECK(reply["daemon"] == "fw-a");
    CHECK(reply["version"] == "1.2.3");
    CHECK(reply["clock"] == "wall");
    REQUIRE(reply["streams"].size() == 1);
    CHECK(reply["streams"][0]["source"] == "pbx1");
    CHECK(reply["streams"][0]["session"] == 3);
    CHECK(reply["streams"][0]["applied_seq"] == 1);
  }
  SECTION("bad requests get an error naming the problem") {
    auto request = GENERATE(as<std::string>{}, R"({"command":"reboot"})", "not json", "[1,2]",
                            R"({"cmd":"status"})");
    const auto reply = nlohmann::json::parse(server.handle(request, clock.now()).reply);
    INFO(request);
    REQUIRE(reply.contains("error"));
    CHECK(reply["error"].get<std::string>().size() > 10);
  }
}

TEST_CASE("peer_acks are merged from the HA partner's key only", "[daemon][control][ha]") {
  core::ManualClock clock(kT0 + 75s);
  Rig rig(clock);
  rig.views.publish(rig.floor, clock.now(), {});
  daemon::AlertService alerts(alerts::parse_alerts_config_text(R"(
notifiers:
  log: {type: log}
escalation_policies:
  default:
    - {name: floor-lead, notifiers: [log]}
rules:
  - {name: OldestWaitOver90s, expr: oldest_wait_seconds > 90}
)",
                                                               "test.yaml"),
                              "UTC", {"stockholm", "fw-a"}, "");
  daemon::ControlServer server(rig.views, rig.processor,
                               {{"stockholm", "fw-a"}, "1.2.3", "wall", {}});
  server.set_alert_service(&alerts);
  server.set_peer_key_name("fw-b");
  // An ack the partner took for an alert not firing here yet: held until it fires.
  const std::string request =
      R"({"command":"peer_acks","from":"fw-b","acks":[{"fingerprint":"00ff00ff00ff00ff",)"
      R"("by":"maria","comment":"","at_ms":1795510890000}]})";
  const auto answer = [&](const std::string& text, const std::string& key) {
    return nlohmann::json::parse(server.handle(text, clock.now(), key).reply);
  };

  SECTION("from the partner's key, or without CURVE") {
    CHECK(answer(request, "fw-b") == nlohmann::json{{"merged", 0}, {"held", 1}});
    CHECK(answer(request, "") == nlohmann::json{{"merged", 0}, {"held", 1}});
  }
  SECTION("any other key cannot speak for the partner") {
    const auto reply = answer(request, "maria");
    CHECK(reply["error"].get<std::string>().find("not this daemon's HA peer") != std::string::npos);
    CHECK(alerts.engine().held_shared_acks() == 0);
  }
  SECTION("a malformed list is refused") {
    CHECK(answer(R"({"command":"peer_acks","acks":[{"by":"maria"}]})", "").contains("error"));
    CHECK(answer(R"({"command":"peer_acks"})", "").contains("error"));
  }
}

TEST_CASE("peer_callbacks go to the loop from the HA partner's key only, refusals counted",
          "[daemon][control][ha][callbacks]") {
  core::ManualClock clock(kT0 + 75s);
  Rig rig(clock);
  rig.views.publish(rig.floor, clock.now(), {});
  daemon::ControlServer server(rig.views, rig.processor,
                               {{"stockholm", "fw-a"}, "1.2.3", "wall", {}});
  daemon::PeerMetrics metrics(*rig.metrics.registry(), {"stockholm", "fw-a"}, true);
  server.set_peer_metrics(&metrics);
  server.set_peer_key_name("fw-b");
  const std::string request =
      R"({"command":"peer_callbacks","from":"fw-b","closes":[{"caller":"+461",)"
      R"("first_abandoned_at_ms":1795510810000,"last_abandoned_at_ms":1795510810000,)"
      R"("by":"maria","at_ms":1795510890000}]})";
  const auto rejected = [&] {
    for (const auto& family : rig.metrics.registry()->Collect())
      if (family.name == "floorwatch_ha_peer_requests_rejected_total")
        for (const auto& metric : family.metric)
          for (const auto& label : metric.label)
            if (label.name == "command" && label.value == "peer_callbacks")
              return metric.counter.value;
    return -1.0;
  };
  const auto error_of = [](const daemon::ControlReply& reply) {
    return nlohmann::json::parse(reply.reply)["error"].get<std::string>();
  };

  SECTION("a daemon without ha: has no partner to hear from") {
    const auto reply = server.handle(request, clock.now(), "");
    CHECK_FALSE(reply.peer_callbacks);
    CHECK_THAT(error_of(reply), Catch::Contains("no HA partner"));
    CHECK(rejected() == 1);
  }
  server.enable_peer(true);
  SECTION("from the partner's key, or without CURVE: handed to the loop to merge") {
    for (const std::string key : {"fw-b", ""}) {
      const auto reply = server.handle(request, clock.now(), key);
      REQUIRE(reply.peer_callbacks);
      CHECK(reply.reply.empty());
      CHECK(reply.peer_callbacks->from == "fw-b");
      CHECK(reply.peer_callbacks->closes.at(0).caller == "+461");
    }
    CHECK(rejected() == 0);
  }
  SECTION("any other key cannot speak for the partner") {
    const auto reply = server.handle(request, clock.now(), "maria");
    CHECK_FALSE(reply.peer_callbacks);
    CHECK_THAT(error_of(reply), Catch::Contains("not this daemon's HA peer"));
    CHECK(rejected() == 1);
  }
  SECTION("a malformed entry is refused, naming it") {
    const auto reply =
        server.handle(R"({"command":"peer_callbacks","closes":[{"caller":"+1"}]})", clock.now());
    CHECK_THAT(error_of(reply), Catch::Contains("closes[0].by"));
    CHECK(rejected() == 1);
  }
}
