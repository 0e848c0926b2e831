// The engine end to end: events in, snapshot out. Each case is a short event log a supervisor
// could replay by hand; expected figures are derived in the comments.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "floorwatch/core/erlang_c.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

/// An 80/20 queue with 5-second short abandons.
QueueSettings eighty_twenty(
    ServiceLevelFormula formula = ServiceLevelFormula::ShortAbandonsExcluded) {
  QueueSettings settings;
  settings.answer_target = seconds(20);
  settings.service_level_target = 0.80;
  settings.short_abandon = seconds(5);
  settings.formula = formula;
  return settings;
}

/// A UTC site with one configured queue, "support", at 80/20.
FloorConfig support_floor() {
  FloorConfig config;
  config.queues["support"] = eighty_twenty();
  return config;
}

void apply_all(FloorState& floor, const std::vector<Event>& events) {
  for (const auto& event : events) {
    INFO(to_string(event.type) << " call=" << event.call << " agent=" << event.agent
                               << " ts=" << format_timestamp(event.ts));
    const auto result = floor.apply(event);
    INFO("rejected: " << to_string(result.reason));
    REQUIRE(result.applied);
  }
}

const QueueSnapshot& queue_in(const FloorSnapshot& snapshot, const std::string& name) {
  const auto it = std::find_if(snapshot.queues.begin(), snapshot.queues.end(),
                               [&](const QueueSnapshot& q) { return q.name == name; });
  if (it == snapshot.queues.end()) FAIL("queue " << name << " is not in the snapshot");
  return *it;
}

const AgentSnapshot& agent_in(const FloorSnapshot& snapshot, const std::string& id) {
  const auto it = std::find_if(snapshot.agents.begin(), snapshot.agents.end(),
                               [&](const AgentSnapshot& a) { return a.agent == id; });
  if (it == snapshot.agents.end()) FAIL("agent " << id << " is not in the snapshot");
  return *it;
}

/// Index of the histogram bucket whose upper bound is `bound` seconds.
std::size_t bucket_of(double bound) {
  const auto it = std::find(kWaitBucketsSeconds.begin(), kWaitBucketsSeconds.end(), bound);
  REQUIRE(it != kWaitBucketsSeconds.end());
  return static_cast<std::size_t>(it - kWaitBucketsSeconds.begin());
}
constexpr std::size_t kInfBucket = kWaitBucketsSeconds.size();

void check_same(const std::optional<double>& a, const std::optional<double>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (a) CHECK(*a == *b);  // replay is bit-for-bit deterministic
}

void check_same(const FloorSnapshot& a, const FloorSnapshot& b) {
  CHECK(a.now == b.now);
  CHECK(a.agents_by_state == b.agents_by_state);
  CHECK(a.active_calls == b.active_calls);
  REQUIRE(a.queues.size() == b.queues.size());
  for (std::size_t i = 0; i < a.queues.size(); ++i) {
    const auto& x = a.queues[i];
    const auto& y = b.queues[i];
    CAPTURE(x.name);
    CHECK(x.name == y.name);
    CHECK(x.calls_waiting == y.calls_waiting);
    CHECK(x.oldest_enqueued_at == y.oldest_enqueued_at);
    check_same(x.oldest_wait_seconds, y.oldest_wait_seconds);
    CHECK(x.agents_by_state == y.agents_by_state);
    CHECK(x.staffed_agents == y.staffed_agents);
    CHECK(x.lifetime == y.lifetime);
    CHECK(x.wait_bucket_counts == y.wait_bucket_counts);
    for (auto kind : kAllWindows) {
      CAPTURE(to_string(kind));
      const auto& wx = x.window(kind);
      const auto& wy = y.window(kind);
      CHECK(wx.counts == wy.counts);
      check_same(wx.service_level, wy.service_level);
      check_same(wx.average_speed_of_answer_seconds, wy.average_speed_of_answer_seconds);
      check_same(wx.average_handle_time_seconds, wy.average_handle_time_seconds);
      check_same(wx.abandon_ratio, wy.abandon_ratio);
      check_same(wx.max_wait_seconds, wy.max_wait_seconds);
    }
    check_same(x.occupancy, y.occupancy);
    check_same(x.estimated_wait_seconds, y.estimated_wait_seconds);
    check_same(x.arrival_rate_per_second, y.arrival_rate_per_second);
    check_same(x.handle_time_seconds, y.handle_time_seconds);
    CHECK(x.agents_required == y.agents_required);
    check_same(x.predicted_service_level, y.predicted_service_level);
  }
}

/// What a reject must not touch: every counter, every window, the waiting calls, the agents.
struct CountersView {
  std::vector<std::string> names;
  std::vector<OutcomeCounters> lifetime;
  std::vector<OutcomeCounters> window_counts;
  std::vector<std::int64_t> calls_waiting;
  std::array<std::int64_t, kAgentStatusCount> agents_by_state{};
  std::int64_t active_calls = 0;
  std::size_t agent_count = 0;
  bool operator==(const CountersView&) const = default;
};

CountersView counters_of(FloorState& floor, Timestamp now) {
  const auto snapshot = floor.snapshot(now);
  CountersView view;
  for (const auto& q : snapshot.queues) {
    view.names.push_back(q.name);
    view.lifetime.push_back(q.lifetime);
    for (auto kind : kAllWindows) view.window_counts.push_back(q.window(kind).counts);
    view.calls_waiting.push_back(q.calls_waiting);
  }
  view.agents_by_state = snapshot.agents_by_state;
  view.active_calls = snapshot.active_calls;
  view.agent_count = floor.agent_count();
  return view;
}

}  // namespace

