// The agents page under Xvfb against a real floorwatchd (event clock: the board's "now" is the
// last event): each agent's row takes the colour of its time-in-state level from the daemon's
// `agent_limits:` (per pause reason), with the icon and name drawn on it; today's time paused
// is split by reason in the row.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

#include "integration/wallboard_fixture.h"
#include "support/board_model_wait.h"
#include "wallboard/feed_client.h"

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
// break ones), anna is available since 10:10 after lunch 09:30-10:00 and a break 10:05-10:10.
std::string agents_at_half_past_ten() {
  const auto line = [](const std::string& ts, const std::string& agent, const std::string& rest) {
    return R"({"ts":")" + ts + R"(","type":"agent_state","agent":")" + agent + R"(",)" + rest +
           R"(,"queues":["sales"]})" + "\n";
  };
  return line("2026-11-24T09:00:00.000Z", "bob", R"("state":"paused","reason":"lunch")") +
         line("2026-11-24T09:00:00.000Z", "anna", R"("state":"available")") +
         line("2026-11-24T09:30:00.000Z", "anna", R"("state":"paused","reason":"lunch")") +
         line("2026-11-24T10:00:00.000Z", "anna", R"("state":"available")") +
         line("2026-11-24T10:00:00.000Z", "erik", R"("state":"paused","reason":"lunch")") +
         line("2026-11-24T10:05:00.000Z", "anna", R"("state":"paused","reason":"break")") +
         line("2026-11-24T10:10:00.000Z", "anna", R"("state":"available")") +
         line("2026-11-24T10:14:00.000Z", "dana", R"("state":"paused","reason":"break")") +
         line("2026-11-24T10:30:00.000Z", "cleo", R"("state":"offline")");
}

// The rightmost pixel column of `r` holding text (anything far from the page background), as a
// share of its width: how far along the column a line of text reaches.
double ink_reach(const wb::Image& image, const wb::Rect& r) {
  const auto far_from_background = [](wb::Rgba c) {
    const wb::Rgba bg = wb::Palette::background;
    return std::abs(c.r - bg.r) + std::abs(c.g - bg.g) + std::abs(c.b - bg.b) > 120;
  };
  for (int x = static_cast<int>(r.right()) - 1; x >= static_cast<int>(r.x); --x)
    for (int y = static_cast<int>(r.y); y < static_cast<int>(r.bottom()); ++y)
      if (far_from_background(image.at(x, y))) return (x + 1 - r.x) / r.w;
  return 0;
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
  for (const char* agent : {"agent:anna", "agent:bob", "agent:dana", "agent:erik", "agent:cleo"})
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

  SECTION("anna's row splits her 35 min paused today by reason, largest first") {
    // What the board's feed holds and the row's text made from it (the drawing below is the
    // same text_in of agent_today_text, checked by where its pixels are).
    const FeedEndpoints feed = feed_of(daemon);
    wb::FeedEndpoints endpoints;
    endpoints.publish = feed.publish;
    endpoints.snapshot = feed.snapshot;
    endpoints.control = daemon.control();
    wb::FeedClient board(endpoints, "agents-test");
    const auto with_split = [](const wb::BoardModel& m) {
      return std::any_of(m.agents.begin(), m.agents.end(), [](const wb::AgentView& a) {
        return a.agent == "anna" && a.today.paused_by_reason.size() == 2;
      });
    };
    const wb::BoardModel model = wait_for_model(board, with_split);
    REQUIRE(with_split(model));
    const auto anna = std::find_if(model.agents.begin(), model.agents.end(),
                                   [](const wb::AgentView& a) { return a.agent == "anna"; });
    const wb::EpochMs now = wb::daemon_now(model, std::chrono::steady_clock::now());
    CHECK(wb::agent_today_text(*anna, now) ==
          "0 calls \u00B7 occ 0 % \u00B7 paused 35:00 (lunch 30:00, break 5:00)");

    // On the screen (1280x720): anna's today text, with the split, reaches past three quarters
    // of its column (measured: 0.84); without it, "0 calls · occ 0 % · paused 35:00" would end
    // near 0.46, short of erik's "0 calls · occ — · paused 30:00 (lunch)" (0.55).
    REQUIRE(regions.count("agent_today:anna"));
    REQUIRE(regions.count("agent_today:erik"));
    const wb::Rect anna_today = regions.at("agent_today:anna");
    CHECK(anna_today.x > regions.at("agent:anna").x);
    CHECK(anna_today.right() <= regions.at("agent:anna").right());
    const double anna_reach = ink_reach(image, anna_today);
    const double erik_reach = ink_reach(image, regions.at("agent_today:erik"));
    INFO("anna " << anna_reach << " erik " << erik_reach);
    CHECK(anna_reach > 0.75);
    CHECK(erik_reach < anna_reach - 0.2);
  }
}
#endif
