// The two daemons of an HA pair see the same events but evaluate at their own instants. What
// they send Alertmanager for one breach must be one alert: the same labels, fingerprint,
// annotations and startsAt, whatever their ticks; and their acknowledgements must converge.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alert_test_support.h"
#include "alerts/alert_fingerprint.h"
#include "alerts/notifiers/alertmanager_notifier.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;

namespace {

const std::string kWaitRule = rules(R"(
  - {name: OldestWaitOver90s, expr: oldest_wait_seconds > 90, severity: critical}
)");

/// One daemon of the pair: its engine, evaluating on its own ticks (every `period` from
/// `first_tick`) and at the engine's deadlines, `late` after them (a busy loop).
struct PairMember {
  AlertEngine engine;
  core::Duration period;
  core::Timestamp next_tick;
  core::Duration late;
  core::Timestamp last_wake{};
  std::vector<Notification> sent;

  PairMember(const std::string& yaml, core::Duration tick_period, core::Timestamp first_tick,
             core::Duration lateness)
      : engine(config(yaml)), period(tick_period), next_tick(first_tick), late(lateness) {}

  /// Runs this daemon's wake-ups up to `until` on `floor`.
  void run_until(Floor& floor, core::Timestamp until) {
    while (true) {
      core::Timestamp wake = next_tick;
      if (const auto deadline = engine.next_deadline();
          deadline && *deadline + late<wake&& * deadline + late> last_wake)
        wake = *deadline + late;
      if (wake > until) return;
      if (wake == next_tick) next_tick += period;
      last_wake = wake;
      for (Notification& notice : engine.evaluate(floor.at(wake), kNoSources, wake).notifications)
        sent.push_back(std::move(notice));
    }
  }

  const Notification& first(const std::string& tier, NotificationKind kind) const {
    for (const Notification& notice : sent)
      if (notice.tier == tier && notice.kind == kind) return notice;
    FAIL("no " << to_string(kind) << " notice to " << tier);
    throw std::logic_error("unreachable");
  }
};

/// The Alertmanager body as `daemon` sends it, without endsAt (each daemon's resend time).
nlohmann::json as_alertmanager_sees(const Notification& notice, const std::string& daemon) {
  const NotifierContext context{"stockholm", daemon, "http://127.0.0.1:9464/metrics"};
  auto body = nlohmann::json::parse(alertmanager_payload(notice, context, context.generator_url));
  body[0].erase("endsAt");
  return body;
}

}  // namespace

TEST_CASE(
    "both daemons of a pair send Alertmanager the same alert for one breach, whatever "
    "their ticks",
    "[alerts][ha]") {
  const core::Timestamp enqueued = kMonday9Utc + 1234ms;
  Floor floor_a, floor_b;
  floor_a.waiting("sales", 1, enqueued);
  floor_b.waiting("sales", 1, enqueued);
  // fw-a ticks on the second and wakes 3 ms after each deadline; fw-b ticks off the second
  // and wakes 41 ms late.
  PairMember a(kWaitRule, 1000ms, kMonday9Utc, 3ms);
  PairMember b(kWaitRule, 1000ms, kMonday9Utc + 517ms, 41ms);
  a.run_until(floor_a, kMonday9Utc + 5min);
  b.run_until(floor_b, kMonday9Utc + 5min);

  for (const std::string tier : {"floor-lead", "supervisor"}) {
    const Notification& from_a = a.first(tier, NotificationKind::Firing);
    const Notification& from_b = b.first(tier, NotificationKind::Firing);
    CHECK(from_a.at != from_b.at);  // they did evaluate at different instants
    CHECK(from_a.fingerprint == from_b.fingerprint);
    CHECK(from_a.labels == from_b.labels);
    CHECK(from_a.annotations == from_b.annotations);
    // The instant the wait went over 90 s, not either daemon's tick.
    CHECK(from_a.starts_at == enqueued + 90001ms);
    CHECK(from_b.starts_at == from_a.starts_at);
    CHECK(as_alertmanager_sees(from_a, "fw-a") == as_alertmanager_sees(from_b, "fw-b"));
  }
  const auto& alert = a.engine.list().front();
  CHECK(a.first("floor-lead", NotificationKind::Firing).fingerprint ==
        alert_fingerprint("OldestWaitOver90s", "sales", enqueued + 90001ms));
}

TEST_CASE(
    "an alert on plain figures starts at the event that changed its queue, on both "
    "daemons",
    "[alerts][ha]") {
  const std::string yaml = rules(R"(
  - {name: NobodyToAnswer, expr: "agents{state=available} == 0 and calls_waiting > 0", for: 20s}
)");
  const core::Timestamp event_at = kMonday9Utc + 2345ms;
  const auto nobody_available = [&](Floor& floor) {
    floor.waiting("sales", 1, event_at);
    floor.agents("sales", core::AgentStatus::Available, 0);
    floor.queue("sales").last_event_at = event_at;
  };
  Floor floor_a, floor_b;
  floor_a.queue("sales");
  floor_b.queue("sales");
  PairMember a(yaml, 1000ms, kMonday9Utc, 2ms);
  PairMember b(yaml, 1000ms, kMonday9Utc + 301ms, 67ms);
  a.run_until(floor_a, kMonday9Utc + 2s);
  b.run_until(floor_b, kMonday9Utc + 2s);
  nobody_available(floor_a);
  nobody_available(floor_b);
  // Each daemon sees the events at its own next wake-up.
  a.run_until(floor_a, kMonday9Utc + 1min);
  b.run_until(floor_b, kMonday9Utc + 1min);

  const Notification& from_a = a.first("floor-lead", NotificationKind::Firing);
  const Notification& from_b = b.first("floor-lead", NotificationKind::Firing);
  CHECK(from_a.starts_at == event_at + 20s);  // `for:` counted from the event
  CHECK(from_b.starts_at == from_a.starts_at);
  CHECK(from_a.fingerprint == from_b.fingerprint);
  CHECK(as_alertmanager_sees(from_a, "fw-a") == as_alertmanager_sees(from_b, "fw-b"));
}