SCENARIO("a call from enqueue to the end of wrap-up", "[core][floor_state]") {
  FloorState floor(support_floor());
  GIVEN("anna is available in support") {
    apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Available,
                                  std::vector<std::string>{"support"})});

    WHEN("c1 joins the queue at 09:00:10") {
      apply_all(floor, {enqueued(utc("2026-11-24T09:00:10Z"), "c1", "support")});
      const auto snapshot = floor.snapshot(utc("2026-11-24T09:00:20Z"));
      const auto& support = queue_in(snapshot, "support");
      THEN("it waits, it is offered, and anna is staffed but idle") {
        CHECK(support.calls_waiting == 1);
        CHECK(support.oldest_enqueued_at == utc("2026-11-24T09:00:10Z"));
        CHECK(support.oldest_wait_seconds == Approx(10.0));
        CHECK(support.window(WindowKind::Rolling15m).counts.offered == 1);
        CHECK(support.window(WindowKind::Today).counts.offered == 1);
        CHECK(support.lifetime.offered == 1);
        CHECK(support.agents_by_state[index_of(AgentStatus::Available)] == 1);
        CHECK(support.staffed_agents == 1);
        CHECK(support.occupancy == Approx(0.0));
        CHECK(snapshot.active_calls == 1);
      }

      AND_WHEN("anna answers at 09:00:25, a 15 s wait") {
        apply_all(floor, {answered(utc("2026-11-24T09:00:25Z"), "c1", "anna")});
        const auto snapshot = floor.snapshot(utc("2026-11-24T09:00:30Z"), {false, true});
        const auto& support = queue_in(snapshot, "support");
        THEN("nobody waits, anna is busy on c1, and the answer is within target") {
          CHECK(support.calls_waiting == 0);
          CHECK_FALSE(support.oldest_wait_seconds.has_value());
          CHECK(support.agents_by_state[index_of(AgentStatus::Busy)] == 1);
          CHECK(support.occupancy == Approx(1.0));
          CHECK(agent_in(snapshot, "anna").state == AgentStatus::Busy);
          CHECK(agent_in(snapshot, "anna").call == "c1");
          const auto& window = support.window(WindowKind::Rolling15m);
          CHECK(window.counts.answered == 1);
          CHECK(window.counts.answered_within_target == 1);
          CHECK(window.service_level == Approx(1.0));
          CHECK(window.average_speed_of_answer_seconds == Approx(15.0));
          CHECK(support.wait_bucket_counts[bucket_of(15)] == 1);
          CHECK_FALSE(window.average_handle_time_seconds.has_value());
          CHECK(snapshot.active_calls == 1);
        }

        AND_WHEN("the call ends at 09:03:25 and the ACD reports wrap-up") {
          apply_all(floor, {completed(utc("2026-11-24T09:03:25Z"), "c1"),
                            agent_state(utc("2026-11-24T09:03:25Z"), "anna", AgentStatus::Wrapup)});
          const auto snapshot = floor.snapshot(utc("2026-11-24T09:03:30Z"));
          const auto& support = queue_in(snapshot, "support");
          THEN("anna is in wrap-up and the handle time is still running") {
            CHECK(support.agents_by_state[index_of(AgentStatus::Wrapup)] == 1);
            CHECK(support.occupancy == Approx(1.0));
            CHECK(support.window(WindowKind::Rolling15m).counts.handled == 0);
            CHECK_FALSE(support.handle_time_seconds.has_value());
            CHECK(snapshot.active_calls == 0);
          }

          AND_WHEN("anna becomes available at 09:04:00") {
            apply_all(floor,
                      {agent_state(utc("2026-11-24T09:04:00Z"), "anna", AgentStatus::Available)});
            const auto snapshot = floor.snapshot(utc("2026-11-24T09:05:00Z"));
            const auto& support = queue_in(snapshot, "support");
            THEN("handle time = answer 09:00:25 -> end of wrap-up 09:04:00 = 215 s") {
              const auto& window = support.window(WindowKind::Rolling15m);
              CHECK(window.counts.handled == 1);
              CHECK(window.average_handle_time_seconds == Approx(215.0));
              CHECK(support.handle_time_seconds == Approx(215.0));
              CHECK(support.agents_by_state[index_of(AgentStatus::Available)] == 1);
              CHECK(support.lifetime.handled == 1);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("call_completed puts a busy agent in wrap-up without an agent_state",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:00:05Z"), "c1", "anna"),
                    completed(utc("2026-11-24T09:02:05Z"), "c1")});
  auto snapshot = floor.snapshot(utc("2026-11-24T09:02:10Z"), {false, true});
  CHECK(agent_in(snapshot, "anna").state == AgentStatus::Wrapup);
  CHECK(agent_in(snapshot, "anna").state_since == utc("2026-11-24T09:02:05Z"));
  // Going to paused (not only to available) ends wrap-up: 09:00:05 -> 09:02:35 = 150 s.
  apply_all(floor, {agent_state(utc("2026-11-24T09:02:35Z"), "anna", AgentStatus::Paused)});
  snapshot = floor.snapshot(utc("2026-11-24T09:03:00Z"));
  CHECK(queue_in(snapshot, "support").window(WindowKind::Rolling15m).average_handle_time_seconds ==
        Approx(150.0));
}

TEST_CASE("an agent moved on before call_completed: handle time ends at completion",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:00:25Z"), "c1", "anna"),
                    // The ACD already reports anna free before the hang-up arrives.
                    agent_state(utc("2026-11-24T09:03:00Z"), "anna", AgentStatus::Available),
                    completed(utc("2026-11-24T09:03:25Z"), "c1")});
  const auto snapshot = floor.snapshot(utc("2026-11-24T09:04:00Z"), {false, true});
  const auto& support = queue_in(snapshot, "support");
  // No wrap-up: 09:00:25 -> 09:03:25 = 180 s, and anna stays available.
  CHECK(support.window(WindowKind::Rolling15m).counts.handled == 1);
  CHECK(support.window(WindowKind::Rolling15m).average_handle_time_seconds == Approx(180.0));
  CHECK(agent_in(snapshot, "anna").state == AgentStatus::Available);
}

TEST_CASE("wrap-up reported before the hang-up: handle time ends when wrap-up ends",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:00:20Z"), "c1", "anna"),
                    // The ACD reports the wrap-up a moment before the call's end.
                    agent_state(utc("2026-11-24T09:03:19Z"), "anna", AgentStatus::Wrapup),
                    completed(utc("2026-11-24T09:03:20Z"), "c1"),
                    agent_state(utc("2026-11-24T09:04:00Z"), "anna", AgentStatus::Available)});
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:05:00Z")), "support");
  // 09:00:20 -> 09:04:00 = 220 s, counted once.
  CHECK(support.window(WindowKind::Rolling15m).counts.handled == 1);
  CHECK(support.window(WindowKind::Rolling15m).average_handle_time_seconds == Approx(220.0));
}

TEST_CASE("an agent already on the next call: the first call's handle time ends at its completion",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:00:00Z"), "c1", "anna"),
                    // The ACD frees anna and gives her c2 before c1's hang-up arrives.
                    agent_state(utc("2026-11-24T09:02:00Z"), "anna", AgentStatus::Available),
                    enqueued(utc("2026-11-24T09:02:10Z"), "c2", "support"),
                    answered(utc("2026-11-24T09:02:30Z"), "c2", "anna"),
                    completed(utc("2026-11-24T09:03:00Z"), "c1"),
                    completed(utc("2026-11-24T09:05:00Z"), "c2"),
                    agent_state(utc("2026-11-24T09:05:30Z"), "anna", AgentStatus::Available)});
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:06:00Z")), "support");
  // anna was not busy on c1 when it completed: c1 = 09:00:00 -> 09:03:00 = 180 s.
  // c2 = 09:02:30 -> end of wrap-up 09:05:30 = 180 s. AHT = 180 s, not (330 + 180) / 2.
  CHECK(support.window(WindowKind::Rolling15m).counts.handled == 2);
  CHECK(support.window(WindowKind::Rolling15m).average_handle_time_seconds == Approx(180.0));
}

