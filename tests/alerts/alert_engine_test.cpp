// The alert engine with injected time: lifecycle, thresholds to the millisecond, `for:`,
// hysteresis, cooldown, min_calls, active hours, silences and the deadlines the daemon sleeps on.
#include <catch2/catch.hpp>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {}  // namespace

SCENARIO("an unanswered caller crossing 90 s fires at the 90 s mark, not at the next event",
         "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
    severity: critical
)")));
  Floor floor;
  const core::Timestamp enqueued = kMonday9Utc;

  GIVEN("a caller who joined the sales queue 10 seconds ago and no other traffic") {
    floor.waiting("sales", 1, enqueued);
    auto result = engine.evaluate(floor.at(enqueued + 10s), kNoSources, enqueued + 10s);
    REQUIRE(result.transitions.empty());

    THEN("the engine asks to be woken exactly when the wait exceeds 90 s") {
      REQUIRE(engine.next_deadline() == enqueued + 90s + 1ms);
    }
    WHEN("it evaluates at exactly 90.000 s") {
      result = engine.evaluate(floor.at(enqueued + 90s), kNoSources, enqueued + 90s);
      THEN("nothing fires yet: 90 is not more than 90") {
        CHECK(result.transitions.empty());
        CHECK(engine.next_deadline() == enqueued + 90s + 1ms);
      }
    }
    WHEN("it evaluates at the deadline") {
      const core::Timestamp deadline = *engine.next_deadline();
      result = engine.evaluate(floor.at(deadline), kNoSources, deadline);
      THEN("the alert fires at once with its labels, and the floor lead is told") {
        REQUIRE(result.transitions.size() == 1);
        const Transition& fired = result.transitions.front();
        CHECK(fired.from == AlertState::Inactive);
        CHECK(fired.to == AlertState::Firing);
        CHECK(fired.at == enqueued + 90s + 1ms);
        CHECK(fired.labels == Labels{{"alertname", "OldestWaitOver90s"},
                                     {"queue", "sales"},
                                     {"severity", "critical"}});
        CHECK(notified(result.notifications) == std::vector<std::string>{"floor-lead:firing"});
        const Notification& page = result.notifications.front();
        CHECK(page.annotations.at("values") == "oldest_wait_seconds=90.001");
        CHECK(page.annotations.at("summary").find("sales") != std::string::npos);
        REQUIRE(engine.list().size() == 1);
        CHECK(engine.list().front().state == AlertState::Firing);
      }
      AND_THEN("the next deadline is the supervisor tier, 3 minutes after firing") {
        CHECK(engine.next_deadline() == deadline + 3min);
      }
      AND_WHEN("the caller is answered") {
        floor.nobody_waiting("sales");
        result = engine.evaluate(floor.at(deadline + 20s), kNoSources, deadline + 20s);
        THEN("the alert resolves and the floor lead hears it") {
          REQUIRE(transitions_to(result, AlertState::Resolved).size() == 1);
          CHECK(notified(result.notifications) == std::vector<std::string>{"floor-lead:resolved"});
          CHECK(result.notifications.front().ends_at == deadline + 20s);
          CHECK(engine.list().empty());
          REQUIRE(engine.history().size() == 1);
          CHECK(engine.history().front().resolve_reason == TransitionReason::ConditionCleared);
          CHECK_FALSE(engine.next_deadline().has_value());
        }
      }
    }
  }
}

TEST_CASE("breach_within_seconds fires when the oldest caller is 30 s from the answer target",
          "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: BreachImminent
    expr: breach_within_seconds < 30
)")));
  Floor floor;
  floor.queue("support").settings.answer_target = 60s;
  const core::Timestamp enqueued = kMonday9Utc;
  floor.waiting("support", 2, enqueued);

  SECTION("with no agent available the deadline is enqueue + target - 30 s (+1 ms: strict <)") {
    floor.agents("support", core::AgentStatus::Available, 0);
    engine.evaluate(floor.at(enqueued + 5s), kNoSources, enqueued + 5s);
    REQUIRE(engine.next_deadline() == enqueued + 30s + 1ms);
    const auto result =
        engine.evaluate(floor.at(enqueued + 30s + 1ms), kNoSources, enqueued + 30s + 1ms);
    REQUIRE(transitions_to(result, AlertState::Firing).size() == 1);
    CHECK(engine.list().front().values.front() == Approx(29.999));
  }
  SECTION("with an agent available the figure is absent: no alert, nothing scheduled") {
    engine.evaluate(floor.at(enqueued + 45s), kNoSources, enqueued + 45s);
    CHECK(engine.list().empty());
    CHECK_FALSE(engine.next_deadline().has_value());
  }
}