TEST_CASE("acknowledgements shared by a pair converge: union, earliest wins", "[alerts][ha]") {
  const core::Timestamp enqueued = kMonday9Utc;
  Floor floor_a, floor_b;
  floor_a.waiting("sales", 1, enqueued);
  floor_b.waiting("sales", 1, enqueued);
  PairMember a(kWaitRule, 1000ms, kMonday9Utc, 1ms);
  PairMember b(kWaitRule, 1000ms, kMonday9Utc + 250ms, 30ms);
  a.run_until(floor_a, kMonday9Utc + 95s);
  b.run_until(floor_b, kMonday9Utc + 95s);
  const AlertId id_a = a.engine.list().front().id;
  const AlertId id_b = b.engine.list().front().id;

  SECTION("an ack on one daemon stops the other's escalation") {
    REQUIRE(a.engine.acknowledge(id_a, "maria", "on it", kMonday9Utc + 100s).status ==
            AckStatus::Acknowledged);
    for (const auto& [fingerprint, ack] : a.engine.shared_acks()) {
      const AckResult merged = b.engine.merge_shared_ack(fingerprint, ack, kMonday9Utc + 100s);
      CHECK(merged.status == AckStatus::Acknowledged);
      CHECK(notified(merged.notifications) == std::vector<std::string>{"floor-lead:acknowledged"});
    }
    b.sent.clear();
    b.run_until(floor_b, kMonday9Utc + 10min);
    CHECK(b.sent.empty());  // no supervisor, no operations manager
    CHECK(b.engine.find(id_b)->acknowledgement->by == "maria");
  }

  SECTION("both acked in turn: whatever order the messages arrive in, the earliest wins") {
    REQUIRE(a.engine.acknowledge(id_a, "maria", "mine", kMonday9Utc + 100s).status ==
            AckStatus::Acknowledged);
    REQUIRE(b.engine.acknowledge(id_b, "john", "no, mine", kMonday9Utc + 101s).status ==
            AckStatus::Acknowledged);
    const auto from_a = a.engine.shared_acks();
    const auto from_b = b.engine.shared_acks();
    for (const auto& [fingerprint, ack] : from_a)
      CHECK(b.engine.merge_shared_ack(fingerprint, ack, kMonday9Utc + 102s).changed);
    for (const auto& [fingerprint, ack] : from_b)
      CHECK_FALSE(a.engine.merge_shared_ack(fingerprint, ack, kMonday9Utc + 102s).changed);
    // The partner repeats its set every second: nothing changes, nothing to snapshot.
    for (const auto& [fingerprint, ack] : from_a)
      CHECK_FALSE(b.engine.merge_shared_ack(fingerprint, ack, kMonday9Utc + 103s).changed);
    CHECK(a.engine.shared_acks().front().second.by == "maria");
    CHECK(b.engine.shared_acks().front().second.by == "maria");
    CHECK(b.engine.shared_acks().front().second.at == kMonday9Utc + 100s);
  }
}

TEST_CASE("a peer's ack for an alert not firing here yet is held and applied as it fires",
          "[alerts][ha]") {
  Floor floor;
  floor.waiting("sales", 1, kMonday9Utc);
  AlertEngine late(config(kWaitRule));
  late.evaluate(floor.at(kMonday9Utc + 10s), kNoSources, kMonday9Utc + 10s);
  const std::string fingerprint =
      alert_fingerprint("OldestWaitOver90s", "sales", kMonday9Utc + 90001ms);
  const AckResult held = late.merge_shared_ack(
      fingerprint, Acknowledgement{"maria", "", kMonday9Utc + 91s}, kMonday9Utc + 91s);
  CHECK(held.status == AckStatus::UnknownAlert);
  CHECK(late.held_shared_acks() == 1);

  // This daemon was behind (a restart, a slow disk): its alert fires only now.
  const auto result = late.evaluate(floor.at(kMonday9Utc + 92s), kNoSources, kMonday9Utc + 92s);
  CHECK(notified(result.notifications).empty());  // the partner told the floor lead already
  REQUIRE(late.list().size() == 1);
  CHECK(late.list().front().state == AlertState::Acknowledged);
  CHECK(late.held_shared_acks() == 0);
}

TEST_CASE("firing alerts are refreshed for Alertmanager with an endsAt ahead", "[alerts][ha]") {
  Floor floor;
  floor.waiting("sales", 1, kMonday9Utc);
  AlertEngine engine(config(kWaitRule));
  engine.evaluate(floor.at(kMonday9Utc + 91s), kNoSources, kMonday9Utc + 91s);
  const auto refresh = engine.refresh_notices(kMonday9Utc + 2min);
  REQUIRE(notified(refresh) == std::vector<std::string>{"floor-lead:refresh"});
  const NotifierContext context{"stockholm", "fw-a", ""};
  const auto body = nlohmann::json::parse(
      alertmanager_payload(refresh.front(), context, "", std::chrono::seconds(30)));
  CHECK(body[0]["startsAt"] == "2026-11-23T09:01:30.001Z");
  CHECK(body[0]["endsAt"] == "2026-11-23T09:04:00.000Z");  // sent + 4 x 30 s
  CHECK_FALSE(body[0]["labels"].contains("daemon"));
}