TEST_CASE("a new pause reason restarts the time in state", "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Paused,
                                std::nullopt, "lunch"),
                    agent_state(utc("2026-11-24T09:30:00Z"), "anna", AgentStatus::Paused,
                                std::nullopt, "training")});
  const auto snapshot = floor.snapshot(utc("2026-11-24T09:35:00Z"), {false, true});
  CHECK(agent_in(snapshot, "anna").reason == "training");
  // agent_state sets state_since = ts: the board shows "training for 5 min", not 35.
  CHECK(agent_in(snapshot, "anna").state_since == utc("2026-11-24T09:30:00Z"));
}

TEST_CASE("agents carry the names people know; new names make readers take the agents again",
          "[core][floor_state][agents]") {
  FloorConfig config = support_floor();
  config.agent_names = {{"SIP/2503", "Maria Lopez"}};
  FloorState floor(config);
  apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "SIP/2503", AgentStatus::Available),
                    agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Available)});
  auto snapshot = floor.snapshot(utc("2026-11-24T09:01:00Z"), {false, true});
  CHECK(agent_in(snapshot, "SIP/2503").name == "Maria Lopez");
  CHECK(agent_in(snapshot, "anna").name.empty());  // shown by its id

  const auto revision = floor.agents_revision();
  config.agent_names["anna"] = "Anna Berg";
  floor.reconfigure(config, utc("2026-11-24T09:01:00Z"));
  CHECK(floor.agents_revision() != revision);
  snapshot = floor.snapshot(utc("2026-11-24T09:01:00Z"), {false, true});
  CHECK(agent_in(snapshot, "anna").name == "Anna Berg");
  const auto renamed = floor.agents_revision();
  // The same names again: nothing for readers to take.
  floor.reconfigure(config, utc("2026-11-24T09:01:00Z"));
  CHECK(floor.agents_revision() == renamed);
}

TEST_CASE("a busy agent's picture says which queue's caller it talks to, since when",
          "[core][floor_state][agents]") {
  FloorState floor(support_floor());
  apply_all(floor,
            {agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Available),
             enqueued(utc("2026-11-24T09:01:00Z"), "c1", "support", Channel::Voice, "+46701234567"),
             answered(utc("2026-11-24T09:01:20Z"), "c1", "anna")});
  auto snapshot = floor.snapshot(utc("2026-11-24T09:04:00Z"), {false, true});
  const AgentSnapshot& anna = agent_in(snapshot, "anna");
  CHECK(anna.call == "c1");
  CHECK(anna.call_queue == "support");
  CHECK(anna.caller == "+46701234567");
  CHECK(anna.call_answered_at == utc("2026-11-24T09:01:20Z"));
  apply_all(floor, {completed(utc("2026-11-24T09:05:00Z"), "c1")});
  snapshot = floor.snapshot(utc("2026-11-24T09:05:10Z"), {false, true});
  CHECK(agent_in(snapshot, "anna").call.empty());  // wrap-up: no current call
  CHECK(agent_in(snapshot, "anna").caller.empty());
}

TEST_CASE("the worked example through the engine, one queue per formula", "[core][floor_state]") {
  // 100 offered (one every 5 s from 09:00:00); calls 0-69 answered after 15 s, 70-89 after
  // 60 s, 90-95 abandoned after 12 s and 96-99 after 3 s (short):
  //   A = 90, A_in = 70, Ab = 10, Ab_in = 10, Ab_short = 4, X = 0.
  const std::vector<std::pair<std::string, ServiceLevelFormula>> queues{
      {"answered_only", ServiceLevelFormula::AnsweredOnly},
      {"abandons_positive", ServiceLevelFormula::AbandonsPositive},
      {"abandons_negative", ServiceLevelFormula::AbandonsNegative},
      {"abandons_ignored", ServiceLevelFormula::AbandonsIgnored},
      {"short_abandons_excluded", ServiceLevelFormula::ShortAbandonsExcluded},
  };
  FloorConfig config;
  for (const auto& [name, formula] : queues) config.queues[name] = eighty_twenty(formula);
  FloorState floor(config);

  const auto t0 = utc("2026-11-24T09:00:00Z");
  std::vector<Event> events;
  for (const auto& [queue, formula] : queues) {
    for (int i = 0; i < 100; ++i) {
      const std::string call = queue + "-" + std::to_string(i);
      const auto joined = t0 + seconds(5.0 * i);
      events.push_back(enqueued(joined, call, queue));
      if (i < 70)
        events.push_back(answered(joined + seconds(15), call, call + "-agent"));
      else if (i < 90)
        events.push_back(answered(joined + seconds(60), call, call + "-agent"));
      else if (i < 96)
        events.push_back(abandoned(joined + seconds(12), call));
      else
        events.push_back(abandoned(joined + seconds(3), call));
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });
  apply_all(floor, events);

  // Everything happened between 09:00:00 and 09:09:15: inside every window at 09:14.
  const auto snapshot = floor.snapshot(utc("2026-11-24T09:14:00Z"));
  const std::map<std::string, double> expected_level{
      {"answered_only", 70.0 / 90.0},            // A_in / A
      {"abandons_positive", 80.0 / 100.0},       // (A_in + Ab_in) / (A + Ab)
      {"abandons_negative", 70.0 / 100.0},       // A_in / (A + Ab + X)
      {"abandons_ignored", 70.0 / 90.0},         // A_in / (A + Ab + X - Ab_in)
      {"short_abandons_excluded", 70.0 / 96.0},  // A_in / (A + Ab + X - Ab_short)
  };
  for (const auto& [name, formula] : queues) {
    CAPTURE(name);
    const auto& queue = queue_in(snapshot, name);
    CHECK(queue.settings.formula == formula);
    CHECK(queue.lifetime.offered == 100);
    for (auto kind : kAllWindows) {
      CAPTURE(to_string(kind));
      const auto& window = queue.window(kind);
      CHECK(window.counts.offered == 100);
      CHECK(window.counts.answered == 90);
      CHECK(window.counts.answered_within_target == 70);
      CHECK(window.counts.abandoned == 10);
      CHECK(window.counts.abandoned_within_target == 10);
      CHECK(window.counts.abandoned_short == 4);
      CHECK(window.counts.exited() == 0);
      REQUIRE(window.service_level.has_value());
      CHECK(*window.service_level == Approx(expected_level.at(name)).margin(1e-9));
      CHECK(window.average_speed_of_answer_seconds == Approx(25.0));  // (70x15 + 20x60) / 90
      CHECK(window.abandon_ratio == Approx(0.10));                    // 10 / 100
      CHECK(window.max_wait_seconds == Approx(60.0));
    }
    // Answered waits only, non-cumulative: 70 in the 15 s bucket, 20 in the 60 s bucket.
    CHECK(queue.wait_bucket_counts[bucket_of(15)] == 70);
    CHECK(queue.wait_bucket_counts[bucket_of(60)] == 20);
    std::int64_t total = 0;
    for (auto count : queue.wait_bucket_counts) total += count;
    CHECK(total == 90);
  }
}

