// The engine fed only the queues that changed since its last evaluation (what floorwatchd does):
// unchanged queues are not looked at again, yet their time-driven alerts fire exactly at their
// deadlines, and the outcome is the one a complete evaluation of every queue would give.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>
#include <stdexcept>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

/// A snapshot that says "only these queues changed since `revision`" (FloorState's contract).
const core::FloorSnapshot& changed_only(core::FloorSnapshot& snapshot, std::uint64_t since,
                                        std::uint64_t revision, core::Timestamp now) {
  snapshot.now = now;
  snapshot.only_changed_since = since;
  snapshot.revision = revision;
  return snapshot;
}

core::Event call_enqueued(core::Timestamp ts, const std::string& call, const std::string& queue) {
  core::Event event;
  event.type = core::EventType::CallEnqueued;
  event.ts = ts;
  event.call = call;
  event.queue = queue;
  return event;
}

core::Event call_left(core::EventType type, core::Timestamp ts, const std::string& call,
                      const std::string& agent = {}) {
  core::Event event;
  event.type = type;
  event.ts = ts;
  event.call = call;
  event.agent = agent;
  return event;
}

core::Event agent_now(core::Timestamp ts, const std::string& agent, core::AgentStatus state,
                      std::optional<std::vector<std::string>> queues = std::nullopt) {
  core::Event event;
  event.type = core::EventType::AgentState;
  event.ts = ts;
  event.agent = agent;
  event.state = state;
  event.queues = std::move(queues);
  return event;
}

std::string describe(const Transition& t) {
  std::ostringstream text;
  text << t.id << ' ' << t.rule << ' ' << t.labels.at("alertname") << ' ' << to_string(t.from)
       << "->" << to_string(t.to) << " at " << core::to_epoch_ms(t.at) << ' '
       << to_string(t.reason);
  for (const auto& [name, value] : t.labels) text << ' ' << name << '=' << value;
  return text.str();
}

std::string describe(const Notification& n) {
  std::ostringstream text;
  text << n.alert_id << ' ' << n.tier << ' ' << to_string(n.kind) << " at "
       << core::to_epoch_ms(n.at) << " from " << core::to_epoch_ms(n.starts_at);
  if (n.ends_at) text << " to " << core::to_epoch_ms(*n.ends_at);
  for (const auto& [name, value] : n.annotations) text << ' ' << name << '=' << value;
  return text.str();
}

std::string describe(const Alert& a) {
  std::ostringstream text;
  text << a.id << ' ' << a.rule << ' ' << a.subject << ' ' << to_string(a.state)
       << " silenced=" << a.silenced;
  for (const auto& value : a.values) text << ' ' << (value ? std::to_string(*value) : "absent");
  for (const auto& tier : a.tiers) text << " tier:" << tier.notifications;
  return text.str();
}

template <typename Items>
std::vector<std::string> described(const Items& items) {
  std::vector<std::string> lines;
  for (const auto& item : items) lines.push_back(describe(item));
  return lines;
}

}  // namespace

