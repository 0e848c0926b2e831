// Layout: tiles as large as the screen allows, nothing overlapping or off screen, and the same
// board at 1280x720 and 3840x2160 only sharper.
#include <catch2/catch.hpp>

#include "wallboard/board_layout.h"

using namespace floorwatch::wallboard;

namespace {

bool inside(const Rect& inner, const Rect& outer) {
  return inner.x >= outer.x - 0.5f && inner.y >= outer.y - 0.5f &&
         inner.right() <= outer.right() + 0.5f && inner.bottom() <= outer.bottom() + 0.5f;
}
bool overlap(const Rect& a, const Rect& b) {
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

}  // namespace

TEST_CASE("queue tiles fill the page in a sensible grid", "[wallboard][layout]") {
  const Rect page{0, 100, 1920, 980};
  const auto [tiles, columns, rows] = GENERATE(table<int, int, int>(
      {{1, 1, 1}, {2, 2, 1}, {3, 2, 2}, {4, 2, 2}, {6, 3, 2}, {9, 3, 3}, {12, 4, 3}}));
  CAPTURE(tiles);
  const Grid grid = choose_grid(static_cast<std::size_t>(tiles), page, 14);
  CHECK(grid.columns == columns);
  CHECK(grid.rows == rows);
  const auto rects = tile_rects(page, static_cast<std::size_t>(tiles), 14);
  REQUIRE(rects.size() == static_cast<std::size_t>(tiles));
  for (std::size_t i = 0; i < rects.size(); ++i) {
    CHECK(inside(rects[i], page));
    for (std::size_t j = i + 1; j < rects.size(); ++j) CHECK_FALSE(overlap(rects[i], rects[j]));
  }
}

TEST_CASE("every part of a tile is inside it and the parts do not overlap", "[wallboard][layout]") {
  const Rect tile{20, 120, 900, 560};
  const TileLayout t = layout_tile(tile);
  const Rect parts[] = {t.title,   t.waiting, t.oldest, t.breach,   t.service_level,
                        t.formula, t.figures, t.agents, t.staffing, t.sparkline};
  for (std::size_t i = 0; i < std::size(parts); ++i) {
    CAPTURE(i);
    CHECK_FALSE(parts[i].empty());
    CHECK(inside(parts[i], tile));
    for (std::size_t j = i + 1; j < std::size(parts); ++j) {
      CAPTURE(j);
      CHECK_FALSE(overlap(parts[i], parts[j]));
    }
  }
}

TEST_CASE("fonts and bands scale with the screen height", "[wallboard][layout]") {
  const FontSizes hd = font_sizes_for(720);
  const FontSizes full_hd = font_sizes_for(1080);
  const FontSizes uhd = font_sizes_for(2160);
  CHECK(uhd.body == Approx(full_hd.body * 2).margin(1));
  CHECK(uhd.huge == Approx(full_hd.huge * 2).margin(1));
  CHECK(hd.body >= 16);  // still legible on a small screen
  CHECK(full_hd.small < full_hd.body);
  CHECK(full_hd.body < full_hd.large);
  CHECK(full_hd.large < full_hd.huge);

  const ScreenLayout live = layout_screen(1920, 1080, 0, false);
  CHECK(live.stale_banner.empty());
  CHECK(live.alert_banner.empty());
  const ScreenLayout troubled = layout_screen(1920, 1080, 5, true);
  CHECK_FALSE(troubled.stale_banner.empty());
  CHECK_FALSE(troubled.alert_banner.empty());
  CHECK(troubled.alert_banner.h ==
        Approx(layout_screen(1920, 1080, 3, false).alert_banner.h));  // 3 lines max
  CHECK(troubled.page.y >= troubled.alert_banner.bottom());
  CHECK(troubled.page.bottom() <= 1080);
  const ScreenLayout big = layout_screen(3840, 2160, 1, false);
  CHECK(big.header.h == Approx(live.header.h * 2).margin(1));
}

TEST_CASE("long lists use more columns, and say how many did not fit", "[wallboard][layout]") {
  const Rect area{0, 0, 1900, 900};
  const ListLayout few = list_layout(area, 45, 620, 10);
  CHECK(few.columns == 1);
  CHECK(few.visible == 10);
  const ListLayout many = list_layout(area, 45, 620, 500);
  CHECK(many.columns == 3);
  CHECK(many.rows_per_column == 20);
  CHECK(many.visible == 60);
  CHECK(inside(many.row(area, 59), area));
}
