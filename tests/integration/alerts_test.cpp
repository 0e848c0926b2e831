// Alerts through the real daemon: a caller crossing the wait threshold raises the alert at that
// instant with no other traffic, the webhook receives it, floorwatchctl lists and acknowledges
// it, and /metrics shows it firing.
#include <catch2/catch.hpp>

#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/http_receiver.h"
#include "integration/floor_fixture.h"
#include "support/wall_clock.h"
#include "support/webhook_alerts.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

TEST_CASE("a waiting caller crossing the threshold fires the alert on time and it can be acked",
          "[integration][alerts]") {
  HttpReceiver receiver;
  TempDir dir;
  // Threshold 2 s instead of 90 s so the test is quick; the mechanism is the same deadline.
  RunningDaemon daemon(
      dir,
      "queues:\n  support: {}\n" + webhook_alerts_yaml(receiver.url("/floor"), oldest_wait_rule(2)),
      "wall");

  // One caller joins now; nothing else happens afterwards.
  const std::int64_t enqueued_at = wall_clock_ms();
  const auto file = dir.write(
      "call.jsonl", "{\"ts\":" + std::to_string(enqueued_at) +
                        ",\"type\":\"call_enqueued\",\"call\":\"c1\",\"queue\":\"support\"}\n");
  auto [status, output] = send_jsonl(daemon.ingest(), file);
  INFO(output);
  REQUIRE(status == 0);

  REQUIRE(receiver.wait_for_requests(1, 10s));
  const std::int64_t notified_after = wall_clock_ms() - enqueued_at;
  INFO("notified " << notified_after << " ms after the caller joined\n"
                   << daemon.process().output());
  CHECK(notified_after >= 2000);  // not before the threshold...
  CHECK(notified_after < 2300);   // ...and at the mark, not at a polling interval later
  const auto notification = nlohmann::json::parse(receiver.requests().front().body);
  CHECK(notification.dump().find("OldestWaitTooLong") != std::string::npos);
  CHECK(notification.contains("text"));  // Slack/Teams-compatible

  const auto listed = alerts_json(daemon);
  REQUIRE(listed["alerts"].size() == 1);
  const auto& alert = listed["alerts"][0];
  CHECK(alert["state"] == "firing");
  CHECK(alert["labels"]["queue"] == "support");
  CHECK(alert["labels"]["severity"] == "critical");

  const auto samples = daemon.scrape();
  CHECK(find_sample(
            samples, "floorwatch_alerts_firing",
            {{"rule", "OldestWaitTooLong"}, {"queue", "support"}, {"severity", "critical"}}) == 1);

  const std::string id = std::to_string(alert["id"].get<long>());
  auto [ack_status, ack_output] =
      run_command({ctl_binary(), "ack", id, "--by", "Maria", "--comment", "calling in two agents",
                   "--control", daemon.control()},
                  10s);
  INFO(ack_output);
  REQUIRE(ack_status == 0);
  auto [after_status, after_output] =
      run_command({ctl_binary(), "alerts", "--control", daemon.control()}, 10s);
  CHECK(after_output.find("acknowledged") != std::string::npos);
  CHECK(after_output.find("Maria") != std::string::npos);

  // Acknowledging an unknown alert is an error naming it.
  auto [bad_status, bad_output] = run_command(
      {ctl_binary(), "ack", "999", "--by", "Maria", "--control", daemon.control()}, 10s);
  CHECK(bad_status == 1);
  CHECK(bad_output.find("999") != std::string::npos);
}