SCENARIO("an unchanged queue is not re-evaluated, yet its wait alert fires at the deadline",
         "[alerts][engine][changed]") {
  AlertEngine engine(config(rules(R"(
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
)")));
  Floor floor;
  const core::Timestamp enqueued = kMonday9Utc;
  floor.waiting("sales", 1, enqueued);
  floor.waiting("support", 1, enqueued + 30s);
  engine.evaluate(floor.at(enqueued + 30s), kNoSources, enqueued + 30s);  // complete: both
  REQUIRE(engine.next_deadline() == enqueued + 90s + 1ms);

  GIVEN("snapshots that list only support, whose figures keep changing") {
    core::FloorSnapshot support_only;
    support_only.queues.push_back(floor.queue("support"));
    auto result = engine.evaluate(changed_only(support_only, 0, 1, enqueued + 40s), kNoSources,
                                  enqueued + 40s);
    REQUIRE(result.transitions.empty());
    THEN("the sales deadline the engine kept still stands") {
      CHECK(engine.next_deadline() == enqueued + 90s + 1ms);
    }
    WHEN("the engine is woken at that deadline with sales still absent from the snapshot") {
      core::FloorSnapshot nothing_changed;
      result = engine.evaluate(changed_only(nothing_changed, 1, 1, enqueued + 90s + 1ms),
                               kNoSources, enqueued + 90s + 1ms);
      THEN("sales fires exactly then, with the live wait, from the figures it kept") {
        REQUIRE(result.transitions.size() == 1);
        CHECK(result.transitions.front().labels.at("queue") == "sales");
        CHECK(result.transitions.front().at == enqueued + 90s + 1ms);
        CHECK(result.notifications.front().annotations.at("values") ==
              "oldest_wait_seconds=90.001");
      }
      AND_THEN("the unchanged alert's value keeps moving with time in later evaluations") {
        engine.evaluate(changed_only(nothing_changed, 1, 1, enqueued + 100s), kNoSources,
                        enqueued + 100s);
        REQUIRE(engine.list().size() == 1);
        CHECK(engine.list().front().values.front() == Approx(100.0));
        CHECK(engine.list().front().state == AlertState::Firing);  // not "subject gone"
      }
    }
  }
  GIVEN("sales changes before the deadline: its caller is answered") {
    floor.nobody_waiting("sales");
    core::FloorSnapshot sales_only;
    sales_only.queues.push_back(floor.queue("sales"));
    engine.evaluate(changed_only(sales_only, 0, 1, enqueued + 60s), kNoSources, enqueued + 60s);
    THEN("it is re-evaluated with its new figures: no sales deadline, support's comes next") {
      CHECK(engine.next_deadline() == enqueued + 30s + 90s + 1ms);
      core::FloorSnapshot nothing_changed;
      const auto result = engine.evaluate(changed_only(nothing_changed, 1, 1, enqueued + 120s),
                                          kNoSources, enqueued + 120s);
      CHECK(result.transitions.empty());  // support is at exactly 90 s, not more
    }
  }
}

TEST_CASE("a changed queue is re-evaluated at once; an unchanged one keeps its alert",
          "[alerts][engine][changed]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
)")));
  Floor floor;
  const core::Timestamp now = kMonday9Utc;
  floor.waiting("sales", 20, now);
  floor.waiting("support", 20, now);
  auto result = engine.evaluate(floor.at(now), kNoSources, now);
  REQUIRE(transitions_to(result, AlertState::Firing).size() == 2);

  floor.waiting("sales", 2, now);
  core::FloorSnapshot sales_only;
  sales_only.queues.push_back(floor.queue("sales"));
  result = engine.evaluate(changed_only(sales_only, 0, 1, now + 1s), kNoSources, now + 1s);
  const auto resolved = transitions_to(result, AlertState::Resolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved.front().labels.at("queue") == "sales");
  CHECK(resolved.front().reason == TransitionReason::ConditionCleared);
  REQUIRE(engine.list().size() == 1);
  CHECK(engine.list().front().subject == "support");
}

TEST_CASE("an unchanged queue's alert resolves when its rule's active hours end",
          "[alerts][engine][changed]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
    active_hours: {start: "08:00", end: "09:30"}
)")));
  Floor floor;
  const core::Timestamp now = kMonday9Utc;  // 09:00 UTC, the site zone
  floor.waiting("sales", 20, now);
  engine.evaluate(floor.at(now), kNoSources, now);
  REQUIRE(engine.list().size() == 1);
  const core::Timestamp closing = now + 30min;
  REQUIRE(engine.next_deadline() == now + 3min);  // the supervisor tier first

  core::FloorSnapshot nothing_changed;
  const auto result =
      engine.evaluate(changed_only(nothing_changed, 0, 0, closing), kNoSources, closing);
  const auto resolved = transitions_to(result, AlertState::Resolved);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved.front().reason == TransitionReason::OutsideActiveHours);
}