SCENARIO("`for:` keeps an alert pending until the condition has held long enough",
         "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    for: 2m
)")));
  Floor floor;
  const core::Timestamp start = kMonday9Utc;
  floor.waiting("sales", 12, start - 5s);
  auto result = engine.evaluate(floor.at(start), kNoSources, start);
  REQUIRE(transitions_to(result, AlertState::Pending).size() == 1);
  CHECK(result.notifications.empty());
  CHECK(engine.next_deadline() == start + 2min);

  WHEN("the queue stays long for the whole 2 minutes") {
    result = engine.evaluate(floor.at(start + 2min), kNoSources, start + 2min);
    THEN("it fires at the 2-minute mark and notifies") {
      const auto fired = transitions_to(result, AlertState::Firing);
      REQUIRE(fired.size() == 1);
      CHECK(fired.front().reason == TransitionReason::ForElapsed);
      CHECK(notified(result.notifications) == std::vector<std::string>{"floor-lead:firing"});
    }
  }
  WHEN("the queue drains before 2 minutes") {
    floor.waiting("sales", 4, start);
    result = engine.evaluate(floor.at(start + 90s), kNoSources, start + 90s);
    THEN("the pending alert goes away without anyone being told") {
      REQUIRE(transitions_to(result, AlertState::Inactive).size() == 1);
      CHECK(result.notifications.empty());
      CHECK(engine.list().empty());
      CHECK(engine.history().empty());
      CHECK_FALSE(engine.next_deadline().has_value());
    }
  }
}

