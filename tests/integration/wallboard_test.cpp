// The real floorwatch-wallboard under Xvfb against a real floorwatchd fed by the real collector:
// it renders off the live feed, writes a PNG, and the pixels where it says it drew a region must
// show what a supervisor would see (breach colour, ok colour, a grey stale board, the alert
// banner).
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "integration/floor_fixture.h"
#include "wallboard/png_image.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace wb = floorwatch::wallboard;

namespace {

const std::string& wallboard_binary() {
  static const std::string path = binary("wallboard/floorwatch-wallboard");
  return path;
}

// An X server without a screen, on a display number it picks itself (-displayfd).
class Xvfb {
 public:
  Xvfb() {
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
    process_->wait_exit(5s);
  }
  const std::string& display() const { return display_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string display_;
};

struct FeedEndpoints {
  std::string publish, snapshot;
};

FeedEndpoints feed_of(RunningDaemon& daemon) {
  std::smatch match;
  const std::string output = daemon.process().output();
  if (!std::regex_search(output, match, std::regex(R"(feed=(\S+) feed_publish=(\S+))")))
    throw std::runtime_error("no feed endpoints in the ready line:\n" + output);
  return {match[2], match[1]};
}

std::vector<std::string> wallboard_command(const Xvfb& x, RunningDaemon& daemon,
                                           const std::string& png,
                                           std::vector<std::string> extra = {}) {
  const FeedEndpoints feed = feed_of(daemon);
  std::vector<std::string> argv{"/usr/bin/env",
                                "DISPLAY=" + x.display(),
                                wallboard_binary(),
                                "--feed",
                                feed.publish,
                                "--snapshot",
                                feed.snapshot,
                                "--control",
                                daemon.control(),
                                "--screenshot",
                                png,
                                "--size",
                                "1280x720",
                                "--pages",
                                "queues",
                                "--timeout",
                                "30"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// "region NAME x y w h" lines the wallboard prints with its screenshot.
std::map<std::string, wb::Rect> regions_in(const std::string& output) {
  std::map<std::string, wb::Rect> regions;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string tag, name;
    wb::Rect r;
    if (words >> tag >> name >> r.x >> r.y >> r.w >> r.h && tag == "region") regions[name] = r;
  }
  return regions;
}

wb::Image load(const std::string& path) {
  std::string error;
  auto image = wb::read_png(path, error);
  if (!image) throw std::runtime_error(error);
  return *image;
}

const char* kQueues =
    "timezone: Europe/Stockholm\n"
    "queues:\n"
    "  sales:\n    answer_target_seconds: 20\n"
    "  support:\n    answer_target_seconds: 60\n";

// T0 = 2026-11-24T09:00:00Z. Sales: a caller waiting since T0+1 (49 s at the end: over its
// 20 s target). Support: a caller waiting since T0+40 (10 s: well within 60 s). The last event
// is at T0+50, which is "now" with --clock event.
std::string scenario() {
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

void feed_scenario(const TempDir& dir, RunningDaemon& daemon) {
  const auto [status, output] =
      send_jsonl(daemon.ingest(), dir.write("scenario.jsonl", scenario()));
  INFO(output);
  REQUIRE(status == 0);
}

}  // namespace

TEST_CASE("the wallboard shows a breached queue in the breach colour and a healthy one in ok",
          "[integration][wallboard]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, kQueues);
  feed_scenario(dir, daemon);

  const std::string png = dir.file("board.png").string();
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

TEST_CASE("a board that stops hearing from the daemon greys out and says so",
          "[integration][wallboard]") {
  Xvfb x;
  TempDir dir;
  auto daemon = std::make_unique<RunningDaemon>(dir, kQueues);
  feed_scenario(dir, *daemon);

  const std::string png = dir.file("stale.png").string();
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

  const std::string png = dir.file("alert.png").string();
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

  const std::string png = dir.file("stale-alert.png").string();
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
