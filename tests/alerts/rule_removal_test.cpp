// What a config reload that removes a rule does to that rule's alerts (the engine resolves
// them and tells every tier that heard "firing"), and how the notifiers of the old config are
// retired: stopped without waiting for a hung receiver, within their retry budget.
#include <catch2/catch.hpp>

#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"
#include "alerts/http_receiver.h"
#include "alerts/notifiers/dispatcher.h"
#include "alerts/notifiers/webhook_notifier.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const std::string kTwoRules = rules(R"(
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
    severity: critical
  - name: CallersWaiting
    expr: calls_waiting > 0
    for: 10m
  - name: NobodyAvailable
    expr: agents{state=available} == 0
)");

const Alert* alert_of(const std::vector<Alert>& alerts, const std::string& rule) {
  for (const Alert& alert : alerts)
    if (alert.rule == rule) return &alert;
  return nullptr;
}

}  // namespace

SCENARIO("a reload that removes a rule resolves its alerts and tells every tier told before",
         "[alerts][engine][reload]") {
  AlertEngine engine(config(kTwoRules));
  Floor floor;
  const core::Timestamp enqueued = kMonday9Utc;
  // sales: a caller waiting past 90 s (fires; 3 minutes later the supervisor is told too) and
  // callers waiting (pending for 10 min); support: nobody available (fires, acknowledged at
  // once, so only the floor lead heard of it).
  floor.waiting("sales", 2, enqueued);
  floor.agents("support", core::AgentStatus::Available, 0);
  engine.evaluate(floor.at(enqueued + 91s), kNoSources, enqueued + 91s);
  const AlertId paged = alert_of(engine.list(), "OldestWaitOver90s")->id;
  const AlertId kept = alert_of(engine.list(), "NobodyAvailable")->id;
  REQUIRE(engine.acknowledge(kept, "maria", "on it", enqueued + 2min).status ==
          AckStatus::Acknowledged);
  engine.evaluate(floor.at(enqueued + 91s + 3min), kNoSources, enqueued + 91s + 3min);
  REQUIRE(alert_of(engine.list(), "CallersWaiting")->state == AlertState::Pending);

  WHEN("the new config keeps only NobodyAvailable") {
    const core::Timestamp reload_at = enqueued + 6min;
    const EvaluationResult ended =
        engine.end_alerts_of_removed_rules({"NobodyAvailable"}, reload_at);

    THEN("the firing alert resolves with reason rule_removed, both tiers told hear it") {
      const auto resolved = transitions_to(ended, AlertState::Resolved);
      REQUIRE(resolved.size() == 1);
      CHECK(resolved.front().id == paged);
      CHECK(resolved.front().from == AlertState::Firing);
      CHECK(resolved.front().reason == TransitionReason::RuleRemoved);
      CHECK(resolved.front().at == reload_at);
      CHECK(notified(ended.notifications) ==
            std::vector<std::string>{"floor-lead:resolved", "supervisor:resolved"});
      for (const Notification& notice : ended.notifications) {
        CHECK(notice.alert_id == paged);
        CHECK(notice.notifiers == std::vector<std::string>{"log"});  // the old config's
        CHECK(notice.ends_at == reload_at);
        CHECK(notice.annotations.at("resolve_reason") == "rule_removed");
        CHECK(notice.annotations.at("summary").find("sales") != std::string::npos);
      }
    }
    THEN("the pending alert ends without a notice, and nothing else changes") {
      const auto inactive = transitions_to(ended, AlertState::Inactive);
      REQUIRE(inactive.size() == 1);
      CHECK(inactive.front().rule == "CallersWaiting");
      CHECK(inactive.front().reason == TransitionReason::RuleRemoved);
      CHECK(ended.transitions.size() == 2);
    }
    THEN("the resolved alert is in the history; the kept rule's alert keeps firing, acked") {
      REQUIRE(engine.history().size() == 1);
      CHECK(engine.history().front().id == paged);
      CHECK(engine.history().front().resolve_reason == TransitionReason::RuleRemoved);
      CHECK(engine.history().front().resolved_at == reload_at);
      REQUIRE(engine.list().size() == 1);
      CHECK(engine.list().front().id == kept);
      CHECK(engine.list().front().state == AlertState::Acknowledged);
      CHECK(engine.list().front().acknowledgement->by == "maria");
    }
    AND_WHEN("the engine of the new config takes the state over and evaluates") {
      AlertEngine next(config(rules(R"(
  - name: NobodyAvailable
    expr: agents{state=available} == 0
)")));
      next.restore(engine.state());
      const EvaluationResult after =
          next.evaluate(floor.at(reload_at + 1s), kNoSources, reload_at + 1s);
      THEN("the removed rule's alert is not ended twice and the kept one is not re-paged") {
        CHECK(after.transitions.empty());
        CHECK(after.notifications.empty());
        REQUIRE(next.history().size() == 1);
        CHECK(next.history().front().resolve_reason == TransitionReason::RuleRemoved);
        REQUIRE(next.list().size() == 1);
        CHECK(next.list().front().state == AlertState::Acknowledged);
      }
    }
  }

  WHEN("the new config has no rules at all") {
    const EvaluationResult ended = engine.end_alerts_of_removed_rules({}, enqueued + 6min);
    THEN("every firing or acknowledged alert resolves with rule_removed; nothing stays active") {
      const auto resolved = transitions_to(ended, AlertState::Resolved);
      REQUIRE(resolved.size() == 2);
      for (const auto& transition : resolved)
        CHECK(transition.reason == TransitionReason::RuleRemoved);
      CHECK(engine.list().empty());
      CHECK(engine.history().size() == 2);
      // The acknowledged alert's floor lead heard "firing" and "acknowledged": now "resolved".
      std::size_t for_kept = 0;
      for (const Notification& notice : ended.notifications)
        if (notice.alert_id == kept) {
          ++for_kept;
          CHECK(notice.kind == NotificationKind::Resolved);
          CHECK(notice.annotations.at("acknowledged_by") == "maria");
        }
      CHECK(for_kept == 1);
    }
  }
}

TEST_CASE("a resolved notice for a removed rule says so in the webhook text",
          "[alerts][notifiers][reload]") {
  Notification notice;
  notice.kind = NotificationKind::Resolved;
  notice.alert_id = 4;
  notice.labels = {{"alertname", "OldestWaitOver90s"}, {"queue", "sales"}};
  notice.annotations = {{"summary", "OldestWaitOver90s on queue sales"},
                        {"resolve_reason", "rule_removed"}};
  notice.tier = "floor-lead";
  const auto body = nlohmann::json::parse(webhook_payload(notice, {}));
  CHECK(body["status"] == "resolved");
  CHECK(body["text"].get<std::string>().starts_with("[RESOLVED, rule removed from the config]"));
  CHECK(body["annotations"]["resolve_reason"] == "rule_removed");
}

TEST_CASE("a retiring dispatcher stops at once on request, even with a hung receiver",
          "[alerts][notifiers][reload]") {
  HttpReceiver receiver({}, 200, HttpReceiver::Mode::Hang);
  std::vector<NotificationDispatcher::Registration> registrations;
  registrations.push_back(
      {"hook", std::make_unique<WebhookNotifier>(receiver.url("/hook"), NotifierContext{}, 500ms),
       RetryPolicy{10, 10ms, 10ms}});
  NotificationDispatcher dispatcher(std::move(registrations), 10);
  Notification notice;
  notice.notifiers = {"hook"};
  for (int i = 0; i < 3; ++i) dispatcher.submit(notice);
  REQUIRE(receiver.wait_for_requests(1, 5s));  // the first attempt hangs
  CHECK_FALSE(dispatcher.wait_until_idle(0ms));
  CHECK_FALSE(dispatcher.stopped());

  const auto asked = std::chrono::steady_clock::now();
  dispatcher.request_stop();
  CHECK(std::chrono::steady_clock::now() - asked < 20ms);  // never waits for the receiver
  // The attempt in flight ends at its timeout; no retry, the two queued notices are dropped.
  while (!dispatcher.stopped() && std::chrono::steady_clock::now() - asked < 5s)
    std::this_thread::sleep_for(5ms);
  CHECK(dispatcher.stopped());
  CHECK(std::chrono::steady_clock::now() - asked < 1s);
  const auto counters = dispatcher.counters().front();
  CHECK(counters.given_up == 1);
  CHECK(counters.dropped == 2);
  CHECK(receiver.requests().size() == 1);
}

TEST_CASE("a notifier's retry budget is every attempt timing out plus every backoff",
          "[alerts][notifiers][reload]") {
  NotifierConfig notifier;  // defaults: 5 attempts, 5 s timeout, backoff 1 s doubling to 30 s
  CHECK(retry_budget(notifier) == 25s + 1s + 2s + 4s + 8s);
  notifier.retry = RetryPolicy{4, 10s, 15s};
  notifier.timeout = 1s;
  CHECK(retry_budget(notifier) == 4s + 10s + 15s + 15s);
}