TEST_CASE("hysteresis: fires past the fire threshold, resolves only past the clear threshold",
          "[alerts][engine]") {
  const bool with_clear = GENERATE(true, false);
  AlertEngine engine(config(rules(std::string(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
)") + (with_clear ? "    clear: 5\n" : ""))));
  Floor floor;
  core::Timestamp now = kMonday9Utc;
  const auto state_with_waiting = [&](std::int64_t waiting) {
    now += 10s;
    floor.waiting("sales", waiting, now - 1s);
    engine.evaluate(floor.at(now), kNoSources, now);
    return engine.list().empty() ? AlertState::Resolved : engine.list().front().state;
  };
  CHECK(state_with_waiting(10) == AlertState::Resolved);  // not yet: 10 is not > 10
  CHECK(state_with_waiting(11) == AlertState::Firing);
  if (with_clear) {
    CHECK(state_with_waiting(9) == AlertState::Firing);  // flapping around 10 keeps it up
    CHECK(state_with_waiting(6) == AlertState::Firing);
    CHECK(state_with_waiting(5) == AlertState::Resolved);  // clears at <= 5
  } else {
    CHECK(state_with_waiting(10) == AlertState::Resolved);
  }
  CHECK(engine.history().size() == 1);
}

TEST_CASE("a collector gone quiet fires at its threshold and clears when events resume",
          "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: SilentCollector
    expr: source_silent_seconds > 60
    clear: 30
)")));
  Floor floor;
  const core::Timestamp last = kMonday9Utc;
  std::vector<SourceActivity> sources{{"pbx-1", last}};
  engine.evaluate(floor.at(last + 1s), sources, last + 1s);
  REQUIRE(engine.next_deadline() == last + 60s + 1ms);
  auto result = engine.evaluate(floor.at(last + 60s + 1ms), sources, last + 60s + 1ms);
  REQUIRE(transitions_to(result, AlertState::Firing).size() == 1);
  CHECK(result.transitions.front().labels.at("source") == "pbx-1");
  // Events flow again: silent for 0 s, below clear (30) -> resolved.
  sources.front().last_event_at = last + 70s;
  result = engine.evaluate(floor.at(last + 70s), sources, last + 70s);
  CHECK(transitions_to(result, AlertState::Resolved).size() == 1);
}

TEST_CASE("cooldown: no new alert for the same queue until it has passed", "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    cooldown: 5m
)")));
  Floor floor;
  const core::Timestamp start = kMonday9Utc;
  floor.waiting("sales", 11, start);
  engine.evaluate(floor.at(start), kNoSources, start);
  const AlertId first = engine.list().front().id;
  floor.waiting("sales", 3, start);
  engine.evaluate(floor.at(start + 1min), kNoSources, start + 1min);
  REQUIRE(engine.list().empty());

  floor.waiting("sales", 15, start + 1min);
  auto result = engine.evaluate(floor.at(start + 2min), kNoSources, start + 2min);
  CHECK(result.transitions.empty());
  CHECK(engine.list().empty());
  CHECK(engine.next_deadline() == start + 1min + 5min);

  result = engine.evaluate(floor.at(start + 6min), kNoSources, start + 6min);
  REQUIRE(transitions_to(result, AlertState::Firing).size() == 1);
  CHECK(engine.list().front().id != first);
}

TEST_CASE("min_calls: a ratio over too few calls does not alert", "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: ServiceLevelLow
    expr: service_level_ratio{window=interval} < 0.80
    min_calls: 10
)")));
  Floor floor;
  auto& interval =
      floor.queue("sales").windows[static_cast<std::size_t>(core::WindowKind::Interval)];
  interval.service_level = 0.5;
  interval.counts.answered = 3;
  interval.counts.abandoned = 3;
  const core::Timestamp now = kMonday9Utc;
  engine.evaluate(floor.at(now), kNoSources, now);
  CHECK(engine.list().empty());  // 6 calls < 10

  interval.counts.answered = 6;
  interval.counts.exited_by_reason[0] = 4;  // 6 + 3 + 4 = 13 calls left the queue
  const auto result = engine.evaluate(floor.at(now + 1s), kNoSources, now + 1s);
  REQUIRE(transitions_to(result, AlertState::Firing).size() == 1);
  CHECK(result.notifications.front().annotations.at("values") ==
        "service_level_ratio{window=interval}=0.5");
}

TEST_CASE("an `and` of terms needs all of them", "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: NobodyToAnswer
    expr: agents{state=available} == 0 and calls_waiting > 0
)")));
  Floor floor;
  const core::Timestamp now = kMonday9Utc;
  floor.waiting("sales", 2, now - 3s);
  engine.evaluate(floor.at(now), kNoSources, now);
  CHECK(engine.list().empty());  // one agent available
  floor.agents("sales", core::AgentStatus::Available, 0);
  engine.evaluate(floor.at(now + 1s), kNoSources, now + 1s);
  CHECK(engine.list().size() == 1);
  floor.nobody_waiting("sales");
  engine.evaluate(floor.at(now + 2s), kNoSources, now + 2s);
  CHECK(engine.list().empty());
}

TEST_CASE("queues filter and one alert per queue", "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    queues: [sales, billing]
)")));
  Floor floor;
  const core::Timestamp now = kMonday9Utc;
  for (const char* queue : {"sales", "support", "billing"}) floor.waiting(queue, 20, now);
  const auto result = engine.evaluate(floor.at(now), kNoSources, now);
  REQUIRE(result.transitions.size() == 2);
  std::vector<std::string> queues;
  for (const Alert& alert : engine.list()) queues.push_back(alert.labels.at("queue"));
  std::sort(queues.begin(), queues.end());
  CHECK(queues == std::vector<std::string>{"billing", "sales"});

  SECTION("a queue that disappears from the snapshot resolves its alert") {
    floor.remove("sales");
    const auto gone = engine.evaluate(floor.at(now + 1s), kNoSources, now + 1s);
    const auto resolved = transitions_to(gone, AlertState::Resolved);
    REQUIRE(resolved.size() == 1);
    CHECK(resolved.front().labels.at("queue") == "sales");
    CHECK(resolved.front().reason == TransitionReason::SubjectGone);
  }
}

