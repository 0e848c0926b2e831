// The call-back worklist on the real floorwatch-wallboard under Xvfb against a real floorwatchd:
// the worklist page lists every caller owed a call (oldest first, with a "Called back" button),
// the tile counts them in the warning colour, and a real X click on a row's button and the C key
// (xdotool) close call-backs on the daemon.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "integration/wallboard_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace wb = floorwatch::wallboard;

namespace {

constexpr wb::Rgba kButtonFill{236, 240, 244};  // apply_board_style's button colour

// After the fixture's scenario (sales: +46700000002 hung up at T0+9): +46700000009 hangs up in
// sales at T0+52. Two call-backs in sales, none in support.
void feed_worklist(const TempDir& dir, RunningDaemon& daemon) {
  feed_scenario(dir, daemon);
  const long t0 = 1795510800000;
  const std::string more =
      R"({"ts":)" + std::to_string(t0 + 51'000) +
      R"(,"type":"call_enqueued","call":"s9","queue":"sales","caller":"+46700000009"})" + "\n" +
      R"({"ts":)" + std::to_string(t0 + 52'000) + R"(,"type":"call_abandoned","call":"s9"})" + "\n";
  const auto [status, output] = send_jsonl(daemon.ingest(), dir.write("more.jsonl", more));
  INFO(output);
  REQUIRE(status == 0);
}

std::vector<std::string> on_page(std::vector<std::string> argv, const std::string& page) {
  *std::find(argv.begin(), argv.end(), "queues") = page;
  return argv;
}

nlohmann::json open_callbacks(const RunningDaemon& daemon) {
  auto [status, output] =
      run_command({ctl_binary(), "callbacks", "--control", daemon.control(), "--json"}, 10s);
  INFO(output);
  REQUIRE(status == 0);
  return nlohmann::json::parse(output)["callbacks"];
}

// Polls the daemon (the board sends on its feed thread) until `count` call-backs are open.
nlohmann::json wait_for_open(const RunningDaemon& daemon, std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  nlohmann::json open = open_callbacks(daemon);
  while (open.size() != count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    open = open_callbacks(daemon);
  }
  return open;
}

}  // namespace

TEST_CASE("the call-back page lists who to call back, and the tile counts them",
          "[integration][wallboard][callbacks]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, kQueues);
  feed_worklist(dir, daemon);
  const auto open = open_callbacks(daemon);
  REQUIRE(open.size() == 2);
  const std::string oldest = std::to_string(open[0]["id"].get<long>());
  const std::string newest = std::to_string(open[1]["id"].get<long>());

  const std::string page_png = dir.file("callbacks.png");
  const auto [status, output] =
      run_command(on_page(wallboard_command(x, daemon, page_png), "abandons"), 60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto regions = regions_in(output);
  const wb::Image page = load(page_png);
  REQUIRE(regions.count("callbacks"));
  REQUIRE(regions.count("callback:" + oldest));
  REQUIRE(regions.count("callback:" + newest));
  // Oldest first: +46700000002 (T0+9) above +46700000009 (T0+52).
  CHECK(regions.at("callback:" + oldest).y < regions.at("callback:" + newest).y);
  // Each row has a light "Called back" button, with text drawn in it.
  for (const std::string& id : {oldest, newest}) {
    REQUIRE(regions.count("callback_button:" + id));
    const auto button = wb::region_stats(page, regions.at("callback_button:" + id));
    CHECK(button.share_near(kButtonFill) > 0.5);
    CHECK(button.share_near(kButtonFill) < 0.98);
  }

  const std::string tiles_png = dir.file("tiles.png");
  const auto [tiles_status, tiles_output] =
      run_command(wallboard_command(x, daemon, tiles_png), 60s);
  INFO(tiles_output);
  REQUIRE(tiles_status == 0);
  const auto tile_regions = regions_in(tiles_output);
  const wb::Image tiles = load(tiles_png);
  REQUIRE(tile_regions.count("tile:sales:callbacks"));
  REQUIRE(tile_regions.count("tile:support:callbacks"));
  // Sales owes two call-backs: written in the warning colour (with its icon); support none.
  CHECK(wb::region_stats(tiles, tile_regions.at("tile:sales:callbacks"))
            .share_near(wb::Palette::warning) > 0.02);
  CHECK(wb::region_stats(tiles, tile_regions.at("tile:support:callbacks"))
            .share_near(wb::Palette::warning) < 0.005);
}

TEST_CASE("a click on a row's button and the C key close call-backs on the daemon",
          "[integration][wallboard][click][callbacks]") {
  if (!std::filesystem::exists(kXdotool))
    FAIL("xdotool is missing (" << kXdotool << "): run scripts/install-deps");
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, kQueues);
  feed_worklist(dir, daemon);
  const auto open = open_callbacks(daemon);
  REQUIRE(open.size() == 2);
  const std::string newest = std::to_string(open[1]["id"].get<long>());

  // Where the newest row's button is: the same board at the same size, rendered once.
  const auto [status, output] =
      run_command(on_page(wallboard_command(x, daemon, dir.file("before.png")), "abandons"), 60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto regions = regions_in(output);
  REQUIRE(regions.count("callback_button:" + newest));
  const wb::Rect button = regions.at("callback_button:" + newest);

  ChildProcess board(on_page(live_wallboard_command(x, daemon, {"--name", "floor-1"}), "abandons"));
  if (!board.wait_for("state=live", 30s))
    FAIL("the live board did not connect:\n" << board.output());
  const std::string window = focus_board_window(x);

  xdotool(x, {"mousemove", "--window", window, "--sync",
              std::to_string(static_cast<int>(button.x + button.w / 2)),
              std::to_string(static_cast<int>(button.y + button.h / 2))});
  xdotool(x, {"click", "1"});
  const auto after_click = wait_for_open(daemon, 1);
  INFO(after_click.dump() << "\nboard:\n"
                          << board.output() << "\ndaemon:\n"
                          << daemon.process().output());
  REQUIRE(after_click.size() == 1);
  CHECK(after_click[0]["caller"] == "+46700000002");  // the clicked row's caller is gone
  CHECK_THAT(daemon.process().output(), Catch::Contains("called back by floor-1"));

  // The C key closes the oldest (first) one; held until the daemon has it (ImGui 1.86 reads
  // key state once a frame).
  xdotool(x, {"keydown", "c"});
  const auto after_key = wait_for_open(daemon, 0);
  xdotool(x, {"keyup", "c"});
  CHECK(after_key.empty());

  board.signal(SIGTERM);
  CHECK(board.wait_exit(10s) == 0);
}
#endif
