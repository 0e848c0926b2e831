// SIGHUP with a real floorwatchd: new targets and rules take effect without losing the live
// state, a bad file is rejected with FILE:LINE and the old config stays, and systemd hears
// READY / RELOADING / STOPPING over a real NOTIFY_SOCKET datagram socket.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <poll.h>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const std::string kBefore =
    "timezone: UTC\n"
    "queues:\n"
    "  sales:\n"
    "    answer_target_seconds: 20\n";

// Same queue with a longer target and a rule that fires while anybody waits.
const std::string kAfter =
    "timezone: UTC\n"
    "queues:\n"
    "  sales:\n"
    "    answer_target_seconds: 60\n"
    "alerts:\n"
    "  notifiers:\n"
    "    log: {type: log}\n"
    "  escalation_policies:\n"
    "    floor: [{name: lead, notifiers: [log]}]\n"
    "  rules:\n"
    "    - name: CallersWaiting\n"
    "      expr: calls_waiting > 0\n"
    "      severity: warning\n"
    "      escalation: floor\n";

// T0 = 2026-11-24T09:00:00Z. c1 waits 30 s and is answered (over the 20 s target); c2 enqueued
// at T0+1 is still waiting when the latest event (T0+40) sets the event clock: oldest wait 39 s.
std::string scenario() {
  const long t0 = 1795510800000;
  auto at = [&](int seconds) { return std::to_string(t0 + seconds * 1000L); };
  return R"({"ts":)" + at(0) +
         R"(,"type":"agent_state","agent":"a1","state":"available","queues":["sales"]})"
         "\n"
         R"({"ts":)" +
         at(0) + R"(,"type":"call_enqueued","call":"c1","queue":"sales"})" + "\n" + R"({"ts":)" +
         at(1) + R"(,"type":"call_enqueued","call":"c2","queue":"sales"})" + "\n" + R"({"ts":)" +
         at(30) + R"(,"type":"call_answered","call":"c1","agent":"a1"})" + "\n" + R"({"ts":)" +
         at(40) + R"(,"type":"agent_state","agent":"a2","state":"paused","queues":["sales"]})" +
         "\n";
}

double value(const RunningDaemon& daemon, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  const auto found = find_sample(daemon.scrape(), name, labels);
  if (!found) FAIL("no sample " << name);
  return *found;
}

// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("bind " + path);
  }
  ~NotifySocket() { ::close(fd_); }
  // Collects datagrams until one contains `wanted` or the timeout passes; all received text.
  std::string wait_for(const std::string& wanted, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) received_ += std::string(buffer, static_cast<std::size_t>(n)) + "\n--\n";
      if (received_.find(wanted) != std::string::npos) break;
    }
    return received_;
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::string received_;
};

}  // namespace

TEST_CASE("SIGHUP applies new targets and rules and keeps every caller, agent and count",
          "[integration][reload]") {
  TempDir dir;
  NotifySocket systemd(dir.file("notify"));
  setenv("NOTIFY_SOCKET", dir.file("notify").c_str(), 1);
  RunningDaemon daemon(dir, kBefore);
  unsetenv("NOTIFY_SOCKET");
  CHECK(systemd.wait_for("READY=1", 5s).find("READY=1") != std::string::npos);

  const auto [status, output] = send_jsonl(daemon.ingest(), dir.write("events.jsonl", scenario()));
  REQUIRE(status == 0);
  const std::map<std::string, std::string> sales{{"queue", "sales"}};
  CHECK(value(daemon, "floorwatch_queue_answer_target_seconds", sales) == 20);
  CHECK(value(daemon, "floorwatch_queue_offered_total", sales) == 2);
  CHECK(value(daemon, "floorwatch_queue_oldest_wait_seconds", sales) == 39);
  CHECK(value(daemon, "floorwatch_config_last_reload_successful") == 1);
  CHECK_FALSE(find_sample(daemon.scrape(), "floorwatch_alerts_firing"));

  daemon.rewrite_config(kAfter);
  daemon.process().signal(SIGHUP);
  REQUIRE(daemon.process().wait_for("config reloaded applied=", 10s));
  CHECK(systemd.wait_for("RELOADING=1", 5s).find("RELOADING=1") != std::string::npos);

  // New target in force; the waiting caller keeps the enqueue time it had before the reload.
  CHECK(value(daemon, "floorwatch_queue_answer_target_seconds", sales) == 60);
  CHECK(value(daemon, "floorwatch_queue_offered_total", sales) == 2);
  CHECK(value(daemon, "floorwatch_queue_answered_total", sales) == 1);
  CHECK(value(daemon, "floorwatch_queue_calls_waiting", sales) == 1);
  CHECK(value(daemon, "floorwatch_queue_oldest_wait_seconds", sales) == 39);
  CHECK(value(daemon, "floorwatch_queue_agents", {{"queue", "sales"}, {"state", "paused"}}) == 1);
  CHECK(value(daemon, "floorwatch_config_reloads_total", {{"result", "success"}}) == 1);
  // The rule added by the reload fires on the state that was already there.
  REQUIRE(daemon.process().wait_for("CallersWaiting queue=sales", 10s));
  CHECK(value(daemon, "floorwatch_alerts_firing", {{"rule", "CallersWaiting"}}) == 1);

  // A broken file: rejected with file and line, counted, and the running config stays.
  daemon.rewrite_config("timezone: UTC\nqueues:\n  sales:\n    answer_target_seconds: -5\n");
  daemon.process().signal(SIGHUP);
  const auto rejected = daemon.process().wait_for(
      R"(config reload rejected, the previous config stays in force: (\S+):(\d+): )"
      R"(queues\.sales\.answer_target_seconds)",
      10s);
  REQUIRE(rejected);
  CHECK((*rejected)[1].str().ends_with("floorwatch.yaml"));
  CHECK((*rejected)[2] == "15");  // 11 lines of listen settings, then this file's 4th line
  CHECK(value(daemon, "floorwatch_config_reloads_total", {{"result", "failure"}}) == 1);
  CHECK(value(daemon, "floorwatch_config_last_reload_successful") == 0);
  CHECK(value(daemon, "floorwatch_queue_answer_target_seconds", sales) == 60);
  CHECK(value(daemon, "floorwatch_alerts_firing", {{"rule", "CallersWaiting"}}) == 1);
  CHECK(daemon.process().running());

  daemon.process().signal(SIGTERM);
  CHECK(daemon.process().wait_exit(10s) == 0);
  CHECK(systemd.wait_for("STOPPING=1", 2s).find("STOPPING=1") != std::string::npos);
}

TEST_CASE("a reload that changes a bound address keeps the running one and says so",
          "[integration][reload]") {
  TempDir dir;
  RunningDaemon daemon(dir, kBefore);
  // Listen settings are generated by the fixture; replace them by a different metrics port.
  std::ofstream(dir.file("floorwatch.yaml"), std::ios::trunc)
      << "site: testsite\ndaemon_id: test-daemon\ningest:\n  bind: tcp://127.0.0.1:*\n"
         "control:\n  bind: tcp://127.0.0.1:*\n"
         "feed:\n  bind: tcp://127.0.0.1:*\n  publish: tcp://127.0.0.1:*\n"
         "metrics:\n  listen: 127.0.0.1:1\n"
      << kBefore;
  daemon.process().signal(SIGHUP);
  REQUIRE(daemon.process().wait_for(
      "config reload: metrics.listen changed but only take effect after a restart", 10s));
  // Still scraped where it was.
  CHECK(value(daemon, "floorwatch_config_reloads_total", {{"result", "success"}}) == 1);
}
