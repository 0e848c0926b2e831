// A supervisor acknowledges an alert at the board itself: a real X click on the banner's button,
// or a real key press, injected with xdotool into the live floorwatch-wallboard under Xvfb. The
// acknowledgement must reach the real floorwatchd with the board's name as `by`.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "integration/wallboard_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace wb = floorwatch::wallboard;

namespace {

const char* kSalesOldestWaitRule =
    "alerts:\n"
    "  rules:\n"
    "    - name: OldestWaitOver20s\n"
    "      expr: oldest_wait_seconds > 20\n"
    "      severity: critical\n"
    "      queues: [sales]\n";

// The daemon's only alert, as `floorwatchctl alerts --json` reports it.
nlohmann::json the_alert(RunningDaemon& daemon) {
  const auto listed = alerts_json(daemon);
  REQUIRE(listed["alerts"].size() == 1);
  return listed["alerts"][0];
}

// Polls the daemon (the board acknowledges asynchronously, on its feed thread) until the alert
// is no longer firing; returns it as last seen.
nlohmann::json wait_until_not_firing(RunningDaemon& daemon, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json alert = the_alert(daemon);
  while (alert["state"] == "firing" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    alert = the_alert(daemon);
  }
  return alert;
}

// A daemon whose sales alert fires (event clock), and a live board (not a screenshot run) on
// Xvfb showing it, its window found and focused so X input reaches it: ImGui 1.86's GLFW
// backend only reads the cursor of a focused window.
class BoardShowingAlert {
 public:
  explicit BoardShowingAlert(std::vector<std::string> board_options)
      : daemon_(dir_, std::string(kQueues) + kSalesOldestWaitRule) {
    // No skipping: without xdotool this feature is untested, so say how to get it.
    if (!std::filesystem::exists(kXdotool))
      FAIL("xdotool is missing (" << kXdotool << "): run scripts/install-deps");
    feed_scenario(dir_, daemon_);
    REQUIRE(daemon_.process().wait_for(R"(alert \d+ \w+ -> firing rule=OldestWaitOver20s)", 10s));
    alert_id_ = the_alert(daemon_)["id"].get<long>();

    // Where the button is: the same board at the same size, rendered once (the layout depends
    // only on the screen size and what is shown).
    const std::string png = dir_.file("before.png");
    const auto [status, output] = run_command(wallboard_command(x_, daemon_, png), 60s);
    INFO(output);
    REQUIRE(status == 0);
    const auto regions = regions_in(output);
    REQUIRE(regions.count("ack_button"));
    ack_button_ = regions.at("ack_button");

    board_ = std::make_unique<ChildProcess>(live_wallboard_command(x_, daemon_, board_options));
    if (!board_->wait_for("state=live", 30s))
      FAIL("the live board did not connect:\n" << board_->output());
    window_ = focus_board_window(x_);
  }

  RunningDaemon& daemon() { return daemon_; }
  const Xvfb& x() const { return x_; }
  const std::string& window() const { return window_; }
  const wb::Rect& ack_button() const { return ack_button_; }
  long alert_id() const { return alert_id_; }
  ChildProcess& board() { return *board_; }
  const TempDir& dir() const { return dir_; }

  /// SIGTERM, as systemd stops it; the exit status (0 = a clean stop).
  std::optional<int> stop_board() {
    board_->signal(SIGTERM);
    return board_->wait_exit(10s);
  }

 private:
  Xvfb x_;
  TempDir dir_;
  RunningDaemon daemon_;
  long alert_id_ = 0;
  wb::Rect ack_button_;
  std::unique_ptr<ChildProcess> board_;
  std::string window_;
};

}  // namespace

TEST_CASE("a supervisor clicks the banner's acknowledge button",
          "[integration][wallboard][click]") {
  BoardShowingAlert floor({"--name", "floor-1"});
  const nlohmann::json before = the_alert(floor.daemon());
  REQUIRE(before["state"] == "firing");  // nobody has acknowledged it yet

  // A real pointer move and left click (XTEST) at the centre of the button.
  const wb::Rect& button = floor.ack_button();
  xdotool(floor.x(), {"mousemove", "--window", floor.window(), "--sync",
                      std::to_string(static_cast<int>(button.x + button.w / 2)),
                      std::to_string(static_cast<int>(button.y + button.h / 2))});
  xdotool(floor.x(), {"click", "1"});

  const nlohmann::json after = wait_until_not_firing(floor.daemon(), 20s);
  INFO(after.dump() << "\nboard:\n"
                    << floor.board().output() << "\ndaemon:\n"
                    << floor.daemon().process().output());
  CHECK(after["id"] == floor.alert_id());
  CHECK(after["state"] == "acknowledged");
  CHECK(after.value("acknowledged_by", "") == "floor-1");

  const auto stopped = floor.stop_board();
  REQUIRE(stopped);
  CHECK(*stopped == 0);

  // The board now says who took it instead of offering the button again.
  const std::string png = floor.dir().file("after.png");
  const auto [status, output] = run_command(wallboard_command(floor.x(), floor.daemon(), png), 60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto regions = regions_in(output);
  CHECK(regions.count("alert_banner"));
  CHECK_FALSE(regions.count("ack_button"));
}

TEST_CASE("a key acknowledges, in the name the board's config gives it",
          "[integration][wallboard][click]") {
  TempDir config_dir;
  // The board's name comes from its `boards:` entry; the endpoints still come from the command
  // line (the daemon's ports are chosen by the OS).
  const std::string board_config =
      config_dir.write("board.yaml", "boards:\n  floor-2:\n    title: Sales floor\n");
  BoardShowingAlert floor({"--config", board_config});
  REQUIRE(the_alert(floor.daemon())["state"] == "firing");

  // The A key, held until the daemon has the ack: ImGui 1.86 reads key state once a frame, so
  // a press and release inside one idle wait would never be seen down (a person holds it longer).
  xdotool(floor.x(), {"keydown", "a"});
  const nlohmann::json after = wait_until_not_firing(floor.daemon(), 20s);
  xdotool(floor.x(), {"keyup", "a"});
  INFO(after.dump() << "\nboard:\n"
                    << floor.board().output() << "\ndaemon:\n"
                    << floor.daemon().process().output());
  CHECK(after["id"] == floor.alert_id());
  CHECK(after["state"] == "acknowledged");
  CHECK(after.value("acknowledged_by", "") == "floor-2");

  const auto stopped = floor.stop_board();
  REQUIRE(stopped);
  CHECK(*stopped == 0);
}
#endif
