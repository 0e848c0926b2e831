// Notifiers against a real HTTP receiver on loopback: payload shapes, retries with backoff,
// a receiver that is down or hung (failures counted, evaluation never blocked), overflow.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"
#include "alerts/http_receiver.h"
#include "alerts/notifiers/alertmanager_notifier.h"
#include "alerts/notifiers/dispatcher.h"
#include "alerts/notifiers/log_notifier.h"
#include "alerts/notifiers/webhook_notifier.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const NotifierContext kContext{"stockholm", "fw-a", "http://127.0.0.1:9464/metrics"};

Notification firing_notification() {
  Notification notification;
  notification.kind = NotificationKind::Firing;
  notification.alert_id = 7;
  notification.fingerprint = "5e1f0c2a9b3d4e7f";
  notification.labels = {
      {"alertname", "OldestWaitOver90s"}, {"queue", "sales"}, {"severity", "critical"}};
  notification.annotations = {{"summary", "OldestWaitOver90s on queue sales"},
                              {"values", "oldest_wait_seconds=90.001"},
                              {"expression", "oldest_wait_seconds > 90"}};
  notification.severity = Severity::Critical;
  notification.policy = "default";
  notification.tier_index = 1;
  notification.tier = "supervisor";
  notification.notifiers = {"hook"};
  notification.starts_at = kMonday9Utc;
  notification.at = kMonday9Utc + 3min;
  return notification;
}

NotificationDispatcher::Registration webhook(const std::string& url, RetryPolicy retry,
                                             std::chrono::milliseconds timeout = 2s) {
  return {"hook", std::make_unique<WebhookNotifier>(url, kContext, timeout), retry};
}

std::vector<NotificationDispatcher::Registration> one(NotificationDispatcher::Registration r) {
  std::vector<NotificationDispatcher::Registration> all;
  all.push_back(std::move(r));
  return all;
}

const RetryPolicy kFastRetry{3, 10ms, 40ms};

}  // namespace

TEST_CASE("webhook posts Slack/Teams-compatible text plus the structured alert",
          "[alerts][notifiers]") {
  HttpReceiver receiver;
  NotificationDispatcher dispatcher(one(webhook(receiver.url("/hooks/floor"), kFastRetry)), 10);
  dispatcher.submit(firing_notification());
  REQUIRE(dispatcher.wait_until_idle(5s));

  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].request_line == "POST /hooks/floor HTTP/1.1");
  CHECK(requests[0].headers.find("Content-Type: application/json") != std::string::npos);
  const auto body = nlohmann::json::parse(requests[0].body);
  CHECK(body["text"] ==
        "[FIRING] critical OldestWaitOver90s on queue sales (oldest_wait_seconds=90.001) "
        "[tier supervisor, alert 7]");
  CHECK(body["status"] == "firing");
  CHECK(body["alert_id"] == 7);
  CHECK(body["alertname"] == "OldestWaitOver90s");
  CHECK(body["subject"] == "queue sales");
  CHECK(body["tier"] == "supervisor");
  CHECK(body["labels"]["queue"] == "sales");
  CHECK(body["starts_at"] == "2026-11-23T09:00:00.000Z");
  CHECK(body["ends_at"].is_null());
  CHECK(body["site"] == "stockholm");
  const auto counters = dispatcher.counters().front();
  CHECK(counters.delivered == 1);
  CHECK(counters.failed_attempts == 0);
}

TEST_CASE("a failing receiver is retried with backoff until it answers", "[alerts][notifiers]") {
  HttpReceiver receiver({503, 500}, 200);
  NotificationDispatcher dispatcher(one(webhook(receiver.url("/hook"), kFastRetry)), 10);
  dispatcher.submit(firing_notification());
  REQUIRE(dispatcher.wait_until_idle(5s));
  CHECK(receiver.requests().size() == 3);
  const auto counters = dispatcher.counters().front();
  CHECK(counters.delivered == 1);
  CHECK(counters.failed_attempts == 2);
  CHECK(counters.retries == 2);
  CHECK(counters.given_up == 0);
}

TEST_CASE("a permanent refusal (4xx) is not retried", "[alerts][notifiers]") {
  HttpReceiver receiver({}, 400);
  NotificationDispatcher dispatcher(one(webhook(receiver.url("/hook"), kFastRetry)), 10);
  dispatcher.submit(firing_notification());
  REQUIRE(dispatcher.wait_until_idle(5s));
  CHECK(receiver.requests().size() == 1);
  const auto counters = dispatcher.counters().front();
  CHECK(counters.failed_attempts == 1);
  CHECK(counters.given_up == 1);
  CHECK(counters.last_error.starts_with("HTTP 400"));
}

