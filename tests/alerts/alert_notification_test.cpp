// What a receiver reads in a page: the rule's summary template with its fields filled, the
// figures of every term, and who acknowledged it, through the engine as the daemon drives it.
#include <catch2/catch.hpp>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

TEST_CASE("a page fills the summary template and lists every term's figure",
          "[alerts][notification]") {
  AlertEngine engine(config(rules(R"(
  - name: LongWaitNoAgents
    expr: oldest_wait_seconds > 60 and agents{state=available} == 0
    summary: "{alertname}: {queue} has a caller waiting {value} s"
)")));
  Floor floor;
  floor.waiting("support", 2, kMonday9Utc);
  floor.agents("support", core::AgentStatus::Available, 0);
  const core::Timestamp now = kMonday9Utc + 75500ms;
  const auto result = engine.evaluate(floor.at(now), kNoSources, now);
  REQUIRE(result.notifications.size() == 1);
  const Notification& page = result.notifications.front();
  // The figures as the alert fired (the wait crossing 60 s), whenever the engine looked: both
  // daemons of an HA pair say the same.
  CHECK(page.annotations.at("summary") ==
        "LongWaitNoAgents: support has a caller waiting 60.001 s");
  CHECK(page.annotations.at("values") == "oldest_wait_seconds=60.001, agents{state=available}=0");
  CHECK(page.annotations.at("expression") ==
        "oldest_wait_seconds > 60 and agents{state=available} == 0");
  CHECK(page.severity == Severity::Warning);
  CHECK(page.starts_at == kMonday9Utc + 60001ms);
  CHECK_FALSE(page.ends_at.has_value());
}

TEST_CASE("without a summary the page names the rule, the subject and the expression",
          "[alerts][notification]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBacklog
    expr: calls_waiting >= 5
)")));
  Floor floor;
  floor.waiting("sales", 5, kMonday9Utc);
  const auto result = engine.evaluate(floor.at(kMonday9Utc), kNoSources, kMonday9Utc);
  REQUIRE(result.notifications.size() == 1);
  CHECK(result.notifications.front().annotations.at("summary") ==
        "QueueBacklog on queue sales: calls_waiting >= 5");
  CHECK(result.notifications.front().annotations.at("values") == "calls_waiting=5");
}

TEST_CASE("an acknowledgement tells the paged tiers who took it, with the comment",
          "[alerts][notification]") {
  AlertEngine engine(config(rules(R"(
  - name: QueueBacklog
    expr: calls_waiting >= 5
)")));
  Floor floor;
  floor.waiting("sales", 5, kMonday9Utc);
  engine.evaluate(floor.at(kMonday9Utc), kNoSources, kMonday9Utc);
  REQUIRE(engine.list().size() == 1);
  const auto ack = engine.acknowledge(engine.list().front().id, "maria", "calling in two agents",
                                      kMonday9Utc + 1min);
  REQUIRE(ack.status == AckStatus::Acknowledged);
  CHECK(notified(ack.notifications) == std::vector<std::string>{"floor-lead:acknowledged"});
  const Notification& notice = ack.notifications.front();
  CHECK(notice.annotations.at("acknowledged_by") == "maria");
  CHECK(notice.annotations.at("ack_comment") == "calling in two agents");
  CHECK(notice.at == kMonday9Utc + 1min);
}
