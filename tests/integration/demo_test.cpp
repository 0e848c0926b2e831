// `make demo` shows the product: the default simulation is a morning that goes wrong, so within
// the first minute an alert fires and pages the floor lead, and the ack the demo explains works.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/binaries.h"
#include "support/process.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Waits until the daemon's log (written by the demo) matches `pattern`; the match or nullopt.
std::optional<std::smatch> wait_in_log(const std::string& log, const std::string& pattern,
                                       std::string& text, std::chrono::seconds timeout) {
  const std::regex re(pattern);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    text = read_file(log);
    std::smatch match;
    if (std::regex_search(text, match, re)) return match;
    std::this_thread::sleep_for(100ms);
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("make demo plays a morning that breaches, pages and can be acknowledged as it says",
          "[integration][demo]") {
  const std::string build_dir = FLOORWATCH_BINARY_DIR;
  const std::string log = build_dir + "/demo/floorwatchd.log";
  std::remove(log.c_str());
  // 120x: the first simulated quarter hour passes in under 8 s. No display: no board window.
  ChildProcess demo({"/bin/bash", std::string(FLOORWATCH_SOURCE_DIR) + "/scripts/demo", build_dir},
                    "", {"DEMO_SPEED=120", "DEMO_SECONDS=40", "DISPLAY="});
  REQUIRE(demo.wait_for("ack ID --by", 20s));
  CHECK(demo.wait_for("--screenshot floor.png", 5s));  // how to see the board without a display

  std::string text;
  const auto paged = wait_in_log(
      log,
      R"(alert (\d+) firing tier=floor-lead alertname=(OldestWaitOver90s|ServiceLevelLow) queue=sales)",
      text, 20s);
  INFO(text);
  REQUIRE(paged);
  const std::string id = (*paged)[1];

  // The acknowledgement exactly as the demo prints it.
  const std::regex control_re(R"(ack ID --by "\$USER" --control (\S+))");
  std::smatch control;
  const std::string printed = demo.output();
  REQUIRE(std::regex_search(printed, control, control_re));
  auto [status, output] = run_command(
      {ctl_binary(), "ack", id, "--by", "demo-user", "--control", control[1].str()}, 10s);
  INFO(output);
  CHECK(status == 0);
  CHECK(wait_in_log(log, "alert " + id + " acknowledged by demo-user", text, 10s));

  demo.signal(SIGTERM);
  CHECK(demo.wait_exit(10s));
}
