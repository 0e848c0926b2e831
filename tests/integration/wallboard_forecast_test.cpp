// The forecast on the real wallboard under Xvfb: sales has two Tuesdays of history for the
// interval after "now" (09:30Z), support none. Sales' tile draws "next 30 min: ~48 calls, need
// N" in its forecast row; support's the much shorter "no forecast". The text itself is checked
// in tests/wallboard (board_logic_test, feed_sync_test); here the pixels show both rows drawn
// and sales' holding the longer line.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <thread>

#include "daemon/interval_history.h"
#include "integration/wallboard_fixture.h"

using namespace floorwatch;
using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace wb = floorwatch::wallboard;

namespace {

daemon::IntervalRow tuesday_row(const char* start) {
  daemon::IntervalRow row;
  row.queue = "sales";
  row.start = *core::parse_timestamp(start);
  row.end = row.start + 30min;
  row.counts.offered = 48;
  row.counts.handled = 48;
  row.counts.handle_time_sum_ms = 48 * 180'000;
  return row;
}

}  // namespace

TEST_CASE("a tile shows the next interval's forecast, or says there is none",
          "[integration][wallboard][forecast]") {
  Xvfb x;
  TempDir dir;
  {
    daemon::IntervalHistory history({dir.file("state.db") + ".history", 62});
    history.store({tuesday_row("2026-11-17T09:30:00Z"), tuesday_row("2026-11-10T09:30:00Z")},
                  *core::parse_timestamp("2026-11-24T00:00:00Z"));
  }
  RunningDaemon daemon(dir,
                       std::string(kQueues) + "state:\n  path: " + dir.file("state.db") + "\n");
  feed_scenario(dir, daemon);  // the event clock reaches 2026-11-24T09:00:50Z: next is 09:30Z

  const std::string png = dir.file("board.png");
  // The forecast is computed on the worker after the boundary the events crossed; the board
  // takes its snapshot after the scenario was acknowledged, and retries until it has data.
  std::this_thread::sleep_for(500ms);
  const auto [status, output] = run_command(wallboard_command(x, daemon, png), 60s);
  INFO(output);
  REQUIRE(status == 0);
  const wb::Image image = load(png);
  const auto regions = regions_in(output);
  REQUIRE(regions.count("tile:sales:forecast"));
  REQUIRE(regions.count("tile:support:forecast"));
  const auto sales = wb::region_stats(image, regions.at("tile:sales:forecast"));
  const auto support = wb::region_stats(image, regions.at("tile:support:forecast"));
  // Both rows carry dim text; sales' line is about three times as long as "no forecast".
  CHECK(support.share_near(wb::Palette::dim_text) > 0.002);
  CHECK(sales.share_near(wb::Palette::dim_text) > 1.8 * support.share_near(wb::Palette::dim_text));
}
#endif
