// An HA pair as a user would run it: two floorwatchd fed by one collector that fans out to
// both, each sending to every instance of a real three-instance Alertmanager cluster that
// routes to one HTTP receiver. One breach must page once per tier; an ack on one daemon must
// stop the other's escalation; a daemon killed mid-breach must change nothing; once both are
// gone, Alertmanager ends their alerts by itself.
#include <catch2/catch.hpp>

#include <csignal>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/http_receiver.h"
#include "integration/floor_fixture.h"
#include "support/alertmanager.h"
#include "support/wait.h"
#include "support/wall_clock.h"
#include "support/webhook_alerts.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// Fires 2 s into a wait; the supervisor hears 4 s later unless someone acknowledges.
std::string pair_config(const std::vector<std::string>& alertmanagers, const std::string& peer) {
  std::string urls;
  for (const std::string& url : alertmanagers) urls += (urls.empty() ? "" : ", ") + url;
  return "queues:\n  sales: {}\n  billing: {}\n  support: {}\n"
         "ha:\n  peer: " +
         peer +
         "\n"
         "alerts:\n"
         "  notifiers:\n"
         "    am: {type: alertmanager, urls: [" +
         urls +
         "], backoff: 100ms, resend: 2s}\n"
         "  escalation_policies:\n"
         "    default:\n"
         "      - {name: floor-lead, after: 0s, notifiers: [am]}\n"
         "      - {name: supervisor, after: 4s, notifiers: [am]}\n"
         "  rules:\n" +
         oldest_wait_rule(2);
}

std::string enqueue(const std::string& call, const std::string& queue) {
  return "{\"ts\":" + std::to_string(wall_clock_ms()) + ",\"type\":\"call_enqueued\",\"call\":\"" +
         call + "\",\"queue\":\"" + queue + "\"}\n";
}

// Notifications the receiver got, by "queue/tier".
std::map<std::string, int> pages(const HttpReceiver& receiver) {
  std::map<std::string, int> count;
  for (const auto& request : receiver.requests()) {
    const auto body = nlohmann::json::parse(request.body);
    for (const auto& alert : body["alerts"])
      ++count[alert["labels"].value("queue", "") + "/" + alert["labels"].value("tier", "")];
  }
  return count;
}

nlohmann::json alert_on(const RunningDaemon& daemon, const std::string& queue) {
  const auto listed = alerts_json(daemon);
  for (const auto& alert : listed["alerts"])
    if (alert["labels"]["queue"] == queue) return alert;
  return nullptr;
}

}  // namespace

TEST_CASE("an HA pair pages once per tier, shares acks, and survives losing a daemon",
          "[integration][ha][alertmanager]") {
  if (!alertmanager_installed()) {
    WARN("prometheus-alertmanager is not installed (scripts/install-deps): skipped");
    return;
  }
  HttpReceiver receiver;
  TempDir am_dir, dir_a, dir_b, events;
  Alertmanagers cluster(am_dir, 3, {.webhook_url = receiver.url("/pages")});
  const int control_a = closed_port(), control_b = closed_port();
  RunningDaemon fw_a(dir_a, DaemonIdentity{"testsite", "fw-a", loopback_endpoint(control_a)},
                     pair_config(cluster.urls(), loopback_endpoint(control_b)), "wall");
  RunningDaemon fw_b(dir_b, DaemonIdentity{"testsite", "fw-b", loopback_endpoint(control_b)},
                     pair_config(cluster.urls(), loopback_endpoint(control_a)), "wall");
  const auto send = [&](const std::string& name, const std::string& lines) {
    const auto [status, output] =
        run_command({collector_binary(), "jsonl", "--endpoint", fw_a.ingest(), "--endpoint",
                     fw_b.ingest(), "--file", events.write(name, lines), "--source-id", "acd"},
                    20s);
    INFO(output);
    REQUIRE(status == 0);
  };

  // Two breaches at once: nobody answers sales; billing is acknowledged on fw-a.
  send("breach.jsonl", enqueue("c1", "sales") + enqueue("c2", "billing"));
  REQUIRE(wait_until([&] { return pages(receiver).size() == 2; }, 10s));
  const nlohmann::json billing = alert_on(fw_a, "billing");
  REQUIRE(billing.is_object());
  const auto [ack_status, ack_output] =
      run_command({ctl_binary(), "ack", std::to_string(billing["id"].get<long>()), "--by", "maria",
                   "--control", fw_a.control()},
                  10s);
  INFO(ack_output);
  REQUIRE(ack_status == 0);
  // fw-b hears of it from fw-a: its own alert for billing is acknowledged by maria.
  REQUIRE(wait_until(
      [&] {
        const auto alert = alert_on(fw_b, "billing");
        return alert.is_object() && alert["state"] == "acknowledged";
      },
      3s));
  CHECK(alert_on(fw_b, "billing")["acknowledged_by"] == "maria");

  // Sales escalates to the supervisor, once, from the pair; billing never does.
  REQUIRE(wait_until([&] { return pages(receiver).count("sales/supervisor") == 1; }, 10s));

  // A third breach, and fw-a dies right after its first page: fw-b carries on alone.
  send("support.jsonl", enqueue("c3", "support"));
  REQUIRE(wait_until([&] { return pages(receiver).count("support/floor-lead") == 1; }, 10s));
  fw_a.process().signal(SIGKILL);
  REQUIRE(wait_until([&] { return pages(receiver).count("support/supervisor") == 1; }, 10s));

  // Long enough for every instance of the cluster to have paged, had it not deduplicated.
  std::this_thread::sleep_for(3s);
  INFO(cluster.output());
  CHECK(pages(receiver) == std::map<std::string, int>{{"billing/floor-lead", 1},
                                                      {"sales/floor-lead", 1},
                                                      {"sales/supervisor", 1},
                                                      {"support/floor-lead", 1},
                                                      {"support/supervisor", 1}});
  // Alertmanager holds one alert per queue and tier, not one per daemon.
  CHECK(alertmanager_alerts(cluster.web_port(2), "OldestWaitTooLong", "sales").size() == 2);

  // With both daemons gone nobody re-sends: the alerts end at their endsAt (4 x resend).
  fw_b.process().signal(SIGKILL);
  CHECK(wait_until(
      [&] {
        return alertmanager_alerts(cluster.web_port(0), "OldestWaitTooLong", "sales").empty();
      },
      15s));
}
