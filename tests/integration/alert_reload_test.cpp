// SIGHUP removing alert rules, with a real floorwatchd, real ZeroMQ and a real HTTP receiver:
// the removed rule's firing alert resolves (reason rule_removed), the webhook that heard
// "firing" hears "resolved" through the old config's notifier, floorwatchctl lists it in the
// history and /metrics stops counting it as firing, while a kept rule's alert keeps firing with
// its acknowledgement. A hung receiver delays neither the reload nor SIGTERM.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/http_receiver.h"
#include "integration/floor_fixture.h"
#include "support/wait.h"
#include "support/webhook_alerts.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// T0 = 2026-11-24T09:00:00Z: agent a1 pauses in sales and a caller joins it.
std::string paused_agent_and_caller() {
  const long t0 = 1795510800000;
  return R"({"ts":)" + std::to_string(t0) +
         R"(,"type":"agent_state","agent":"a1","state":"paused","queues":["sales"]})"
         "\n"
         R"({"ts":)" +
         std::to_string(t0 + 1000) + R"(,"type":"call_enqueued","call":"c1","queue":"sales"})" +
         "\n";
}

// `rules` is the YAML list under `rules:`; empty = a config without alert rules.
std::string alerts_config(const std::string& webhook_url, const std::string& rules,
                          const std::string& notifier_settings = "") {
  return "timezone: UTC\nqueues:\n  sales: {}\n" +
         webhook_alerts_yaml(webhook_url, rules, notifier_settings);
}

const std::string kCallersWaitingRule =
    "    - name: CallersWaiting\n"
    "      expr: calls_waiting > 0\n"
    "      severity: warning\n";
const std::string kNobodyAvailableRule =
    "    - name: NobodyAvailable\n"
    "      expr: agents{state=available} == 0\n"
    "      severity: critical\n";

const std::string kNoAlerts = "timezone: UTC\nqueues:\n  sales: {}\n";

nlohmann::json body_of(const ReceivedRequest& request) {
  return nlohmann::json::parse(request.body);
}

const nlohmann::json* alert_of(const nlohmann::json& alerts, const std::string& rule) {
  for (const auto& alert : alerts)
    if (alert["rule"] == rule) return &alert;
  return nullptr;
}

// Waits until /metrics shows `value` for the sample (the retiring notifier counts late).
bool metric_reaches(const RunningDaemon& daemon, const std::string& name,
                    const std::map<std::string, std::string>& labels, double value) {
  return wait_until([&] { return find_sample(daemon.scrape(), name, labels) == value; }, 10s);
}

}  // namespace