TEST_CASE("a receiver that is down is counted and retried, and evaluation never waits for it",
          "[alerts][notifiers]") {
  const std::string down_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/hook";
  NotificationDispatcher dispatcher(one(webhook(down_url, RetryPolicy{4, 20ms, 80ms})), 100);

  // The engine pages on every new queue; a real evaluation loop submits as it goes.
  AlertEngine engine(config(kNotifiersAndPolicy + R"(
rules:
  - name: QueueBuilding
    expr: calls_waiting > 10
)"));
  Floor floor;
  const auto started = std::chrono::steady_clock::now();
  std::size_t submitted = 0;
  for (int i = 0; i < 20; ++i) {
    floor.waiting("queue-" + std::to_string(i), 20, kMonday9Utc);
    auto result = engine.evaluate(floor.at(kMonday9Utc + std::chrono::seconds(i)), {},
                                  kMonday9Utc + std::chrono::seconds(i));
    for (Notification& notification : result.notifications) {
      notification.notifiers = {"hook"};
      dispatcher.submit(notification);
      ++submitted;
    }
  }
  const auto loop_time = std::chrono::steady_clock::now() - started;
  REQUIRE(submitted == 20);
  // 20 deliveries x (4 attempts + 140 ms of backoff) take seconds; the loop must not notice.
  CHECK(loop_time < 200ms);

  REQUIRE(dispatcher.wait_until_idle(30s));
  const auto counters = dispatcher.counters().front();
  CHECK(counters.delivered == 0);
  CHECK(counters.failed_attempts == 80);
  CHECK(counters.retries == 60);
  CHECK(counters.given_up == 20);
  CHECK(counters.last_error.find("Connection refused") != std::string::npos);
}

TEST_CASE("a hung receiver times out; its queue overflows by dropping the oldest, counted",
          "[alerts][notifiers]") {
  HttpReceiver receiver({}, 200, HttpReceiver::Mode::Hang);
  NotificationDispatcher dispatcher(
      one(webhook(receiver.url("/hook"), RetryPolicy{1, 10ms, 10ms}, 300ms)), 2);
  dispatcher.submit(firing_notification());
  REQUIRE(receiver.wait_for_requests(1, 5s));  // now in flight, waiting for an answer
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) dispatcher.submit(firing_notification());
  CHECK(std::chrono::steady_clock::now() - started < 50ms);
  REQUIRE(dispatcher.wait_until_idle(10s));
  const auto counters = dispatcher.counters().front();
  // One in flight when the rest arrived; the queue kept the newest 2 of the other 4.
  CHECK(counters.dropped == 2);
  CHECK(counters.given_up == 3);
  CHECK(counters.last_error.find("timed out") != std::string::npos);
}

TEST_CASE("Alertmanager notifier posts the v2 alert array", "[alerts][notifiers]") {
  HttpReceiver receiver;
  std::vector<NotificationDispatcher::Registration> registrations;
  registrations.push_back(
      {"am",
       std::make_unique<AlertmanagerNotifier>(std::vector<std::string>{receiver.url("/")}, kContext,
                                              "http://fw-a:9464/alerts", 2s),
       kFastRetry});
  NotificationDispatcher dispatcher(std::move(registrations), 10);
  Notification firing = firing_notification();
  firing.notifiers = {"am"};
  Notification resolved = firing;
  resolved.kind = NotificationKind::Resolved;
  resolved.ends_at = kMonday9Utc + 4min;
  dispatcher.submit(firing);
  dispatcher.submit(resolved);
  REQUIRE(dispatcher.wait_until_idle(5s));

  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].request_line == "POST /api/v2/alerts HTTP/1.1");
  const auto alerts = nlohmann::json::parse(requests[0].body);
  REQUIRE(alerts.is_array());
  REQUIRE(alerts.size() == 1);
  const auto& alert = alerts[0];
  CHECK(alert["labels"] == nlohmann::json{{"alertname", "OldestWaitOver90s"},
                                          {"queue", "sales"},
                                          {"severity", "critical"},
                                          {"tier", "supervisor"},
                                          {"site", "stockholm"}});
  CHECK(alert["annotations"]["summary"] == "OldestWaitOver90s on queue sales");
  CHECK(alert["annotations"]["values"] == "oldest_wait_seconds=90.001");
  CHECK(alert["startsAt"] == "2026-11-23T09:00:00.000Z");
  CHECK(alert["annotations"]["floorwatch_alert_id"] == "5e1f0c2a9b3d4e7f");
  // Still firing: valid for four resend intervals (1 min by default) after it was sent.
  CHECK(alert["endsAt"] == "2026-11-23T09:07:00.000Z");
  CHECK(alert["generatorURL"] == "http://fw-a:9464/alerts");
  const auto resolved_alert = nlohmann::json::parse(requests[1].body)[0];
  CHECK(resolved_alert["endsAt"] == "2026-11-23T09:04:00.000Z");
}

