// The traffic simulator drives the demo and the integration tests, so its day must be
// believable (busy mornings, quiet nights, abandons and answers) and never self-contradictory.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "canonical_json.h"
#include "floorwatch/core/floor_state.h"
#include "traffic_simulator.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using namespace std::chrono_literals;

namespace {

// 2026-11-24T00:00:00Z: 20781 days after the epoch (see canonical_json_test.cpp).
const core::Timestamp kMidnight = core::from_epoch_ms(20781LL * 86'400'000);

SimulationConfig config_for(std::uint64_t seed, core::Duration duration,
                            core::Timestamp start = kMidnight + 8h) {
  SimulationConfig config;
  config.seed = seed;
  config.start = start;
  config.duration = duration;
  return config;
}

std::vector<core::Event> run(const SimulationConfig& config) {
  TrafficSimulator simulator(config);
  std::vector<core::Event> events;
  while (auto event = simulator.next()) events.push_back(std::move(*event));
  return events;
}

std::string as_text(const std::vector<core::Event>& events) {
  std::string text;
  for (const auto& e : events) append_json_line(text, e);
  return text;
}

std::map<core::EventType, int> count_by_type(const std::vector<core::Event>& events) {
  std::map<core::EventType, int> counts;
  for (const auto& e : events) ++counts[e.type];
  return counts;
}

}  // namespace