TEST_CASE("active hours follow the site's local clock", "[alerts][engine]") {
  EngineOptions options;
  options.time_zone = "Europe/Stockholm";
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    active_hours: {days: [mon, tue, wed, thu, fri], start: "08:00", end: "18:00"}
)")),
                     options);
  Floor floor;
  // Monday 07:59 in Stockholm (UTC+1 in November) = 06:59 UTC.
  const core::Timestamp before_opening = kMonday9Utc - 2h - 1min;
  floor.waiting("sales", 20, before_opening - 1min);
  engine.evaluate(floor.at(before_opening), kNoSources, before_opening);
  CHECK(engine.list().empty());
  const core::Timestamp opening = kMonday9Utc - 2h;  // 08:00 local
  REQUIRE(engine.next_deadline() == opening);

  auto result = engine.evaluate(floor.at(opening), kNoSources, opening);
  REQUIRE(transitions_to(result, AlertState::Firing).size() == 1);
  const core::Timestamp closing = kMonday9Utc + 8h;  // 18:00 local
  CHECK(engine.next_deadline() == opening + 3min);   // the supervisor tier comes first
  result = engine.evaluate(floor.at(closing), kNoSources, closing);
  const auto resolved = transitions_to(result, AlertState::Resolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved.front().reason == TransitionReason::OutsideActiveHours);
  // Closed until Tuesday 08:00 local.
  CHECK(engine.next_deadline() == opening + 24h);
}

TEST_CASE("active hours across a DST change use local time", "[alerts][engine]") {
  EngineOptions options;
  options.time_zone = "Europe/Stockholm";
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    active_hours: {start: "08:00", end: "18:00"}
)")),
                     options);
  Floor floor;
  // Saturday 2026-03-28 20:00 UTC; clocks go forward on Sunday 29 March at 02:00 local.
  const core::Timestamp saturday_evening = core::from_epoch_ms(1'774'728'000'000);
  floor.waiting("sales", 20, saturday_evening);
  engine.evaluate(floor.at(saturday_evening), kNoSources, saturday_evening);
  CHECK(engine.list().empty());
  // Sunday 08:00 CEST = 06:00 UTC.
  CHECK(engine.next_deadline() == core::from_epoch_ms(1'774'764'000'000));
}

TEST_CASE("silences mute notifications; the tier hears once the silence ends", "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
)")));
  Floor floor;
  const core::Timestamp now = kMonday9Utc;
  floor.waiting("sales", 20, now);
  floor.waiting("support", 20, now);

  Silence silence;
  silence.matchers = {*parse_matcher("queue=sales"), *parse_matcher("alertname=~\"Queue.*\"")};
  silence.starts_at = now - 1min;
  silence.ends_at = now + 30min;
  silence.created_by = "alice";
  silence.comment = "planned fire drill";
  const SilenceResult added = engine.add_silence(silence, now - 1min);
  REQUIRE(added.error.empty());

  auto result = engine.evaluate(floor.at(now), kNoSources, now);
  REQUIRE(result.transitions.size() == 2);    // both fire: silences do not stop the lifecycle
  REQUIRE(result.notifications.size() == 1);  // only support is told
  CHECK(result.notifications.front().labels.at("queue") == "support");
  const auto sales = std::find_if(engine.list().begin(), engine.list().end(),
                                  [](const Alert& a) { return a.subject == "sales"; });
  CHECK(sales->silenced);

  SECTION("at the silence end, the tiers that came due are told") {
    result = engine.evaluate(floor.at(now + 30min), kNoSources, now + 30min);
    std::vector<std::string> sales_tiers;
    for (const Notification& n : result.notifications)
      if (n.labels.at("queue") == "sales")
        sales_tiers.push_back(n.tier + ":" + std::string(to_string(n.kind)));
    CHECK(sales_tiers == std::vector<std::string>{"floor-lead:firing", "supervisor:firing",
                                                  "operations-manager:firing"});
  }
  SECTION("expiring the silence early wakes the daemon at once") {
    REQUIRE(engine.expire_silence(added.id, now + 2min));
    CHECK(engine.next_deadline() == now + 2min);
    result = engine.evaluate(floor.at(now + 2min), kNoSources, now + 2min);
    CHECK(notified(result.notifications) == std::vector<std::string>{"floor-lead:firing"});
    CHECK(result.notifications.front().labels.at("queue") == "sales");
  }
  SECTION("a silence that does not match leaves notifications alone") {
    Silence other = silence;
    other.matchers = {*parse_matcher("queue!=support"), *parse_matcher("severity=critical")};
    REQUIRE(engine.add_silence(other, now).id != 0);
    floor.waiting("billing", 20, now);
    result = engine.evaluate(floor.at(now + 1s), kNoSources, now + 1s);
    REQUIRE(notified(result.notifications) == std::vector<std::string>{"floor-lead:firing"});
    CHECK(result.notifications.front().labels.at("queue") == "billing");
  }
  SECTION("an invalid silence is refused with a reason") {
    Silence empty;
    empty.starts_at = now;
    empty.ends_at = now + 1h;
    empty.created_by = "bob";
    const SilenceResult refused = engine.add_silence(empty, now);
    CHECK(refused.id == 0);
    CHECK(refused.error.find("matcher") != std::string::npos);
  }
}

