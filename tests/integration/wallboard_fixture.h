#pragma once
// Shared by the wallboard integration tests (wallboard_test.cpp, wallboard_click_test.cpp): a
// headless X server, the real floorwatch-wallboard's command line against a RunningDaemon, the
// `region NAME x y w h` lines it prints with a screenshot, and a small scenario with one breached
// queue (sales) and one healthy one (support).
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "integration/floor_fixture.h"
#include "wallboard/png_image.h"

namespace floorwatch::test {

inline const std::string& wallboard_binary() {
  static const std::string path = binary("wallboard/floorwatch-wallboard");
  return path;
}

// An X server without a screen, on a display number it picks itself (-displayfd).
class Xvfb {
 public:
  Xvfb() {
    using namespace std::chrono_literals;
    if (!std::filesystem::exists("/usr/bin/Xvfb"))
      throw std::runtime_error("Xvfb is missing: run scripts/install-deps");
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        "/usr/bin/Xvfb", "-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"});
    auto ready = process_->wait_for(R"((^|\n)(\d+)\n)", 20s);
    if (!ready) throw std::runtime_error("Xvfb did not start:\n" + process_->output());
    display_ = ":" + (*ready)[2].str();
  }
  ~Xvfb() {
    process_->signal(SIGTERM);
    process_->wait_exit(std::chrono::seconds(5));
  }
  const std::string& display() const { return display_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string display_;
};

struct FeedEndpoints {
  std::string publish, snapshot;
};

inline FeedEndpoints feed_of(RunningDaemon& daemon) {
  std::smatch match;
  const std::string output = daemon.process().output();
  if (!std::regex_search(output, match, std::regex(R"(feed=(\S+) feed_publish=(\S+))")))
    throw std::runtime_error("no feed endpoints in the ready line:\n" + output);
  return {match[2], match[1]};
}

/// A live board on the Xvfb display against the daemon: 1280x720, queues page only.
inline std::vector<std::string> live_wallboard_command(const Xvfb& x, RunningDaemon& daemon,
                                                       std::vector<std::string> extra = {}) {
  const FeedEndpoints feed = feed_of(daemon);
  // In the ASan build (make sanitize), Mesa's software GL driver leaks at exit from code it has
  // already unloaded (no symbols to suppress by); the board's own code is leak-checked by
  // tests/wallboard, which needs no GL. Harmless in other builds.
  std::vector<std::string> argv{"/usr/bin/env",
                                "DISPLAY=" + x.display(),
                                "ASAN_OPTIONS=detect_leaks=0",
                                wallboard_binary(),
                                "--feed",
                                feed.publish,
                                "--snapshot",
                                feed.snapshot,
                                "--control",
                                daemon.control(),
                                "--size",
                                "1280x720",
                                "--pages",
                                "queues"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

/// The same board rendering one screenshot to `png` (then it prints its regions and exits).
inline std::vector<std::string> wallboard_command(const Xvfb& x, RunningDaemon& daemon,
                                                  const std::string& png,
                                                  std::vector<std::string> extra = {}) {
  std::vector<std::string> argv =
      live_wallboard_command(x, daemon, {"--screenshot", png, "--timeout", "30"});
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// "region NAME x y w h" lines the wallboard prints with its screenshot.
inline std::map<std::string, wallboard::Rect> regions_in(const std::string& output) {
  std::map<std::string, wallboard::Rect> regions;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string tag, name;
    wallboard::Rect r;
    if (words >> tag >> name >> r.x >> r.y >> r.w >> r.h && tag == "region") regions[name] = r;
  }
  return regions;
}

inline wallboard::Image load(const std::string& path) {
  std::string error;
  auto image = wallboard::read_png(path, error);
  if (!image) throw std::runtime_error(error);
  return *image;
}

/// Where scripts/install-deps puts xdotool (real X input into a live board).
inline constexpr const char* kXdotool = "/usr/bin/xdotool";

/// Runs xdotool against the test's X server; its output (e.g. a window id) without the newline.
inline std::string xdotool(const Xvfb& x, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/env", "DISPLAY=" + x.display(), kXdotool};
  argv.insert(argv.end(), args.begin(), args.end());
  auto [status, output] = run_command(argv, std::chrono::seconds(20));
  INFO("xdotool " << Catch::Detail::stringify(args) << "\n" << output);
  REQUIRE(status == 0);
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return output;
}

/// Finds the live board's window (the title main.cpp gives it; --onlyvisible waits until it is
/// mapped) and focuses it, so X input reaches it: ImGui 1.86's GLFW backend only reads the cursor
/// of a focused window. Returns the window id.
inline std::string focus_board_window(const Xvfb& x) {
  std::string window =
      xdotool(x, {"search", "--sync", "--onlyvisible", "--name", "^floorwatch wallboard$"});
  window = window.substr(0, window.find('\n'));
  xdotool(x, {"windowfocus", "--sync", window});
  return window;
}

inline constexpr const char* kQueues =
    "timezone: Europe/Stockholm\n"
    "queues:\n"
    "  sales:\n    answer_target_seconds: 20\n"
    "  support:\n    answer_target_seconds: 60\n";

// T0 = 2026-11-24T09:00:00Z. Sales: a caller waiting since T0+1 (49 s at the end: over its
// 20 s target). Support: a caller waiting since T0+40 (10 s: well within 60 s). The last event
// is at T0+50, which is "now" with --clock event.
inline std::string scenario() {
  const long t0 = 1795510800000;
  auto at = [&](int s) { return std::to_string(t0 + s * 1000L); };
  std::ostringstream s;
  s << R"({"ts":)" << at(0)
    << R"(,"type":"agent_state","agent":"ann","state":"busy","queues":["sales"]})"
    << "\n";
  s << R"({"ts":)" << at(0)
    << R"(,"type":"agent_state","agent":"bob","state":"available","queues":["support"]})"
    << "\n";
  s << R"({"ts":)" << at(1)
    << R"(,"type":"call_enqueued","call":"s1","queue":"sales","caller":"+46700000001"})"
    << "\n";
  s << R"({"ts":)" << at(5)
    << R"(,"type":"call_enqueued","call":"s2","queue":"sales","caller":"+46700000002"})"
    << "\n";
  s << R"({"ts":)" << at(9) << R"(,"type":"call_abandoned","call":"s2"})"
    << "\n";
  s << R"({"ts":)" << at(40)
    << R"(,"type":"call_enqueued","call":"u1","queue":"support","caller":"+46700000003"})"
    << "\n";
  s << R"({"ts":)" << at(50)
    << R"(,"type":"agent_state","agent":"bob","state":"paused","reason":"lunch"})"
    << "\n";
  return s.str();
}

inline void feed_scenario(const TempDir& dir, RunningDaemon& daemon) {
  const auto [status, output] =
      send_jsonl(daemon.ingest(), dir.write("scenario.jsonl", scenario()));
  INFO(output);
  REQUIRE(status == 0);
}

}  // namespace floorwatch::test
#endif