TEST_CASE("wait classification at the edges, through the engine", "[core][floor_state]") {
  FloorState floor(support_floor());  // target 20 s, short abandons under 5 s
  const auto t0 = utc("2026-11-24T09:00:00Z");
  apply_all(floor, {
                       enqueued(t0, "a-20s", "support"),
                       enqueued(t0, "a-20.001s", "support"),
                       enqueued(t0, "a-25min", "support"),
                       enqueued(t0, "ab-4.999s", "support"),
                       enqueued(t0, "ab-5s", "support"),
                       enqueued(t0, "ab-20s", "support"),
                       enqueued(t0, "ab-21s", "support"),
                       enqueued(t0, "x-30s", "support"),
                       answered(t0 + seconds(20), "a-20s", "anna"),
                       answered(t0 + Duration{20'001}, "a-20.001s", "bob"),
                       answered(t0 + minutes(25), "a-25min", "carl"),
                       abandoned(t0 + Duration{4'999}, "ab-4.999s"),
                       abandoned(t0 + seconds(5), "ab-5s"),
                       abandoned(t0 + seconds(20), "ab-20s"),
                       abandoned(t0 + seconds(21), "ab-21s"),
                       exited(t0 + seconds(30), "x-30s", ExitReason::NoAgents),
                   });
  const auto snapshot = floor.snapshot(t0 + minutes(26));
  const auto& support = queue_in(snapshot, "support");
  const auto& counts = support.window(WindowKind::Rolling30m).counts;
  CHECK(counts.answered == 3);
  CHECK(counts.answered_within_target == 1);  // only the 20 s answer (<=)
  CHECK(counts.abandoned == 4);
  CHECK(counts.abandoned_within_target == 3);  // 4.999 s, 5 s, 20 s
  CHECK(counts.abandoned_short == 1);          // only 4.999 s (< 5 s)
  CHECK(counts.exited_by_reason[index_of(ExitReason::NoAgents)] == 1);
  CHECK(counts.exited() == 1);
  CHECK(support.calls_waiting == 0);
  // short_abandons_excluded = A_in / (A + Ab + X - Ab_short) = 1 / (3 + 4 + 1 - 1) = 1/7
  CHECK(support.window(WindowKind::Rolling30m).service_level == Approx(1.0 / 7.0));
  CHECK(support.window(WindowKind::Rolling30m).max_wait_seconds == Approx(1500.0));
  // Histogram: 20 s is in the 20 s bucket (wait <= bound), 20.001 s in the 30 s one, 25 min
  // beyond the last bound.
  CHECK(support.wait_bucket_counts[bucket_of(20)] == 1);
  CHECK(support.wait_bucket_counts[bucket_of(30)] == 1);
  CHECK(support.wait_bucket_counts[kInfBucket] == 1);
}

TEST_CASE("inconsistent input is rejected with a reason and changes no counter",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {
                       enqueued(utc("2026-11-24T09:00:00Z"), "c-wait", "support"),
                       enqueued(utc("2026-11-24T09:00:05Z"), "c-talk", "support"),
                       answered(utc("2026-11-24T09:00:20Z"), "c-talk", "anna"),
                       agent_state(utc("2026-11-24T09:01:00Z"), "bob", AgentStatus::Available,
                                   std::vector<std::string>{"support"}),
                   });
  const auto now = utc("2026-11-24T09:05:00Z");
  const auto before = counters_of(floor, now);
  const auto at = utc("2026-11-24T09:02:00Z");

  auto [description, event, reason] = GENERATE_COPY(table<std::string, Event, RejectReason>({
      {"enqueue of a call that is still waiting", enqueued(at, "c-wait", "support"),
       RejectReason::DuplicateCall},
      {"enqueue of a call that is connected", enqueued(at, "c-talk", "support"),
       RejectReason::DuplicateCall},
      {"enqueue without call", enqueued(at, "", "support"), RejectReason::MissingField},
      {"enqueue without queue", enqueued(at, "c-new", ""), RejectReason::MissingField},
      {"answer without agent", answered(at, "c-wait", ""), RejectReason::MissingField},
      {"answer without call", answered(at, "", "bob"), RejectReason::MissingField},
      {"answer of an unknown call", answered(at, "nope", "carol"), RejectReason::UnknownCall},
      {"answer of a connected call", answered(at, "c-talk", "bob"), RejectReason::CallNotWaiting},
      {"answer before the enqueue", answered(utc("2026-11-24T08:59:59Z"), "c-wait", "bob"),
       RejectReason::OutOfOrder},
      {"abandon without call", abandoned(at, ""), RejectReason::MissingField},
      {"abandon of an unknown call", abandoned(at, "nope"), RejectReason::UnknownCall},
      {"abandon of a connected call", abandoned(at, "c-talk"), RejectReason::CallNotWaiting},
      {"abandon before the enqueue", abandoned(utc("2026-11-24T08:59:00Z"), "c-wait"),
       RejectReason::OutOfOrder},
      {"exit of an unknown call", exited(at, "nope", ExitReason::Timeout),
       RejectReason::UnknownCall},
      {"exit of a connected call", exited(at, "c-talk", ExitReason::Timeout),
       RejectReason::CallNotWaiting},
      {"completion without call", completed(at, ""), RejectReason::MissingField},
      {"completion of an unknown call", completed(at, "nope"), RejectReason::UnknownCall},
      {"completion of a waiting call", completed(at, "c-wait"), RejectReason::CallNotConnected},
      {"agent state without agent", agent_state(at, "", AgentStatus::Paused),
       RejectReason::MissingField},
      {"agent state older than the agent's last change",
       agent_state(utc("2026-11-24T09:00:30Z"), "bob", AgentStatus::Paused),
       RejectReason::OutOfOrder},
  }));
  CAPTURE(description);
  const auto result = floor.apply(event);
  CHECK_FALSE(result.applied);
  CHECK(to_string(result.reason) == to_string(reason));
  CHECK(counters_of(floor, now) == before);

  // The floor carries on as if nothing happened.
  apply_all(floor, {answered(utc("2026-11-24T09:03:00Z"), "c-wait", "bob")});
  CHECK(queue_in(floor.snapshot(now), "support").window(WindowKind::Today).counts.answered == 2);
}

TEST_CASE("the original call survives a duplicate enqueue", "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support")});
  CHECK(floor.apply(enqueued(utc("2026-11-24T09:01:00Z"), "c1", "support")).reason ==
        RejectReason::DuplicateCall);
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:02:00Z")), "support");
  CHECK(support.calls_waiting == 1);
  CHECK(support.oldest_enqueued_at == utc("2026-11-24T09:00:00Z"));
  CHECK(support.oldest_wait_seconds == Approx(120.0));
  CHECK(support.lifetime.offered == 1);
}

TEST_CASE("events at the same millisecond as the agent's last change are in order",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  const auto t = utc("2026-11-24T09:00:00.123Z");
  apply_all(floor, {agent_state(t, "anna", AgentStatus::Available),
                    agent_state(t, "anna", AgentStatus::Paused, std::nullopt, "lunch")});
  const auto snapshot = floor.snapshot(t, {false, true});
  CHECK(agent_in(snapshot, "anna").state == AgentStatus::Paused);
  CHECK(agent_in(snapshot, "anna").reason == "lunch");
}

