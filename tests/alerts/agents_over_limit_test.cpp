// `agents_over_limit`: member agents over their red time-in-state limit. The count grows with
// time alone, so the engine computes the instant it crosses (state_since + limit) and fires
// at that millisecond, the same on every daemon of a pair however late each one looks.
#include <catch2/catch.hpp>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"
#include "alerts/rule.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

/// A member of `queue` paused with `reason` whose red limit is crossed at `critical_at`.
void over_limit_at(Floor& floor, const std::string& queue, const std::string& agent,
                   const std::string& reason, core::Timestamp critical_at) {
  auto& crossings = floor.queue(queue).agent_limit_crossings;
  crossings.push_back({agent, core::AgentStatus::Paused, reason, critical_at});
}

const std::string kLongBreakRule = R"(
  - name: AgentPausedTooLong
    expr: agents_over_limit{state=paused} > 0
    severity: warning
)";

}  // namespace

TEST_CASE("agents_over_limit fires at the exact millisecond an agent crosses its red limit",
          "[alerts][engine][agents_over_limit]") {
  AlertEngine engine(config(rules(kLongBreakRule)));
  Floor floor;
  // anna went on a break at 09:00; the paused limit is red from 20 min: 09:20:00.000.
  const core::Timestamp crossing = kMonday9Utc + 20min;
  over_limit_at(floor, "sales", "anna", "break", crossing);

  auto result = engine.evaluate(floor.at(kMonday9Utc + 5min), kNoSources, kMonday9Utc + 5min);
  CHECK(result.transitions.empty());
  REQUIRE(engine.next_deadline() == crossing);

  result = engine.evaluate(floor.at(crossing - 1ms), kNoSources, crossing - 1ms);
  CHECK(result.transitions.empty());

  result = engine.evaluate(floor.at(crossing), kNoSources, crossing);
  REQUIRE(result.transitions.size() == 1);
  CHECK(result.transitions.front().to == AlertState::Firing);
  CHECK(result.transitions.front().at == crossing);
  CHECK(result.transitions.front().labels.at("queue") == "sales");
  REQUIRE(result.notifications.size() == 1);
  CHECK(result.notifications.front().annotations.at("values") ==
        "agents_over_limit{state=paused}=1");
}

TEST_CASE("agents_over_limit filters by state and reason and counts to its threshold",
          "[alerts][engine][agents_over_limit]") {
  AlertEngine engine(config(rules(R"(
  - name: LongLunches
    expr: agents_over_limit{state=paused,reason=lunch} >= 2
)")));
  Floor floor;
  over_limit_at(floor, "sales", "anna", "break", kMonday9Utc + 20min);
  over_limit_at(floor, "sales", "bob", "lunch", kMonday9Utc + 50min);
  over_limit_at(floor, "sales", "cleo", "lunch", kMonday9Utc + 70min);

  // bob's crossing (09:50) leaves the count at 1: the engine sleeps on to cleo's (10:10).
  engine.evaluate(floor.at(kMonday9Utc + 30min), kNoSources, kMonday9Utc + 30min);
  REQUIRE(engine.next_deadline() == kMonday9Utc + 70min);
  const auto result =
      engine.evaluate(floor.at(kMonday9Utc + 70min), kNoSources, kMonday9Utc + 70min);
  REQUIRE(transitions_to(result, AlertState::Firing).size() == 1);
  CHECK(engine.list().front().active_since == kMonday9Utc + 70min);
}

TEST_CASE("both daemons of a pair date the episode at the crossing, however late they look",
          "[alerts][engine][agents_over_limit][ha]") {
  const core::Timestamp crossing = kMonday9Utc + 20min;
  Floor floor;
  over_limit_at(floor, "sales", "anna", "break", crossing);
  AlertEngine on_time(config(rules(kLongBreakRule)));
  AlertEngine late(config(rules(kLongBreakRule)));
  on_time.evaluate(floor.at(crossing), kNoSources, crossing);
  late.evaluate(floor.at(crossing + 4s + 17ms), kNoSources, crossing + 4s + 17ms);
  REQUIRE(on_time.list().size() == 1);
  REQUIRE(late.list().size() == 1);
  CHECK(on_time.list().front().active_since == crossing);
  CHECK(late.list().front().active_since == crossing);
  CHECK(late.list().front().fired_at == on_time.list().front().fired_at);
}

TEST_CASE("agents_over_limit expressions: labels and their mistakes",
          "[alerts][rules][agents_over_limit]") {
  const auto terms = parse_expression("agents_over_limit{state=paused, reason=\"lunch\"} > 0");
  REQUIRE(terms.size() == 1);
  CHECK(terms[0].selector.metric == Metric::AgentsOverLimit);
  CHECK(terms[0].selector.agent_state == core::AgentStatus::Paused);
  CHECK(terms[0].selector.reason == "lunch");
  CHECK(describe(terms[0]) == "agents_over_limit{state=paused,reason=lunch} > 0");
  CHECK(describe(parse_expression("agents_over_limit > 2")[0]) == "agents_over_limit > 2");
  CHECK(is_time_driven(Metric::AgentsOverLimit));
  CHECK_THROWS_WITH(parse_expression("agents_over_limit{state=lunch} > 0"),
                    Catch::Contains("unknown agent state \"lunch\""));
  CHECK_THROWS_WITH(parse_expression("agents_over_limit{window=15m} > 0"),
                    Catch::Contains("does not apply to agents_over_limit"));
}