TEST_CASE("the same seed gives the same events, another seed different ones",
          "[collectors][simulator]") {
  const auto first = as_text(run(config_for(7, 2h)));
  const auto again = as_text(run(config_for(7, 2h)));
  const auto other = as_text(run(config_for(8, 2h)));
  CHECK(first.size() > 10'000);
  CHECK(first == again);
  CHECK(first != other);
}

TEST_CASE("every call's story is consistent from enqueue to wrap-up", "[collectors][simulator]") {
  // An independent referee of the event order, written from the event rules in docs/events.md.
  enum class CallStage { Waiting, Connected };
  std::map<std::string, CallStage> live_calls;
  std::set<std::string> finished_calls;
  std::map<std::string, core::AgentStatus> agents;
  std::map<std::string, std::string> agent_of_call;
  const auto events = run(config_for(3, 8h));
  REQUIRE_FALSE(events.empty());
  core::Timestamp previous = events.front().ts;
  CHECK(events.front().ts == kMidnight + 8h);

  for (const auto& e : events) {
    INFO(to_json_line(e));
    CHECK(e.ts >= previous);  // time order
    previous = e.ts;
    switch (e.type) {
      case core::EventType::CallEnqueued:
        CHECK_FALSE(e.queue.empty());
        CHECK(live_calls.count(e.call) == 0);
        CHECK(finished_calls.count(e.call) == 0);  // call ids are never reused
        live_calls[e.call] = CallStage::Waiting;
        break;
      case core::EventType::CallAnswered:
        REQUIRE(live_calls.count(e.call) == 1);
        CHECK(live_calls[e.call] == CallStage::Waiting);
        CHECK(agents.at(e.agent) == core::AgentStatus::Ringing);
        live_calls[e.call] = CallStage::Connected;
        agents[e.agent] = core::AgentStatus::Busy;
        agent_of_call[e.call] = e.agent;
        break;
      case core::EventType::CallAbandoned:
      case core::EventType::CallExited:
        REQUIRE(live_calls.count(e.call) == 1);
        CHECK(live_calls[e.call] == CallStage::Waiting);
        live_calls.erase(e.call);
        finished_calls.insert(e.call);
        break;
      case core::EventType::CallCompleted:
        REQUIRE(live_calls.count(e.call) == 1);
        CHECK(live_calls[e.call] == CallStage::Connected);
        live_calls.erase(e.call);
        finished_calls.insert(e.call);
        break;
      case core::EventType::AgentState: {
        if (e.queues) CHECK_FALSE(e.queues->empty());
        const auto before = agents.count(e.agent) ? agents[e.agent] : core::AgentStatus::Offline;
        if (e.state == core::AgentStatus::Ringing) CHECK(before == core::AgentStatus::Available);
        if (e.state == core::AgentStatus::Wrapup) CHECK(before == core::AgentStatus::Busy);
        if (e.state == core::AgentStatus::Paused) {
          CHECK(before != core::AgentStatus::Busy);
          CHECK((e.reason == "lunch" || e.reason == "break" || e.reason == "training"));
        }
        agents[e.agent] = e.state;
        break;
      }
    }
  }
  CHECK(agents.size() == 40);  // every agent logged in
}

TEST_CASE("a simulated working day has answers, abandons, a few exits and pauses",
          "[collectors][simulator]") {
  const auto events = run(config_for(1, 8h));
  auto counts = count_by_type(events);
  CHECK(counts[core::EventType::CallAnswered] > 500);
  CHECK(counts[core::EventType::CallAbandoned] > 0);
  // Abandons are the exception on a reasonably staffed floor.
  CHECK(counts[core::EventType::CallAbandoned] < counts[core::EventType::CallAnswered] / 2);
  CHECK(counts[core::EventType::CallExited] > 0);
  CHECK(counts[core::EventType::CallExited] < counts[core::EventType::CallAbandoned]);
  std::set<std::string> pause_reasons;
  for (const auto& e : events)
    if (e.type == core::EventType::AgentState && e.state == core::AgentStatus::Paused)
      pause_reasons.insert(e.reason);
  CHECK(pause_reasons == std::set<std::string>{"break", "lunch", "training"});
}

TEST_CASE("queues get different volumes and some agents serve several queues",
          "[collectors][simulator]") {
  std::map<std::string, int> offered;
  int multi_skilled = 0, logged_in = 0;
  for (const auto& e : run(config_for(5, 8h))) {
    if (e.type == core::EventType::CallEnqueued) ++offered[e.queue];
    if (e.type == core::EventType::AgentState && e.queues) {
      ++logged_in;
      if (e.queues->size() > 1) ++multi_skilled;
    }
  }
  // Volumes fall by 0.6 per queue in the configured order: sales > support > billing.
  CHECK(offered["sales"] > offered["support"]);
  CHECK(offered["support"] > offered["billing"]);
  CHECK(offered["billing"] > 0);
  CHECK(logged_in == 40);
  CHECK(multi_skilled > 0);
  CHECK(multi_skilled < logged_in);
}

TEST_CASE("arrivals follow the local time of day of the start", "[collectors][simulator]") {
  // The curve itself: quiet at 03:00, peak at 10:00, a lunch dip at 12:00.
  CHECK(TrafficSimulator::time_of_day_factor(3) < 0.05);
  CHECK(TrafficSimulator::time_of_day_factor(10) == Approx(1.0));
  CHECK(TrafficSimulator::time_of_day_factor(12) < TrafficSimulator::time_of_day_factor(10));
  CHECK(TrafficSimulator::time_of_day_factor(10.5) == Approx(0.95));  // halfway 1.0 -> 0.9

  // A day from local midnight at UTC+05:00: count arrivals in local 02-05 h and 09-12 h.
  SimulationConfig config = config_for(11, 24h, kMidnight - 5h);
  config.utc_offset_minutes = 5 * 60;
  int night = 0, morning = 0;
  for (const auto& e : run(config)) {
    if (e.type != core::EventType::CallEnqueued) continue;
    const auto local_hour = (e.ts - (kMidnight - 5h)) / 1h;
    if (local_hour >= 2 && local_hour < 5) ++night;
    if (local_hour >= 9 && local_hour < 12) ++morning;
  }
  // The curve averages ~0.02 at night and ~0.95 in the morning: expect far more than 10x.
  CHECK(morning > 10 * std::max(night, 1));
}

TEST_CASE("core::FloorState accepts a simulated 8 hours without a single reject",
          "[collectors][simulator]") {
  const auto seed = GENERATE(1, 2, 42);
  core::FloorState floor{core::FloorConfig{}};
  std::map<core::RejectReason, int> rejects;
  int applied = 0;
  for (const auto& e : run(config_for(static_cast<std::uint64_t>(seed), 8h))) {
    const auto result = floor.apply(e);
    if (result.applied) {
      ++applied;
    } else {
      ++rejects[result.reason];
      UNSCOPED_INFO(core::to_string(result.reason) << ": " << to_json_line(e));
    }
  }
  CHECK(applied > 1000);
  CHECK(rejects.empty());
}

TEST_CASE("the pacer maps simulated time to wall time by the speed", "[collectors][simulator]") {
  const auto simulated_start = kMidnight + 8h;
  const auto wall_start = kMidnight + 1h;
  // At 10x, 100 simulated seconds take 10 wall seconds.
  const SimulationPacer fast(simulated_start, wall_start, 10);
  CHECK(fast.wall_time_due(simulated_start + 100s) == wall_start + 10s);
  CHECK(fast.wall_time_due(simulated_start) == wall_start);
  // At 1x simulated and wall time move together.
  CHECK(SimulationPacer(simulated_start, wall_start, 1).wall_time_due(simulated_start + 1h) ==
        wall_start + 1h);
  // Speed 0: no pacing at all.
  CHECK_FALSE(SimulationPacer(simulated_start, wall_start, 0).wall_time_due(simulated_start + 1h));
}

TEST_CASE("durations and start offsets are read from the command line forms",
          "[collectors][simulator]") {
  const auto [text, expected_ms] = GENERATE(table<const char*, std::int64_t>({
      {"8h", 8 * 3'600'000LL},
      {"90m", 90 * 60'000LL},
      {"1h30m", 90 * 60'000LL},
      {"45s", 45'000LL},
      {"2d", 48 * 3'600'000LL},
      {"500ms", 500LL},
  }));
  INFO(text);
  CHECK(parse_duration_text(text) == core::Duration{expected_ms});
  CHECK_FALSE(parse_duration_text("8"));
  CHECK_FALSE(parse_duration_text("h"));
  CHECK_FALSE(parse_duration_text("8 hours"));

  CHECK(utc_offset_minutes_of("2026-11-24T08:00:00Z") == 0);
  CHECK(utc_offset_minutes_of("2026-11-24T08:00:00+01:00") == 60);
  CHECK(utc_offset_minutes_of("2026-11-24T08:00:00-05:30") == -330);
  CHECK_FALSE(utc_offset_minutes_of("1795510800000"));
}

namespace {

// When the first caller of `queue` has waited `limit` unanswered (nullopt: nobody did).
std::optional<core::Timestamp> first_wait_over(const std::vector<core::Event>& events,
                                               const std::string& queue, core::Duration limit) {
  std::map<std::string, core::Timestamp> waiting;  // call -> enqueued at
  std::optional<core::Timestamp> first;
  const auto breach_before = [&](core::Timestamp now) {
    for (const auto& [call, since] : waiting)
      if (now - since > limit && (!first || since + limit < *first)) first = since + limit;
  };
  for (const auto& e : events) {
    breach_before(e.ts);
    if (e.type == core::EventType::CallEnqueued && e.queue == queue) waiting[e.call] = e.ts;
    if (e.type == core::EventType::CallAnswered || e.type == core::EventType::CallAbandoned ||
        e.type == core::EventType::CallExited)
      waiting.erase(e.call);
  }
  return first;
}

}  // namespace

TEST_CASE("the demo's morning breaches within minutes, abandons, and a break runs long",
          "[collectors][simulator]") {
  SimulationConfig morning = config_for(1, 30min);
  morning.rush = MorningRush{};
  const auto rush = run(morning);
  const auto calm = run(config_for(1, 30min));

  // At 30x (the demo's speed) fifteen simulated minutes are thirty seconds on the board.
  const auto breach = first_wait_over(rush, "sales", 90s);
  REQUIRE(breach);
  CHECK(*breach - morning.start < 15min);
  CHECK_FALSE(first_wait_over(calm, "sales", 90s));  // the same 08:00 without the rush copes

  CHECK(count_by_type(rush)[core::EventType::CallAbandoned] >
        2 * count_by_type(calm)[core::EventType::CallAbandoned]);

  // Four agents go on break two minutes in (after their call) and are still away 20 min later.
  std::map<std::string, core::Timestamp> on_break;
  for (const auto& e : rush) {
    if (e.type != core::EventType::AgentState) continue;
    if (e.state == core::AgentStatus::Paused && e.reason == "break")
      on_break.emplace(e.agent, e.ts);
    else if (const auto it = on_break.find(e.agent);
             it != on_break.end() && e.ts - it->second < 20min)
      on_break.erase(it);
  }
  int long_breaks = 0;
  for (const auto& [agent, since] : on_break) long_breaks += since - morning.start < 10min;
  CHECK(long_breaks == 4);
}