TEST_CASE("a call id may be reused once the call has ended", "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    abandoned(utc("2026-11-24T09:00:30Z"), "c1"),
                    enqueued(utc("2026-11-24T09:01:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:01:10Z"), "c1", "anna"),
                    completed(utc("2026-11-24T09:03:00Z"), "c1"),
                    enqueued(utc("2026-11-24T09:04:00Z"), "c1", "support")});
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:05:00Z")), "support");
  CHECK(support.lifetime.offered == 3);
  CHECK(support.lifetime.abandoned == 1);
  CHECK(support.lifetime.answered == 1);
  CHECK(support.calls_waiting == 1);
}

TEST_CASE("the oldest wait is live: exact at snapshot time, not at the last event",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    enqueued(utc("2026-11-24T09:01:00Z"), "c2", "support")});
  CHECK(queue_in(floor.snapshot(utc("2026-11-24T09:02:30.500Z")), "support").oldest_wait_seconds ==
        Approx(150.5));
  // No event for three minutes: the figure keeps growing.
  CHECK(queue_in(floor.snapshot(utc("2026-11-24T09:05:00Z")), "support").oldest_wait_seconds ==
        Approx(300.0));
  // When the oldest caller is answered, the next one is the oldest.
  apply_all(floor, {answered(utc("2026-11-24T09:05:10Z"), "c1", "anna")});
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:06:00Z")), "support");
  CHECK(support.calls_waiting == 1);
  CHECK(support.oldest_enqueued_at == utc("2026-11-24T09:01:00Z"));
  CHECK(support.oldest_wait_seconds == Approx(300.0));
}

TEST_CASE("waiting calls are listed oldest first when asked for", "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    enqueued(utc("2026-11-24T09:00:05Z"), "c2", "support", Channel::Callback,
                             "+46701234567")});
  const auto now = utc("2026-11-24T09:01:00Z");
  CHECK(queue_in(floor.snapshot(now), "support").waiting_calls.empty());
  const auto listed = queue_in(floor.snapshot(now, {true, false}), "support").waiting_calls;
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].call == "c1");
  CHECK(listed[1].call == "c2");
  CHECK(listed[1].caller == "+46701234567");
  CHECK(listed[1].channel == Channel::Callback);
  CHECK(listed[1].enqueued_at == utc("2026-11-24T09:00:05Z"));
}

TEST_CASE("agents by state, staffed and occupancy count the queue's members",
          "[core][floor_state]") {
  FloorConfig config = support_floor();
  config.queues["sales"] = eighty_twenty();
  FloorState floor(config);
  const auto t = utc("2026-11-24T09:00:00Z");
  const std::vector<std::string> support{"support"};
  apply_all(floor, {agent_state(t, "a1", AgentStatus::Available, support),
                    agent_state(t, "a2", AgentStatus::Ringing, support),
                    agent_state(t, "a3", AgentStatus::Busy, support),
                    agent_state(t, "a4", AgentStatus::Wrapup, support),
                    agent_state(t, "a5", AgentStatus::Paused, support, "lunch"),
                    agent_state(t, "a6", AgentStatus::Offline, support),
                    agent_state(t, "s1", AgentStatus::Busy, std::vector<std::string>{"sales"})});
  const auto snapshot = floor.snapshot(t + minutes(1));
  const auto& queue = queue_in(snapshot, "support");
  for (auto status : {AgentStatus::Available, AgentStatus::Ringing, AgentStatus::Busy,
                      AgentStatus::Wrapup, AgentStatus::Paused, AgentStatus::Offline}) {
    CAPTURE(to_string(status));
    CHECK(queue.agents_by_state[index_of(status)] == 1);  // s1 is not a support member
  }
  CHECK(queue.staffed_agents == 4);             // available + ringing + busy + wrapup
  CHECK(queue.occupancy == Approx(3.0 / 4.0));  // (ringing + busy + wrapup) / staffed
  CHECK(snapshot.agents_by_state[index_of(AgentStatus::Busy)] == 2);  // whole site
  CHECK(queue_in(snapshot, "sales").staffed_agents == 1);
  CHECK(queue_in(snapshot, "sales").occupancy == Approx(1.0));
}

TEST_CASE("nobody staffed: occupancy and waiting-time figures are omitted", "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "a5", AgentStatus::Paused,
                                std::vector<std::string>{"support"}),
                    enqueued(utc("2026-11-24T09:00:10Z"), "c1", "support")});
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:01:00Z")), "support");
  CHECK(support.staffed_agents == 0);
  CHECK_FALSE(support.occupancy.has_value());
  CHECK_FALSE(support.estimated_wait_seconds.has_value());
  CHECK_FALSE(support.handle_time_seconds.has_value());
  CHECK_FALSE(support.agents_required.has_value());  // no AHT yet: nothing to staff for
}

TEST_CASE("queue memberships: replaced by queues, kept when absent, none when empty",
          "[core][floor_state]") {
  FloorConfig config = support_floor();
  config.queues["sales"] = eighty_twenty();
  FloorState floor(config);
  const auto members = [&](const std::string& queue, AgentStatus status, Timestamp now) {
    return queue_in(floor.snapshot(now), queue).agents_by_state[index_of(status)];
  };

  apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Available,
                                std::vector<std::string>{"support", "sales"})});
  CHECK(members("support", AgentStatus::Available, utc("2026-11-24T09:00:01Z")) == 1);
  CHECK(members("sales", AgentStatus::Available, utc("2026-11-24T09:00:01Z")) == 1);

  apply_all(floor, {agent_state(utc("2026-11-24T09:10:00Z"), "anna", AgentStatus::Paused,
                                std::nullopt, "lunch")});
  CHECK(members("support", AgentStatus::Paused, utc("2026-11-24T09:10:01Z")) == 1);
  CHECK(members("sales", AgentStatus::Paused, utc("2026-11-24T09:10:01Z")) == 1);
  auto snapshot = floor.snapshot(utc("2026-11-24T09:10:01Z"), {false, true});
  auto anna = agent_in(snapshot, "anna");
  CHECK(anna.reason == "lunch");
  CHECK(anna.state_since == utc("2026-11-24T09:10:00Z"));
  std::sort(anna.queues.begin(), anna.queues.end());
  CHECK(anna.queues == std::vector<std::string>{"sales", "support"});

  apply_all(floor, {agent_state(utc("2026-11-24T09:20:00Z"), "anna", AgentStatus::Available,
                                std::vector<std::string>{"sales"})});
  CHECK(members("support", AgentStatus::Available, utc("2026-11-24T09:20:01Z")) == 0);
  CHECK(members("sales", AgentStatus::Available, utc("2026-11-24T09:20:01Z")) == 1);

  apply_all(floor, {agent_state(utc("2026-11-24T09:30:00Z"), "anna", AgentStatus::Available,
                                std::vector<std::string>{})});
  CHECK(members("sales", AgentStatus::Available, utc("2026-11-24T09:30:01Z")) == 0);
  snapshot = floor.snapshot(utc("2026-11-24T09:30:01Z"), {false, true});
  CHECK(agent_in(snapshot, "anna").queues.empty());
  CHECK(snapshot.agents_by_state[index_of(AgentStatus::Available)] == 1);  // still on site
}

