// What a SIGHUP may change at once and what waits for a restart (daemon/config_reload).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "daemon/config.h"
#include "daemon/config_reload.h"
#include "daemon/systemd_notify.h"

using namespace floorwatch::daemon;

namespace {

DaemonConfig parse(const std::string& text) {
  return parse_config(text, "floorwatch.yaml");
}

bool contains(const std::vector<std::string>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

TEST_CASE("a reload applies queues, calendar and rules, and defers sockets and state files",
          "[daemon][reload]") {
  const DaemonConfig running = parse(
      "site: north\ningest: {bind: tcp://127.0.0.1:5570}\ntimezone: UTC\n"
      "queues: {sales: {answer_target_seconds: 20}}\nstate: {path: /tmp/a.db}\n");

  SECTION("new targets and a new time zone are applied, nothing needs a restart") {
    const DaemonConfig next = parse(
        "site: north\ningest: {bind: tcp://127.0.0.1:5570}\ntimezone: Europe/Stockholm\n"
        "queues: {sales: {answer_target_seconds: 60}, support: {}}\nstate: {path: /tmp/a.db}\n");
    const ReloadPlan plan = plan_reload(running, next);
    CHECK(contains(plan.applied, "queues"));
    CHECK(contains(plan.applied, "timezone"));
    CHECK(plan.needs_restart.empty());
    const DaemonConfig in_force = config_in_force(running, next);
    CHECK(in_force.floor.queues.at("sales").answer_target == floorwatch::core::Duration{60'000});
    CHECK(in_force.floor.time_zone == "Europe/Stockholm");
  }

  SECTION("a new call-back bound is applied without a restart") {
    const DaemonConfig next = parse(
        "site: north\ningest: {bind: tcp://127.0.0.1:5570}\ntimezone: UTC\n"
        "queues: {sales: {answer_target_seconds: 20}}\nstate: {path: /tmp/a.db}\n"
        "callbacks: {max_open: 50}\n");
    const ReloadPlan plan = plan_reload(running, next);
    CHECK(contains(plan.applied, "callbacks"));
    CHECK(plan.needs_restart.empty());
    CHECK(config_in_force(running, next).floor.callbacks_max_open == 50);
  }

  SECTION("a new bind address, site or state path is reported and the running one kept") {
    const DaemonConfig next = parse(
        "site: south\ningest: {bind: tcp://0.0.0.0:6000}\ntimezone: UTC\n"
        "queues: {sales: {answer_target_seconds: 20}}\nstate: {path: /tmp/b.db}\n");
    const ReloadPlan plan = plan_reload(running, next);
    CHECK(contains(plan.needs_restart, "site"));
    CHECK(contains(plan.needs_restart, "ingest.bind"));
    CHECK(contains(plan.needs_restart, "state.path"));
    CHECK_FALSE(contains(plan.applied, "queues"));
    const DaemonConfig in_force = config_in_force(running, next);
    CHECK(in_force.site == "north");
    CHECK(in_force.ingest_bind == "tcp://127.0.0.1:5570");
    CHECK(in_force.state.path == "/tmp/a.db");
  }
}

TEST_CASE("systemd notifications are datagrams on NOTIFY_SOCKET, abstract names included",
          "[daemon][systemd]") {
  const std::string name = "floorwatch-notify-test-" + std::to_string(::getpid());
  const int receiver = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path + 1, name.data(), name.size());  // abstract: leading NUL
  REQUIRE(::bind(receiver, reinterpret_cast<sockaddr*>(&address),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())) == 0);
  auto receive = [&] {
    char buffer[512];
    const ssize_t n = ::recv(receiver, buffer, sizeof buffer, MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  };

  SystemdNotifier notifier("@" + name, "2000000");
  REQUIRE(notifier.enabled());
  CHECK(notifier.watchdog_period() == std::chrono::microseconds(2'000'000));
  notifier.ready("up");
  CHECK(receive() == "READY=1\nSTATUS=up");
  const auto start = std::chrono::steady_clock::now();
  notifier.watchdog(start);
  CHECK(receive() == "WATCHDOG=1");
  notifier.watchdog(start + std::chrono::milliseconds(500));  // less than half the period
  CHECK(receive().empty());
  notifier.watchdog(start + std::chrono::milliseconds(1000));
  CHECK(receive() == "WATCHDOG=1");
  notifier.stopping();
  CHECK(receive() == "STOPPING=1");
  ::close(receiver);

  SystemdNotifier outside_systemd("", "");
  CHECK_FALSE(outside_systemd.enabled());
  CHECK_FALSE(outside_systemd.send("READY=1"));
}