TEST_CASE("the engine asks for changed queues only once it has seen them all",
          "[alerts][engine][changed]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBuilding
    expr: calls_waiting > 10
)")));
  CHECK_FALSE(engine.snapshot_options().changed_since.has_value());
  CHECK_FALSE(engine.snapshot_options().include_predictions);  // no rule reads Erlang C

  core::FloorState state(core::FloorConfig{});
  state.apply(call_enqueued(kMonday9Utc, "c1", "sales"));
  const core::FloorSnapshot first = state.snapshot(kMonday9Utc, engine.snapshot_options());
  engine.evaluate(first, kNoSources, kMonday9Utc);
  REQUIRE(engine.snapshot_options().changed_since == first.revision);

  SECTION("a partial snapshot relative to another revision is refused") {
    core::FloorSnapshot stale;
    CHECK_THROWS_AS(engine.evaluate(changed_only(stale, first.revision + 7, first.revision + 9,
                                                 kMonday9Utc + 1s),
                                    kNoSources, kMonday9Utc + 1s),
                    std::invalid_argument);
  }
  SECTION("after restore() it needs every queue again") {
    engine.restore(engine.state());
    CHECK_FALSE(engine.snapshot_options().changed_since.has_value());
  }
  SECTION("a rule on predicted_service_level_ratio asks for the Erlang C figures") {
    AlertEngine predicting(config(rules(R"(
  - name: PredictedServiceLevelLow
    expr: predicted_service_level_ratio < 0.7
)")));
    CHECK(predicting.snapshot_options().include_predictions);
  }
}

// The property that makes the optimisation safe: on a live floor with every kind of rule, an
// engine fed changed queues only decides exactly what an engine fed every queue decides.
TEST_CASE("changed-queue evaluation decides exactly what complete evaluation decides",
          "[alerts][engine][changed]") {
  const std::string yaml = rules(R"(
  - {name: OldestWaitOver60s, expr: oldest_wait_seconds > 60, severity: critical, clear: 30}
  - {name: QueueBuilding, expr: calls_waiting > 3, for: 30s}
  - {name: QueueFlooded, expr: calls_waiting > 5, cooldown: 2m, severity: critical}
  - {name: ServiceLevelLow, expr: "service_level_ratio{window=15m} < 0.80", min_calls: 5}
  - {name: AbandonHigh, expr: "abandon_ratio{window=15m} > 0.10", min_calls: 5, for: 1m}
  - {name: NobodyFree, expr: "agents{state=available} == 0 and calls_waiting > 0", for: 10s}
  - {name: BreachImminent, expr: breach_within_seconds < 10}
  - {name: PredictedServiceLevelLow, expr: predicted_service_level_ratio < 0.70}
  - {name: AsaHigh, expr: "asa_seconds{window=interval} > 20", min_calls: 3, queues: [q0, q1]}
  - {name: MorningRush, expr: calls_waiting > 1, active_hours: {start: "09:05", end: "09:12"}}
  - {name: CollectorQuiet, expr: source_silent_seconds > 20}
)");
  AlertEngine complete(config(yaml));
  AlertEngine changed(config(yaml));
  core::FloorState state(core::FloorConfig{});

  // A small, busy floor for 20 minutes: q0 is understaffed, agents pause now and then.
  std::mt19937 random(20261203);
  const auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  const core::Timestamp start = kMonday9Utc;
  const core::Timestamp end = start + 20min;
  constexpr int kQueues = 5, kAgents = 3;
  std::vector<core::Event> events;
  for (int q = 0; q < kQueues; ++q)
    for (int a = 0; a < kAgents; ++a)
      events.push_back(agent_now(start, "a" + std::to_string(q) + std::to_string(a),
                                 core::AgentStatus::Available,
                                 std::vector<std::string>{"q" + std::to_string(q)}));
  int call = 0;
  for (core::Timestamp t = start; t < end; t += core::Duration{uniform(100, 1500)}) {
    const int q = uniform(0, kQueues - 1);
    const std::string id = "c" + std::to_string(call++);
    events.push_back(call_enqueued(t, id, "q" + std::to_string(q)));
    const core::Duration wait{q == 0 ? uniform(5'000, 90'000) : uniform(200, 12'000)};
    if (uniform(0, 9) == 0) {
      events.push_back(call_left(core::EventType::CallAbandoned, t + wait, id));
      continue;
    }
    const std::string agent = "a" + std::to_string(q) + std::to_string(uniform(0, kAgents - 1));
    events.push_back(call_left(core::EventType::CallAnswered, t + wait, id, agent));
    const core::Timestamp done = t + wait + core::Duration{uniform(2'000, 40'000)};
    events.push_back(call_left(core::EventType::CallCompleted, done, id));
    const bool pause = uniform(0, 6) == 0;
    events.push_back(agent_now(done + 1s, agent,
                               pause ? core::AgentStatus::Paused : core::AgentStatus::Available));
    if (pause)
      events.push_back(agent_now(done + core::Duration{uniform(5'000, 60'000)}, agent,
                                 core::AgentStatus::Available));
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const core::Event& a, const core::Event& b) { return a.ts < b.ts; });

  std::size_t next_event = 0, evaluations = 0, transitions = 0, partial_queues = 0;
  core::Timestamp now = start;
  core::Timestamp source_last_event = start;
  bool silenced = false;
  while (now < end) {
    while (next_event < events.size() && events[next_event].ts <= now) {
      state.apply(events[next_event++]);
      if (now < start + 8min || now > start + 9min) source_last_event = now;  // a quiet spell
    }
    const std::vector<SourceActivity> sources{{"acd", source_last_event}};
    const core::FloorSnapshot all = state.snapshot(now);
    const core::FloorSnapshot some = state.snapshot(now, changed.snapshot_options());
    partial_queues += some.queues.size();
    const EvaluationResult expected = complete.evaluate(all, sources, now);
    const EvaluationResult actual = changed.evaluate(some, sources, now);
    INFO("at +" << (now - start).count() << " ms");
    REQUIRE(described(actual.transitions) == described(expected.transitions));
    REQUIRE(described(actual.notifications) == described(expected.notifications));
    REQUIRE(described(changed.list()) == described(complete.list()));
    REQUIRE(changed.next_deadline() == complete.next_deadline());
    ++evaluations;
    transitions += expected.transitions.size();

    // Supervisors act on both the same way: acknowledge now and then, silence q1 for a while.
    if (!complete.list().empty() && uniform(0, 20) == 0) {
      const Alert& alert =
          complete.list()[uniform(0, static_cast<int>(complete.list().size()) - 1)];
      const AckResult expected_ack = complete.acknowledge(alert.id, "maria", "", now);
      const AckResult actual_ack = changed.acknowledge(alert.id, "maria", "", now);
      REQUIRE(actual_ack.status == expected_ack.status);
      REQUIRE(changed.next_deadline() == complete.next_deadline());
    }
    if (!silenced && now >= start + 4min) {
      Silence silence;
      silence.matchers = {*parse_matcher("queue=q1")};
      silence.starts_at = now;
      silence.ends_at = now + 3min;
      silence.created_by = "alice";
      silence.comment = "drill";
      REQUIRE(complete.add_silence(silence, now).error.empty());
      REQUIRE(changed.add_silence(silence, now).error.empty());
      silenced = true;
    }

    // The daemon's cadence: after events at most every 20 ms, at deadlines, at least every 1 s.
    core::Timestamp next = now + core::Duration{uniform(20, 1000)};
    if (next_event < events.size())
      next = std::min(next, std::max(now + 20ms, events[next_event].ts));
    if (const auto deadline = complete.next_deadline()) next = std::min(next, *deadline);
    now = next;
  }
  INFO("evaluations=" << evaluations << " transitions=" << transitions);
  CHECK(transitions > 100);  // the floor did exercise the rules
  // And the changed-only snapshots were smaller than the floor.
  CHECK(partial_queues < evaluations * kQueues);
}