TEST_CASE("an unknown agent answering is created as a member of the call's queue",
          "[core][floor_state]") {
  FloorConfig config = support_floor();
  config.queues["sales"] = eighty_twenty();
  FloorState floor(config);
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:00:10Z"), "c1", "new-agent")});
  CHECK(floor.agent_count() == 1);
  auto snapshot = floor.snapshot(utc("2026-11-24T09:00:20Z"));
  CHECK(queue_in(snapshot, "support").agents_by_state[index_of(AgentStatus::Busy)] == 1);

  SECTION("an agent who already has memberships keeps them") {
    apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "seller", AgentStatus::Available,
                                  std::vector<std::string>{"sales"}),
                      enqueued(utc("2026-11-24T09:00:30Z"), "c2", "support"),
                      answered(utc("2026-11-24T09:00:40Z"), "c2", "seller")});
    snapshot = floor.snapshot(utc("2026-11-24T09:00:50Z"));
    CHECK(queue_in(snapshot, "support").agents_by_state[index_of(AgentStatus::Busy)] == 1);
    CHECK(queue_in(snapshot, "sales").agents_by_state[index_of(AgentStatus::Busy)] == 1);
  }
}

TEST_CASE("estimated wait for a caller joining now", "[core][floor_state]") {
  FloorState floor(support_floor());
  const std::vector<std::string> support{"support"};
  // a1 handles one call in 200 s (answer 08:10:00 -> end of wrap-up 08:13:20): AHT = 200 s.
  apply_all(floor, {agent_state(utc("2026-11-24T08:00:00Z"), "a1", AgentStatus::Available, support),
                    agent_state(utc("2026-11-24T08:00:00Z"), "a2", AgentStatus::Available, support),
                    enqueued(utc("2026-11-24T08:10:00Z"), "c0", "support"),
                    answered(utc("2026-11-24T08:10:00Z"), "c0", "a1"),
                    completed(utc("2026-11-24T08:13:00Z"), "c0"),
                    agent_state(utc("2026-11-24T08:13:20Z"), "a1", AgentStatus::Available)});
  auto support_at = [&](const char* now) { return queue_in(floor.snapshot(utc(now)), "support"); };

  // Two agents free, nobody waiting: answered at once.
  CHECK(support_at("2026-11-24T08:14:00Z").handle_time_seconds == Approx(200.0));
  CHECK(support_at("2026-11-24T08:14:00Z").estimated_wait_seconds == Approx(0.0));

  // a2 is now busy elsewhere; one caller waits for the one free agent (available == waiting):
  // (1 - 1 + 1) x 200 s / 2 staffed = 100 s.
  apply_all(floor, {agent_state(utc("2026-11-24T08:14:00Z"), "a2", AgentStatus::Busy),
                    enqueued(utc("2026-11-24T08:15:00Z"), "c1", "support")});
  CHECK(support_at("2026-11-24T08:16:00Z").estimated_wait_seconds == Approx(100.0));

  // Three callers waiting: (3 - 1 + 1) x 200 s / 2 = 300 s.
  apply_all(floor, {enqueued(utc("2026-11-24T08:16:00Z"), "c2", "support"),
                    enqueued(utc("2026-11-24T08:17:00Z"), "c3", "support")});
  CHECK(support_at("2026-11-24T08:18:00Z").estimated_wait_seconds == Approx(300.0));
}

TEST_CASE("no handle time yet: no estimated wait and no Erlang figures", "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "a1", AgentStatus::Available,
                                std::vector<std::string>{"support"}),
                    enqueued(utc("2026-11-24T09:00:10Z"), "c1", "support"),
                    enqueued(utc("2026-11-24T09:00:20Z"), "c2", "support")});
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:01:00Z")), "support");
  CHECK_FALSE(support.handle_time_seconds.has_value());
  CHECK_FALSE(support.estimated_wait_seconds.has_value());
  CHECK_FALSE(support.agents_required.has_value());
  CHECK_FALSE(support.predicted_service_level.has_value());
}

TEST_CASE("Erlang C on live traffic: 100 calls in 30 min at AHT 180 s needs 14 agents",
          "[core][floor_state]") {
  FloorState floor(support_floor());  // 80/20
  const std::vector<std::string> support{"support"};
  std::vector<Event> events;
  // Thirteen agents logged in.
  for (int a = 1; a <= 13; ++a)
    events.push_back(agent_state(utc("2026-11-24T08:59:00Z"), "agent-" + std::to_string(a),
                                 AgentStatus::Available, support));
  // 100 calls, one every 18 s from 09:00:18 to 09:30:00: all inside (09:00, 09:30].
  for (int i = 1; i <= 100; ++i) {
    const std::string call = "c" + std::to_string(i);
    const auto joined = utc("2026-11-24T09:00:00Z") + seconds(18.0 * i);
    events.push_back(enqueued(joined, call, "support"));
    // The first five are handled in exactly 180 s: 150 s talk + 30 s wrap-up.
    if (i <= 5) {
      const std::string agent = "agent-" + std::to_string(i);
      const auto answer = joined + seconds(2);
      events.push_back(answered(answer, call, agent));
      events.push_back(completed(answer + seconds(150), call));
      events.push_back(agent_state(answer + seconds(180), agent, AgentStatus::Available));
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });
  apply_all(floor, events);

  const auto queue = queue_in(floor.snapshot(utc("2026-11-24T09:30:00Z")), "support");
  CHECK(queue.window(WindowKind::Rolling30m).counts.offered == 100);
  REQUIRE(queue.arrival_rate_per_second.has_value());
  CHECK(*queue.arrival_rate_per_second == Approx(100.0 / 1800.0));
  CHECK(queue.handle_time_seconds == Approx(180.0));
  // A = 100 x 180 / 1800 = 10 Erlang; 13 agents give 79.6 % in 20 s, 14 give 88.8 %.
  CHECK(queue.agents_required == 14);
  CHECK(queue.staffed_agents == 13);
  REQUIRE(queue.predicted_service_level.has_value());
  CHECK(*queue.predicted_service_level == Approx(0.795595).margin(1e-4));
  CHECK(*queue.predicted_service_level ==
        Approx(erlang::service_level(13, 10.0, 20.0, 180.0)).margin(1e-9));
  // 95 callers still wait for 13 free agents: (95 - 13 + 1) x 180 / 13 = 1149.2 s.
  CHECK(queue.calls_waiting == 95);
  CHECK(queue.estimated_wait_seconds == Approx(83.0 * 180.0 / 13.0));
}