TEST_CASE("log notifier writes one line per notification", "[alerts][notifiers]") {
  std::vector<std::string> lines;
  LogNotifier notifier([&](const std::string& line) { lines.push_back(line); });
  CHECK(notifier.deliver(firing_notification()).delivered);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("alert 7 firing tier=supervisor alertname=OldestWaitOver90s"));
  CHECK(lines[0].find("summary=\"OldestWaitOver90s on queue sales\"") != std::string::npos);
}

TEST_CASE("notifiers built from config, unknown names counted", "[alerts][notifiers]") {
  HttpReceiver receiver;
  const AlertsConfig config =
      parse_alerts_config_text("notifiers:\n  hook: {type: webhook, url: \"" + receiver.url("/h") +
                                   "\", backoff: 10ms, max_backoff: 20ms}\n  log: {type: log}\n",
                               "test.yaml");
  std::vector<std::string> lines;
  auto dispatcher =
      make_dispatcher(config, kContext, [&](const std::string& line) { lines.push_back(line); });
  Notification notification = firing_notification();
  notification.notifiers = {"hook", "log", "pager"};
  dispatcher->submit(notification);
  REQUIRE(dispatcher->wait_until_idle(5s));
  CHECK(receiver.requests().size() == 1);
  CHECK(lines.size() == 1);
  CHECK(dispatcher->unknown_notifier_drops() == 1);
}

TEST_CASE("http:// URLs only", "[alerts][notifiers]") {
  const auto url = parse_http_url("http://127.0.0.1:9093/prefix/");
  REQUIRE(url);
  CHECK(url->host == "127.0.0.1");
  CHECK(url->port == "9093");
  CHECK(url->path == "/prefix/");
  CHECK(parse_http_url("http://[::1]:8080")->host == "::1");
  CHECK(parse_http_url("http://example.org")->port == "80");
  CHECK_FALSE(parse_http_url("https://example.org"));
  CHECK_FALSE(parse_http_url("http://:80/"));
}

TEST_CASE("an Alertmanager notifier posts every notice to every instance of a cluster",
          "[alerts][notifiers][ha]") {
  HttpReceiver first, second;
  const std::string down = "http://127.0.0.1:" + std::to_string(closed_port());
  AlertmanagerNotifier notifier({first.url("/"), down, second.url("/")}, kContext, "", 2s);
  Notification firing = firing_notification();

  SECTION("delivered once an instance accepted it; the one that is down is named") {
    const DeliveryOutcome outcome = notifier.deliver(firing);
    CHECK(outcome.delivered);
    REQUIRE(first.requests().size() == 1);
    REQUIRE(second.requests().size() == 1);
    CHECK(first.requests()[0].body == second.requests()[0].body);
  }
  SECTION("failed, and worth retrying, only when every instance failed") {
    AlertmanagerNotifier all_down({down}, kContext, "", 2s);
    const DeliveryOutcome outcome = all_down.deliver(firing);
    CHECK_FALSE(outcome.delivered);
    CHECK(outcome.retryable);
    CHECK(outcome.error.find("127.0.0.1:") != std::string::npos);
  }
  SECTION("a refresh goes to Alertmanager but not to people") {
    firing.kind = NotificationKind::Refresh;
    CHECK(notifier.deliver(firing).delivered);
    CHECK(first.requests().size() == 1);
    HttpReceiver hook;
    WebhookNotifier webhook_notifier(hook.url("/hook"), kContext, 2s);
    CHECK(webhook_notifier.deliver(firing).delivered);
    CHECK(hook.requests().empty());
  }
}

TEST_CASE("an alertmanager notifier takes urls: for a cluster, or url:",
          "[alerts][notifiers][ha]") {
  const auto parsed = config(R"(
notifiers:
  am: {type: alertmanager, urls: ["http://am-1:9093", "http://am-2:9093"], resend: 30s}
  one: {type: alertmanager, url: "http://am-1:9093"}
escalation_policies:
  default:
    - {name: floor-lead, notifiers: [am, one]}
rules:
  - {name: Waiting, expr: calls_waiting > 0}
)");
  CHECK(instance_urls(parsed.notifiers[0]) ==
        std::vector<std::string>{"http://am-1:9093", "http://am-2:9093"});
  CHECK(parsed.notifiers[0].resend == 30s);
  CHECK(instance_urls(parsed.notifiers[1]) == std::vector<std::string>{"http://am-1:9093"});
  CHECK_THROWS_WITH(config(R"(
notifiers:
  hook: {type: webhook, urls: ["http://a:1"]}
)"),
                    Catch::Contains("only an alertmanager notifier takes urls"));
}
