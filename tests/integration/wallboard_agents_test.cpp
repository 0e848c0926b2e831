// The agents page under Xvfb against a real floorwatchd (event clock: the board's "now" is the
// last event): each agent's row takes the colour of its time-in-state level from the daemon's
// `agent_limits:` (per pause reason), with the icon and name drawn on it.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <algorithm>

#include "integration/wallboard_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace wb = floorwatch::wallboard;

namespace {

const std::string kLimits = std::string(kQueues) + R"(agent_limits:
  pause_reasons:
    lunch: {warning: 45m, critical: 60m}
)";

// At 10:30 (the last event): bob has had 90 min of lunch (red from 60), dana 16 min of break
// (amber from 15, red from 20), erik 30 min of lunch (under both lunch limits, though over the
// break ones), anna is available.
std::string agents_at_half_past_ten() {
  const auto line = [](const std::string& ts, const std::string& agent, const std::string& rest) {
    return R"({"ts":")" + ts + R"(","type":"agent_state","agent":")" + agent + R"(",)" + rest +
           R"(,"queues":["sales"]})" + "\n";
  };
  return line("2026-11-24T09:00:00.000Z", "bob", R"("state":"paused","reason":"lunch")") +
         line("2026-11-24T10:00:00.000Z", "erik", R"("state":"paused","reason":"lunch")") +
         line("2026-11-24T10:14:00.000Z", "dana", R"("state":"paused","reason":"break")") +
         line("2026-11-24T10:30:00.000Z", "anna", R"("state":"available")");
}

}  // namespace

TEST_CASE("the agents page colours each agent by its own limit: red, amber, none",
          "[integration][wallboard][agents_page]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, kLimits);
  REQUIRE(send_jsonl(daemon.ingest(), dir.write("agents.jsonl", agents_at_half_past_ten())).first ==
          0);

  const std::string png = dir.file("agents.png");
  std::vector<std::string> argv = wallboard_command(x, daemon, png);
  *std::find(argv.begin(), argv.end(), "queues") = "agents";
  const auto [status, output] = run_command(argv, 60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto regions = regions_in(output);
  for (const char* agent : {"agent:anna", "agent:bob", "agent:dana", "agent:erik"})
    REQUIRE(regions.count(agent));
  const wb::Image image = load(png);

  // bob: red fill, with the ✖ icon and his name drawn on it in dark text.
  const auto bob = wb::region_stats(image, regions.at("agent:bob"));
  CHECK(bob.share_near(wb::Palette::critical) > 0.5);
  CHECK(bob.share_near(wb::Palette::background) > 0.005);
  // dana: amber.
  const auto dana = wb::region_stats(image, regions.at("agent:dana"));
  CHECK(dana.share_near(wb::Palette::warning) > 0.5);
  CHECK(dana.share_near(wb::Palette::critical) < 0.05);
  // erik's 30 min would be red on a break; lunch has its own limits: no colour.
  for (const char* plain : {"agent:erik", "agent:anna"}) {
    const auto row = wb::region_stats(image, regions.at(plain));
    CHECK(row.share_near(wb::Palette::critical) < 0.05);
    CHECK(row.share_near(wb::Palette::warning) < 0.05);
  }
}
#endif