TEST_CASE("AHT for predictions: 30m, else 60m, else today", "[core][floor_state]") {
  FloorState floor(support_floor());
  // One call handled in 200 s ending 09:10, one in 100 s ending 09:35.
  apply_all(floor, {enqueued(utc("2026-11-24T09:06:40Z"), "long", "support"),
                    answered(utc("2026-11-24T09:06:40Z"), "long", "a1"),
                    completed(utc("2026-11-24T09:09:00Z"), "long"),
                    agent_state(utc("2026-11-24T09:10:00Z"), "a1", AgentStatus::Available),
                    enqueued(utc("2026-11-24T09:33:20Z"), "short", "support"),
                    answered(utc("2026-11-24T09:33:20Z"), "short", "a2"),
                    completed(utc("2026-11-24T09:34:00Z"), "short"),
                    agent_state(utc("2026-11-24T09:35:00Z"), "a2", AgentStatus::Available)});
  auto aht_at = [&](const char* now) {
    return queue_in(floor.snapshot(utc(now)), "support").handle_time_seconds;
  };
  CHECK(aht_at("2026-11-24T09:36:00Z") == Approx(150.0));   // 30m holds both
  CHECK(aht_at("2026-11-24T09:50:00Z") == Approx(100.0));   // 30m (09:20, 09:50]: the short one
  CHECK(aht_at("2026-11-24T10:20:00Z") == Approx(100.0));   // 30m empty; 60m (09:20, 10:20]
  CHECK(aht_at("2026-11-24T10:40:00Z") == Approx(150.0));   // 60m empty; today holds both
  CHECK_FALSE(aht_at("2026-11-25T00:10:00Z").has_value());  // a new day, nothing handled
}

TEST_CASE("offered counts at enqueue, the answer where it happened", "[core][floor_state]") {
  FloorState floor(support_floor());
  // Joins in the 09:00 interval, answered in the 09:30 one after 20 s.
  apply_all(floor, {enqueued(utc("2026-11-24T09:29:50Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:30:10Z"), "c1", "anna")});
  const auto support = queue_in(floor.snapshot(utc("2026-11-24T09:30:20Z")), "support");
  CHECK(support.window(WindowKind::Interval).counts.offered == 0);
  CHECK(support.window(WindowKind::Interval).counts.answered == 1);
  CHECK(support.window(WindowKind::Interval).service_level == Approx(1.0));  // 20 s <= 20 s
  CHECK(support.window(WindowKind::Today).counts.offered == 1);
  CHECK(support.window(WindowKind::Rolling15m).counts.offered == 1);
}

TEST_CASE("handle time counts in the interval in which wrap-up ends", "[core][floor_state]") {
  FloorState floor(support_floor());
  // Answered in the 09:00 interval, wrap-up ends in the 09:30 one: 09:28:00 -> 09:31:00.
  apply_all(floor, {enqueued(utc("2026-11-24T09:27:50Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:28:00Z"), "c1", "anna"),
                    completed(utc("2026-11-24T09:29:30Z"), "c1")});
  auto support = queue_in(floor.snapshot(utc("2026-11-24T09:29:59Z")), "support");
  CHECK(support.window(WindowKind::Interval).counts.answered == 1);
  CHECK(support.window(WindowKind::Interval).counts.handled == 0);  // still in wrap-up

  apply_all(floor, {agent_state(utc("2026-11-24T09:31:00Z"), "anna", AgentStatus::Available)});
  support = queue_in(floor.snapshot(utc("2026-11-24T09:31:30Z")), "support");
  CHECK(support.window(WindowKind::Interval).counts.answered == 0);
  CHECK(support.window(WindowKind::Interval).counts.handled == 1);
  CHECK(support.window(WindowKind::Interval).average_handle_time_seconds == Approx(180.0));
  CHECK_FALSE(support.window(WindowKind::Interval).average_speed_of_answer_seconds.has_value());
}

TEST_CASE("a late event counts in the windows containing its timestamp", "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:10:00Z"), "c1", "support")});
  const auto now = utc("2026-11-24T09:40:00Z");
  floor.snapshot(now);
  // The answer happened at 09:20 but only arrives now.
  apply_all(floor, {answered(utc("2026-11-24T09:20:00Z"), "c1", "anna")});
  const auto support = queue_in(floor.snapshot(now), "support");
  CHECK(support.window(WindowKind::Rolling15m).counts.answered == 0);  // (09:25, 09:40]
  CHECK(support.window(WindowKind::Rolling30m).counts.answered == 1);  // (09:10, 09:40]
  CHECK(support.window(WindowKind::Interval).counts.answered == 0);    // 09:30-10:00
  CHECK(support.window(WindowKind::Today).counts.answered == 1);
  CHECK(support.window(WindowKind::Today).average_speed_of_answer_seconds == Approx(600.0));
  CHECK(support.calls_waiting == 0);
}

TEST_CASE("midnight resets today; the rolling windows and lifetime counters go on",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T23:50:00Z"), "c1", "support"),
                    abandoned(utc("2026-11-24T23:51:00Z"), "c1")});
  auto support = queue_in(floor.snapshot(utc("2026-11-24T23:59:59.999Z")), "support");
  CHECK(support.window(WindowKind::Today).counts.offered == 1);

  support = queue_in(floor.snapshot(utc("2026-11-25T00:10:00Z")), "support");
  CHECK(support.window(WindowKind::Today).counts.offered == 0);
  CHECK(support.window(WindowKind::Today).counts.abandoned == 0);
  CHECK_FALSE(support.window(WindowKind::Today).abandon_ratio.has_value());
  CHECK(support.window(WindowKind::Interval).counts.offered == 0);
  CHECK(support.window(WindowKind::Rolling30m).counts.offered == 1);
  CHECK(support.window(WindowKind::Rolling30m).counts.abandoned == 1);
  CHECK(support.lifetime.offered == 1);
  CHECK(support.lifetime.abandoned == 1);
}

TEST_CASE("day_starts_at 06:00 resets today at 06:00 local", "[core][floor_state]") {
  FloorConfig config = support_floor();
  config.day_start_minutes = 6 * 60;
  FloorState floor(config);
  apply_all(floor, {enqueued(utc("2026-11-24T05:50:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T05:55:00Z"), "c1", "anna")});
  CHECK(queue_in(floor.snapshot(utc("2026-11-24T05:59:00Z")), "support")
            .window(WindowKind::Today)
            .counts.offered == 1);
  CHECK(queue_in(floor.snapshot(utc("2026-11-24T06:05:00Z")), "support")
            .window(WindowKind::Today)
            .counts.offered == 0);
}

TEST_CASE("today spans Stockholm's 25-hour day", "[core][floor_state]") {
  FloorConfig config = support_floor();
  config.time_zone = "Europe/Stockholm";
  FloorState floor(config);
  apply_all(floor, {enqueued(utc("2026-10-24T22:30:00Z"), "early", "support"),   // 00:30 CEST
                    enqueued(utc("2026-10-25T22:30:00Z"), "late", "support")});  // 23:30 CET
  CHECK(queue_in(floor.snapshot(utc("2026-10-25T22:45:00Z")), "support")
            .window(WindowKind::Today)
            .counts.offered == 2);
}