TEST_CASE("a reload that removes a firing alert's rule resolves it and the webhook hears it",
          "[integration][reload][alerts]") {
  HttpReceiver receiver;
  TempDir dir;
  RunningDaemon daemon(
      dir, alerts_config(receiver.url("/floor"), kCallersWaitingRule + kNobodyAvailableRule));
  const auto [status, output] =
      send_jsonl(daemon.ingest(), dir.write("events.jsonl", paused_agent_and_caller()));
  REQUIRE(status == 0);

  // Both rules fire and the floor lead's webhook hears both.
  REQUIRE(receiver.wait_for_requests(2, 10s));
  const nlohmann::json before = alerts_json(daemon);
  REQUIRE(before["alerts"].size() == 2);
  const auto* removed = alert_of(before["alerts"], "CallersWaiting");
  const auto* kept = alert_of(before["alerts"], "NobodyAvailable");
  REQUIRE(removed);
  REQUIRE(kept);
  const long removed_id = (*removed)["id"].get<long>();
  const long kept_id = (*kept)["id"].get<long>();
  auto [ack_status, ack_output] = run_command({ctl_binary(), "ack", std::to_string(kept_id), "--by",
                                               "Maria", "--control", daemon.control()},
                                              10s);
  INFO(ack_output);
  REQUIRE(ack_status == 0);
  REQUIRE(receiver.wait_for_requests(3, 10s));  // "acknowledged by Maria"
  CHECK(find_sample(daemon.scrape(), "floorwatch_alerts_firing", {{"rule", "CallersWaiting"}}) ==
        1);

  // CallersWaiting leaves the config; the caller is still waiting.
  daemon.rewrite_config(alerts_config(receiver.url("/floor"), kNobodyAvailableRule));
  daemon.process().signal(SIGHUP);
  REQUIRE(daemon.process().wait_for("config reloaded applied=", 10s));

  // The webhook that heard "firing" hears "resolved" for that alert, and why.
  INFO(daemon.process().output());
  REQUIRE(receiver.wait_for_requests(4, 10s));
  const nlohmann::json resolved = body_of(receiver.requests()[3]);
  CHECK(resolved["status"] == "resolved");
  CHECK(resolved["alert_id"] == removed_id);
  CHECK(resolved["alertname"] == "CallersWaiting");
  CHECK(resolved["tier"] == "floor-lead");
  CHECK(resolved["annotations"]["resolve_reason"] == "rule_removed");
  CHECK(resolved["text"].get<std::string>().starts_with("[RESOLVED, rule removed"));
  CHECK_FALSE(resolved["ends_at"].is_null());
  CHECK(daemon.process().wait_for("alert " + std::to_string(removed_id) +
                                      " firing -> resolved rule=CallersWaiting "
                                      "queue=sales reason=rule_removed",
                                  1s));

  // floorwatchctl: in the history with its reason; the kept alert keeps firing, acknowledged.
  const nlohmann::json after = alerts_json(daemon);
  REQUIRE(after["alerts"].size() == 1);
  CHECK(after["alerts"][0]["id"] == kept_id);
  CHECK(after["alerts"][0]["state"] == "acknowledged");
  CHECK(after["alerts"][0]["acknowledged_by"] == "Maria");
  const auto* history = alert_of(after["resolved"], "CallersWaiting");
  REQUIRE(history);
  CHECK((*history)["id"] == removed_id);
  CHECK((*history)["state"] == "resolved");
  CHECK((*history)["resolve_reason"] == "rule_removed");
  auto [table_status, table] =
      run_command({ctl_binary(), "alerts", "--resolved", "--control", daemon.control()}, 10s);
  CHECK(table_status == 0);
  CHECK(table.find("rule_removed") != std::string::npos);

  // /metrics: no longer firing, its end counted next to its start, the kept one still firing.
  const auto samples = daemon.scrape();
  const auto still_firing =
      find_sample(samples, "floorwatch_alerts_firing", {{"rule", "CallersWaiting"}});
  CHECK((!still_firing || *still_firing == 0));
  CHECK(find_sample(samples, "floorwatch_alerts_firing", {{"rule", "NobodyAvailable"}}) == 1);
  CHECK(find_sample(samples, "floorwatch_alert_transitions_total",
                    {{"rule", "CallersWaiting"}, {"to", "firing"}}) == 1);
  CHECK(find_sample(samples, "floorwatch_alert_transitions_total",
                    {{"rule", "CallersWaiting"}, {"to", "resolved"}}) == 1);
  // The old config's notifier delivered the notice; its count joins the new one's.
  CHECK(metric_reaches(daemon, "floorwatch_notifications_delivered_total",
                       {{"notifier", "floor-chat"}}, 4));
  CHECK(daemon.process().wait_for("notifiers of a previous config retired floor-chat:delivered=4",
                                  5s));

  // Nothing is re-sent: the kept alert is acknowledged, the removed one already resolved.
  std::this_thread::sleep_for(300ms);
  CHECK(receiver.requests().size() == 4);

  SECTION("a config with no alert rules at all resolves the rest, and the history stays") {
    daemon.rewrite_config(kNoAlerts);
    daemon.process().signal(SIGHUP);
    REQUIRE(daemon.process().wait_for("config reloaded[\\s\\S]*config reloaded", 10s));
    REQUIRE(receiver.wait_for_requests(5, 10s));
    const nlohmann::json last = body_of(receiver.requests()[4]);
    CHECK(last["status"] == "resolved");
    CHECK(last["alert_id"] == kept_id);
    CHECK(last["annotations"]["resolve_reason"] == "rule_removed");
    CHECK(last["annotations"]["acknowledged_by"] == "Maria");

    const nlohmann::json listed = alerts_json(daemon);
    CHECK(listed["alerts"].empty());
    REQUIRE(listed["resolved"].size() == 2);
    for (const auto& alert : listed["resolved"]) CHECK(alert["resolve_reason"] == "rule_removed");
    CHECK_FALSE(find_sample(daemon.scrape(), "floorwatch_alerts_firing", {}).value_or(0) > 0);
    CHECK(find_sample(daemon.scrape(), "floorwatch_alert_transitions_total",
                      {{"rule", "NobodyAvailable"}, {"to", "resolved"}}) == 1);
  }

  daemon.process().signal(SIGTERM);
  CHECK(daemon.process().wait_exit(10s) == 0);
}

TEST_CASE("a hung receiver delays neither the reload that retires its notifier nor SIGTERM",
          "[integration][reload][alerts]") {
  HttpReceiver receiver({}, 200, HttpReceiver::Mode::Hang);
  TempDir dir;
  // Each attempt hangs until its 1 s timeout; two attempts per notice.
  const std::string settings = ", timeout: 1s, max_attempts: 2, backoff: 100ms";
  RunningDaemon daemon(dir, alerts_config(receiver.url("/floor"), kCallersWaitingRule, settings));
  const auto [status, output] =
      send_jsonl(daemon.ingest(), dir.write("events.jsonl", paused_agent_and_caller()));
  REQUIRE(status == 0);
  REQUIRE(receiver.wait_for_requests(1, 10s));  // "firing", now hanging

  daemon.rewrite_config(kNoAlerts);
  const auto signalled = std::chrono::steady_clock::now();
  daemon.process().signal(SIGHUP);
  REQUIRE(daemon.process().wait_for("config reloaded applied=", 10s));
  CHECK(std::chrono::steady_clock::now() - signalled < 500ms);
  CHECK(alerts_json(daemon)["resolved"][0]["resolve_reason"] == "rule_removed");

  // The retiring notifier gives "firing" its second attempt, then sends "resolved" (hangs too).
  REQUIRE(receiver.wait_for_requests(3, 10s));
  CHECK(body_of(receiver.requests()[2])["status"] == "resolved");

  const auto stopping = std::chrono::steady_clock::now();
  daemon.process().signal(SIGTERM);
  CHECK(daemon.process().wait_exit(10s) == 0);
  // At most the attempt in flight (1 s timeout) is waited for; the retry is abandoned.
  CHECK(std::chrono::steady_clock::now() - stopping < 3s);
}