SCENARIO("escalation: floor lead now, supervisor after 3 min, operations manager after 10",
         "[alerts][engine][escalation]") {
  AlertEngine engine(config(rules(R"(
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
)")));
  Floor floor;
  const core::Timestamp enqueued = kMonday9Utc;
  floor.waiting("sales", 1, enqueued);
  auto result = engine.evaluate(floor.at(enqueued), kNoSources, enqueued);
  const core::Timestamp fired = *engine.next_deadline();

  GIVEN("nobody acknowledges and the caller keeps waiting") {
    // Drive the engine purely by its own deadlines, as the daemon does.
    std::vector<std::pair<core::Duration, std::string>> sent;
    while (engine.next_deadline() && *engine.next_deadline() <= fired + 12min) {
      const core::Timestamp now = *engine.next_deadline();
      result = engine.evaluate(floor.at(now), kNoSources, now);
      for (const std::string& tier_kind : notified(result.notifications))
        sent.emplace_back(now - fired, tier_kind);
    }
    THEN("each tier is told at its time and repeats at its interval") {
      const std::vector<std::pair<core::Duration, std::string>> expected{
          {0min, "floor-lead:firing"},
          {3min, "supervisor:firing"},
          {5min, "floor-lead:repeat"},
          {10min, "floor-lead:repeat"},
          {10min, "operations-manager:firing"}};
      CHECK(sent == expected);
    }
    AND_WHEN("the caller is finally answered") {
      floor.nobody_waiting("sales");
      result = engine.evaluate(floor.at(fired + 12min), kNoSources, fired + 12min);
      THEN("every tier that was told hears it resolved") {
        CHECK(notified(result.notifications) ==
              std::vector<std::string>{"floor-lead:resolved", "supervisor:resolved",
                                       "operations-manager:resolved"});
      }
    }
  }

  GIVEN("the floor lead acknowledges after one minute") {
    result = engine.evaluate(floor.at(fired), kNoSources, fired);
    const AlertId id = engine.list().front().id;
    const AckResult ack = engine.acknowledge(id, "maria", "calling back from desk 4", fired + 1min);
    REQUIRE(ack.status == AckStatus::Acknowledged);
    REQUIRE(ack.transition);
    CHECK(ack.transition->to == AlertState::Acknowledged);
    CHECK(notified(ack.notifications) == std::vector<std::string>{"floor-lead:acknowledged"});
    CHECK(ack.notifications.front().annotations.at("acknowledged_by") == "maria");

    THEN("no escalation or repeat is scheduled and none is sent") {
      CHECK_FALSE(engine.next_deadline().has_value());
      result = engine.evaluate(floor.at(fired + 11min), kNoSources, fired + 11min);
      CHECK(result.notifications.empty());
      const Alert& alert = engine.list().front();
      CHECK(alert.state == AlertState::Acknowledged);
      CHECK(alert.acknowledgement->by == "maria");
      CHECK(alert.acknowledgement->comment == "calling back from desk 4");
      CHECK(alert.acknowledgement->at == fired + 1min);
    }
    AND_WHEN("it resolves") {
      floor.nobody_waiting("sales");
      result = engine.evaluate(floor.at(fired + 4min), kNoSources, fired + 4min);
      THEN("only the tier that was told hears it resolved") {
        CHECK(notified(result.notifications) == std::vector<std::string>{"floor-lead:resolved"});
        CHECK(engine.history().back().acknowledgement->by == "maria");
      }
    }
  }
}

TEST_CASE("acknowledge refuses what it cannot acknowledge, with a reason", "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    for: 1m
)")));
  Floor floor;
  const core::Timestamp now = kMonday9Utc;
  floor.waiting("sales", 20, now);
  engine.evaluate(floor.at(now), kNoSources, now);
  const AlertId id = engine.list().front().id;
  CHECK(engine.acknowledge(id, "maria", "", now).status == AckStatus::NotFiring);  // pending
  CHECK(engine.acknowledge(999, "maria", "", now).status == AckStatus::UnknownAlert);
  engine.evaluate(floor.at(now + 1min), kNoSources, now + 1min);
  CHECK(engine.acknowledge(id, "", "", now + 1min).status == AckStatus::MissingName);
  CHECK(engine.acknowledge(id, "maria", "", now + 1min).status == AckStatus::Acknowledged);
  CHECK(engine.acknowledge(id, "li", "", now + 2min).status == AckStatus::AlreadyAcknowledged);
  floor.nobody_waiting("sales");
  engine.evaluate(floor.at(now + 3min), kNoSources, now + 3min);
  CHECK(engine.acknowledge(id, "maria", "", now + 3min).status == AckStatus::NotFiring);
}

TEST_CASE("state round-trips through the plain state struct", "[alerts][engine]") {
  const auto cfg = config(rules(R"(
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
)"));
  AlertEngine engine(cfg);
  Floor floor;
  const core::Timestamp enqueued = kMonday9Utc;
  floor.waiting("sales", 1, enqueued);
  engine.evaluate(floor.at(enqueued + 91s), kNoSources, enqueued + 91s);
  REQUIRE(engine.list().size() == 1);

  AlertEngine restarted(cfg);
  restarted.restore(engine.state());
  const auto result = restarted.evaluate(floor.at(enqueued + 92s), kNoSources, enqueued + 92s);
  CHECK(result.transitions.empty());    // still the same firing alert
  CHECK(result.notifications.empty());  // the floor lead was already told
  CHECK(restarted.list().front().id == engine.list().front().id);
  // The supervisor: 3 min after the wait crossed 90 s (the alert's start), not after the look.
  CHECK(restarted.next_deadline() == enqueued + 90001ms + 3min);
}

TEST_CASE("active hours follow the calendar the picture brings, not the engine's start-up zone",
          "[alerts][engine]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    active_hours: {start: "08:00", end: "18:00"}
)")),
                     EngineOptions{});  // UTC until told otherwise
  Floor floor;
  // Monday 07:30 UTC: outside 08:00-18:00 in UTC, but 13:00 in Kolkata (UTC+5:30).
  const core::Timestamp morning = kMonday9Utc - 90min;
  floor.waiting("sales", 20, morning - 1min);
  engine.evaluate(floor.at(morning), kNoSources, morning);
  CHECK(engine.list().empty());
  // A reload moved the site to Asia/Kolkata: the next picture carries the new calendar.
  floor.calendar(std::make_shared<const core::SiteCalendar>("Asia/Kolkata", 0, 30));
  const auto result = engine.evaluate(floor.at(morning + 1s), kNoSources, morning + 1s);
  CHECK(transitions_to(result, AlertState::Firing).size() == 1);
  // 18:00 in Kolkata is 12:30 UTC: the alert ends at the local closing time.
  const core::Timestamp closing = kMonday9Utc + 3h + 30min;
  const auto closed = engine.evaluate(floor.at(closing), kNoSources, closing);
  const auto resolved = transitions_to(closed, AlertState::Resolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved.front().reason == TransitionReason::OutsideActiveHours);
}
