// Against a real prometheus-alertmanager (Debian package) started on loopback: an alert the
// engine fires shows up in Alertmanager's API with its tier, and disappears once resolved.
// Also checks the example routing config with amtool.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"
#include "alerts/http_receiver.h"
#include "alerts/notifiers/dispatcher.h"
#include "floorwatch/core/clock.h"
#include "support/alertmanager.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/wait.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAmtool = "/usr/bin/amtool";

}  // namespace

TEST_CASE("an alert fired by the engine appears in a real Alertmanager and resolves",
          "[alerts][integration][alertmanager]") {
  if (!alertmanager_installed()) {
    WARN("prometheus-alertmanager is not installed (scripts/install-deps): skipped");
    return;
  }
  TempDir dir;
  Alertmanagers alertmanager(dir, 1);
  const int port = alertmanager.web_port(0);
  const std::string am_url = alertmanager.urls().front();
  const AlertsConfig config = parse_alerts_config_text(R"(
notifiers:
  am: {type: alertmanager, url: ")" + am_url + R"(", backoff: 100ms}
escalation_policies:
  default:
    - {name: floor-lead, notifiers: [am]}
rules:
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
    severity: critical
)",
                                                       "test.yaml");
  AlertEngine engine(config);
  auto dispatcher = make_dispatcher(config, NotifierContext{"stockholm", "fw-a", am_url});

  // Alertmanager checks startsAt against its own clock, so this test runs on wall time.
  const core::SystemClock clock;
  const core::Timestamp now = clock.now();
  Floor floor;
  floor.waiting("sales", 1, now - 95s);
  auto result = engine.evaluate(floor.at(now), {}, now);
  REQUIRE(transitions_to(result, AlertState::Firing).size() == 1);
  dispatcher->submit(result.notifications);
  REQUIRE(dispatcher->wait_until_idle(10s));
  INFO(alertmanager.output());
  REQUIRE(dispatcher->counters().front().delivered == 1);

  REQUIRE(wait_until(
      [&] { return alertmanager_alerts(port, "OldestWaitOver90s", "sales").size() == 1; }, 10s));
  const auto alert = alertmanager_alerts(port, "OldestWaitOver90s", "sales").front();
  CHECK(alert["labels"]["tier"] == "floor-lead");
  CHECK(alert["labels"]["severity"] == "critical");
  CHECK(alert["labels"]["site"] == "stockholm");
  CHECK(alert["status"]["state"] == "active");
  CHECK(
      alert["annotations"]["values"].get<std::string>().starts_with("oldest_wait_seconds=90.001"));

  floor.nobody_waiting("sales");
  const core::Timestamp later = clock.now();
  result = engine.evaluate(floor.at(later), {}, later);
  REQUIRE(notified(result.notifications) == std::vector<std::string>{"floor-lead:resolved"});
  dispatcher->submit(result.notifications);
  REQUIRE(dispatcher->wait_until_idle(10s));
  CHECK(dispatcher->counters().front().delivered == 2);
  CHECK(wait_until([&] { return alertmanager_alerts(port, "OldestWaitOver90s", "sales").empty(); },
                   10s));
}

TEST_CASE("the example alertmanager.yml routing by tier is valid", "[alerts][integration]") {
  if (::access(kAmtool, X_OK) != 0) {
    WARN("amtool is not installed (prometheus-alertmanager, scripts/install-deps): skipped");
    return;
  }
  const auto [status, output] = run_command(
      {kAmtool, "check-config", std::string(FLOORWATCH_SOURCE_DIR) + "/config/alertmanager.yml"},
      30s);
  INFO(output);
  CHECK(status == 0);
  // The example routes each tier to its own receiver.
  for (const char* tier : {"floor-lead", "supervisor", "operations-manager"}) {
    const auto [route_status, route_output] = run_command(
        {kAmtool, "config", "routes", "test",
         "--config.file=" + std::string(FLOORWATCH_SOURCE_DIR) + "/config/alertmanager.yml",
         std::string("tier=") + tier, "severity=critical", "alertname=OldestWaitOver90s"},
        30s);
    INFO(route_output);
    CHECK(route_status == 0);
    CHECK(route_output.find(tier) != std::string::npos);
  }
}
