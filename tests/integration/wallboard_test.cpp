// The real floorwatch-wallboard under Xvfb against a real floorwatchd fed by the real collector:
// it renders off the live feed, writes a PNG, and the pixels where it says it drew a region must
// show what a supervisor would see (breach colour, ok colour, a grey stale board, the alert
// banner).
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>

#include "integration/wallboard_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace wb = floorwatch::wallboard;

TEST_CASE("the wallboard shows a breached queue in the breach colour and a healthy one in ok",
          "[integration][wallboard]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, kQueues);
  feed_scenario(dir, daemon);

  const std::string png = dir.file("board.png");
  const auto [status, output] = run_command(wallboard_command(x, daemon, png), 60s);
  INFO(output);
  REQUIRE(status == 0);
  const wb::Image image = load(png);
  CHECK(image.width == 1280);
  CHECK(image.height == 720);
  const auto regions = regions_in(output);
  REQUIRE(regions.count("tile:sales:oldest"));
  REQUIRE(regions.count("tile:support:oldest"));

  // Sales' oldest caller has waited 49 s against a 20 s target: the box is vermillion.
  const auto sales = wb::region_stats(image, regions.at("tile:sales:oldest"));
  CHECK(sales.share_near(wb::Palette::critical) > 0.5);
  // Support's has waited 10 s of 60: bluish green, and not a pixel of the breach colour's box.
  const auto support = wb::region_stats(image, regions.at("tile:support:oldest"));
  CHECK(support.share_near(wb::Palette::ok) > 0.5);
  CHECK(support.share_near(wb::Palette::critical) < 0.05);
  // The board is live: no stale banner, and the waiting counts are drawn in light text.
  CHECK_FALSE(regions.count("stale_banner"));
  const auto waiting = wb::region_stats(image, regions.at("tile:sales:waiting"));
  CHECK(waiting.share_near(wb::Palette::text) > 0.01);
}

TEST_CASE("a floor with more agents than fit on one screen is paged, the most urgent first",
          "[integration][wallboard]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, kQueues);
  // 80 agents: at 1280x720 one screen holds far fewer. agent-00 has been paused longest.
  const long t0 = 1795510800000;
  std::ostringstream events;
  for (int i = 0; i < 80; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "agent-%02d", i);
    events << R"({"ts":)" << t0 + i * 1000L << R"(,"type":"agent_state","agent":")" << name
           << R"(","state":")" << (i < 5 ? "paused" : "available") << R"(","queues":["sales"]})"
           << "\n";
  }
  const auto [sent, sent_output] =
      send_jsonl(daemon.ingest(), dir.write("agents.jsonl", events.str()));
  REQUIRE(sent == 0);

  const std::string png = dir.file("agents.png");
  std::vector<std::string> argv = wallboard_command(x, daemon, png);
  *std::find(argv.begin(), argv.end(), "queues") = "agents";
  const auto [status, output] = run_command(argv, 60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto regions = regions_in(output);
  // The first screen of several, with the footer saying so, and nobody cut off: the rotation
  // shows the next screens for a full period each (PageRotation, tests/wallboard).
  const auto paged = std::find_if(regions.begin(), regions.end(), [](const auto& entry) {
    return entry.first.rfind("agents_page:1/", 0) == 0;
  });
  REQUIRE(paged != regions.end());
  const int screens = std::stoi(paged->first.substr(std::string("agents_page:1/").size()));
  CHECK(screens >= 2);
  CHECK(screens <= 80);
  // The footer is drawn (light text on the dark background).
  CHECK(wb::region_stats(load(png), paged->second).share_near(wb::Palette::dim_text) > 0.0);
}