TEST_CASE("a bad time zone in the config is refused", "[core][floor_state]") {
  FloorConfig config;
  config.time_zone = "Europe/Atlantis";
  CHECK_THROWS_AS(FloorState(config), std::invalid_argument);
}

TEST_CASE("queues are sorted by name; configured queues always appear", "[core][floor_state]") {
  FloorConfig config;
  QueueSettings vip = eighty_twenty();
  vip.answer_target = seconds(10);
  config.queues["mid"] = vip;
  FloorState floor(config);
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "z1", "zeta"),
                    enqueued(utc("2026-11-24T09:00:01Z"), "a1", "alpha")});
  const auto snapshot = floor.snapshot(utc("2026-11-24T09:01:00Z"));
  std::vector<std::string> names;
  for (const auto& q : snapshot.queues) names.push_back(q.name);
  CHECK(names == std::vector<std::string>{"alpha", "mid", "zeta"});
  CHECK(snapshot.now == utc("2026-11-24T09:01:00Z"));
  // Unconfigured queues get the defaults (90 s), configured ones their own settings.
  CHECK(floor.settings_for("alpha").answer_target == seconds(90));
  CHECK(queue_in(snapshot, "alpha").settings.answer_target == seconds(90));
  CHECK(floor.settings_for("mid").answer_target == seconds(10));
  CHECK(queue_in(snapshot, "mid").settings.answer_target == seconds(10));
  CHECK(queue_in(snapshot, "mid").calls_waiting == 0);
  CHECK_FALSE(queue_in(snapshot, "mid").window(WindowKind::Today).service_level.has_value());
}

TEST_CASE("reconfigure: a new formula applies to the counts already kept", "[core][floor_state]") {
  FloorConfig config;
  config.queues["support"] = eighty_twenty(ServiceLevelFormula::AnsweredOnly);
  FloorState floor(config);
  // 1 answered within target, 1 abandoned after 30 s, 1 still waiting.
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support"),
                    answered(utc("2026-11-24T09:00:10Z"), "c1", "anna"),
                    enqueued(utc("2026-11-24T09:00:00Z"), "c2", "support"),
                    abandoned(utc("2026-11-24T09:00:30Z"), "c2"),
                    enqueued(utc("2026-11-24T09:01:00Z"), "c3", "support")});
  const auto now = utc("2026-11-24T09:02:00Z");
  CHECK(queue_in(floor.snapshot(now), "support").window(WindowKind::Today).service_level ==
        Approx(1.0));  // A_in / A = 1 / 1

  config.queues["support"] = eighty_twenty(ServiceLevelFormula::AbandonsNegative);
  floor.reconfigure(config, now);
  const auto support = queue_in(floor.snapshot(now), "support");
  CHECK(support.settings.formula == ServiceLevelFormula::AbandonsNegative);
  CHECK(support.window(WindowKind::Today).service_level == Approx(0.5));  // 1 / (1 + 1 + 0)
  CHECK(support.lifetime.offered == 3);
  CHECK(support.calls_waiting == 1);
  CHECK(floor.agent_count() == 1);
}

TEST_CASE("reconfigure with a bad time zone is refused and changes nothing",
          "[core][floor_state]") {
  FloorState floor(support_floor());
  apply_all(floor, {enqueued(utc("2026-11-24T09:00:00Z"), "c1", "support")});
  FloorConfig bad = support_floor();
  bad.time_zone = "Europe/Atlantis";
  bad.queues["support"].answer_target = seconds(60);
  CHECK_THROWS_AS(floor.reconfigure(bad, utc("2026-11-24T09:00:00Z")), std::invalid_argument);
  CHECK(floor.calendar().time_zone_name() == "UTC");
  CHECK(floor.settings_for("support").answer_target == seconds(20));
  CHECK(queue_in(floor.snapshot(utc("2026-11-24T09:01:00Z")), "support").calls_waiting == 1);
}

TEST_CASE("replaying the same events gives identical snapshots", "[core][floor_state]") {
  // A busy, messy half day: two queues, eight agents, answers, abandons, exits, wrap-ups, and
  // inconsistent events (unknown calls, duplicates) mixed in. Fixed seed: the same list each run.
  std::mt19937 random(20261124);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> wait_seconds(0, 120);
  std::uniform_int_distribution<int> talk_seconds(30, 400);
  const std::vector<std::string> queues{"sales", "support"};
  std::vector<Event> events;
  const auto t0 = utc("2026-11-24T06:00:00Z");
  for (int a = 0; a < 8; ++a)
    events.push_back(agent_state(t0, "agent-" + std::to_string(a), AgentStatus::Available,
                                 std::vector<std::string>{queues[a % 2]}));
  for (int i = 0; i < 2000; ++i) {
    const std::string call = "call-" + std::to_string(i);
    const auto joined = t0 + seconds(9.0 * i);
    events.push_back(enqueued(joined, call, queues[i % 2]));
    const auto left = joined + seconds(wait_seconds(random));
    const int fate = percent(random);
    if (fate < 75) {
      const std::string agent = "agent-" + std::to_string(i % 8);
      const auto talk_end = left + seconds(talk_seconds(random));
      events.push_back(answered(left, call, agent));
      events.push_back(completed(talk_end, call));
      events.push_back(agent_state(talk_end + seconds(20), agent, AgentStatus::Available));
    } else if (fate < 90) {
      events.push_back(abandoned(left, call));
    } else if (fate < 95) {
      events.push_back(exited(left, call, ExitReason::Timeout));
    } else {
      events.push_back(answered(left, "ghost-" + call, "agent-0"));  // rejected: unknown call
      events.push_back(enqueued(left, call, queues[i % 2]));         // rejected: duplicate
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });

  FloorState first(FloorConfig{});
  FloorState second(FloorConfig{});
  FloorState watched(FloorConfig{});  // snapshotted after every event, like a busy scraper
  std::size_t rejected = 0;
  for (const auto& event : events) {
    const auto a = first.apply(event);
    const auto b = second.apply(event);
    const auto c = watched.apply(event);
    REQUIRE(a.applied == b.applied);
    REQUIRE(a.applied == c.applied);
    if (!a.applied) {
      REQUIRE(a.reason == b.reason);
      ++rejected;
    }
    watched.snapshot(event.ts);
  }
  CHECK(rejected > 0);

  for (const char* now : {"2026-11-24T11:10:00Z", "2026-11-24T11:20:00Z", "2026-11-24T12:30:00Z"}) {
    CAPTURE(now);
    const auto a = first.snapshot(utc(now), {true, true});
    const auto b = second.snapshot(utc(now), {true, true});
    check_same(a, b);
    check_same(a, watched.snapshot(utc(now), {true, true}));
  }
  CHECK(queue_in(first.snapshot(utc("2026-11-24T11:20:00Z")), "support").lifetime.offered == 1000);
}