TEST_CASE("a board that stops hearing from the daemon greys out and says so",
          "[integration][wallboard]") {
  Xvfb x;
  TempDir dir;
  auto daemon = std::make_unique<RunningDaemon>(dir, kQueues);
  feed_scenario(dir, *daemon);

  const std::string png = dir.file("stale.png");
  ChildProcess board(wallboard_command(x, *daemon, png, {"--after-stale", "--stale-after", "2"}));
  REQUIRE(board.wait_for("state=live", 30s));
  // The daemon goes away; the board must not keep showing its last numbers as live.
  daemon->process().signal(SIGTERM);
  REQUIRE(daemon->process().wait_exit(10s));
  const auto status = board.wait_exit(30s);
  INFO(board.output());
  REQUIRE(status);
  REQUIRE(*status == 0);
  CHECK(board.output().find("state=stale") != std::string::npos);

  const wb::Image image = load(png);
  const auto regions = regions_in(board.output());
  REQUIRE(regions.count("stale_banner"));
  CHECK(wb::region_stats(image, regions.at("stale_banner")).share_near(wb::Palette::warning) > 0.5);
  // Every tile, including the breached one, is grey: no colour anywhere in them.
  for (const char* tile : {"tile:sales", "tile:support"}) {
    CAPTURE(tile);
    REQUIRE(regions.count(tile));
    // Inset: the rounded corners show the (blue-black) page background.
    const wb::Rect r = regions.at(tile);
    const auto stats = wb::region_stats(image, {r.x + 12, r.y + 12, r.w - 24, r.h - 24});
    CHECK(stats.max_chroma <= 2);
    CHECK(stats.share_near(wb::Palette::critical) == 0);
  }
}

TEST_CASE("an alert that fires shows in a banner on top, and its queue's tile says ALERT",
          "[integration][wallboard]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, std::string(kQueues) +
                                "alerts:\n"
                                "  rules:\n"
                                "    - name: OldestWaitOver20s\n"
                                "      expr: oldest_wait_seconds > 20\n"
                                "      severity: critical\n"
                                "      queues: [sales]\n");
  feed_scenario(dir, daemon);
  REQUIRE(daemon.process().wait_for(R"(alert \d+ \w+ -> firing rule=OldestWaitOver20s)", 10s));

  const std::string png = dir.file("alert.png");
  // Without the alert, support would come first (the board's own order).
  const auto [status, output] =
      run_command(wallboard_command(x, daemon, png, {"--queues", "support,sales"}), 60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto regions = regions_in(output);
  REQUIRE(regions.count("alert_banner"));
  const wb::Image image = load(png);
  // Critical alerts flash between two reds; either way the banner is red, not grey or green.
  const auto banner = wb::region_stats(image, regions.at("alert_banner"));
  const double red =
      banner.share_near(wb::Palette::critical) + banner.share_near(wb::Rgba{150, 40, 0});
  CHECK(red > 0.5);
  CHECK(banner.share_near(wb::Palette::ok) < 0.01);
  CHECK(regions.count("ack_button"));  // a live board offers to acknowledge
  // The tile with the alert moves first.
  REQUIRE(regions.count("tile:sales"));
  REQUIRE(regions.count("tile:support"));
  CHECK(regions.at("tile:sales").x < regions.at("tile:support").x);
}

TEST_CASE("a stale board keeps showing the alert but no longer offers to acknowledge it",
          "[integration][wallboard]") {
  Xvfb x;
  TempDir dir;
  auto daemon = std::make_unique<RunningDaemon>(dir, std::string(kQueues) +
                                                         "alerts:\n"
                                                         "  rules:\n"
                                                         "    - name: OldestWaitOver20s\n"
                                                         "      expr: oldest_wait_seconds > 20\n"
                                                         "      severity: critical\n"
                                                         "      queues: [sales]\n");
  feed_scenario(dir, *daemon);
  REQUIRE(daemon->process().wait_for(R"(alert \d+ \w+ -> firing rule=OldestWaitOver20s)", 10s));

  const std::string png = dir.file("stale-alert.png");
  ChildProcess board(wallboard_command(x, *daemon, png, {"--after-stale", "--stale-after", "2"}));
  REQUIRE(board.wait_for("state=live", 30s));
  daemon->process().signal(SIGTERM);
  REQUIRE(daemon->process().wait_exit(10s));
  const auto status = board.wait_exit(30s);
  INFO(board.output());
  REQUIRE(status);
  REQUIRE(*status == 0);
  const auto regions = regions_in(board.output());
  CHECK(regions.count("stale_banner"));
  CHECK(regions.count("alert_banner"));  // what was firing is still shown, greyed
  CHECK_FALSE(regions.count("ack_button"));
}
#endif
