// The board redraws the tiles whose primitives changed since the frame the back buffer holds,
// and nothing else; rectangles it redraws are disjoint and cover every changed tile.
#include <catch2/catch.hpp>

#include <algorithm>

#include <random>

#include "wallboard/damage_tracker.h"

using namespace floorwatch::wallboard;

namespace {

constexpr int kW = 1920, kH = 1080;

struct Prim {
  PixelRect box;
  std::uint64_t hash;
};

std::vector<PixelRect> frame(DamageTracker& t, const std::vector<Prim>& prims, int age) {
  t.begin_frame(kW, kH);
  for (const Prim& p : prims) t.add(p.box, p.hash);
  return t.end_frame(age);
}

// A page of 30 rows, each a fill and a line of text.
std::vector<Prim> page() {
  std::vector<Prim> prims;
  for (int row = 0; row < 30; ++row) {
    const int y = 60 + row * 34;
    prims.push_back({{0, y, kW, y + 32}, 1000u + static_cast<unsigned>(row)});
    prims.push_back({{20, y + 4, 600, y + 28}, 5000u + static_cast<unsigned>(row)});
  }
  return prims;
}

bool covers(const std::vector<PixelRect>& rects, const PixelRect& box) {
  // Every pixel of `box` lies in some rectangle (checked on a 4-px grid plus the corners).
  for (int y = box.y0; y < box.y1; y += 4)
    for (int x = box.x0; x < box.x1; x += 4) {
      bool in = false;
      for (const PixelRect& r : rects) in = in || (x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1);
      if (!in) return false;
    }
  return true;
}

long long area(const std::vector<PixelRect>& rects) {
  long long a = 0;
  for (const PixelRect& r : rects) a += r.area();
  return a;
}

}  // namespace

TEST_CASE("the first frame, an unknown buffer age and a resize redraw everything",
          "[wallboard][redraw]") {
  DamageTracker t;
  const PixelRect screen{0, 0, kW, kH};
  CHECK(frame(t, page(), 1) == std::vector<PixelRect>{screen});  // nothing kept yet
  CHECK(frame(t, page(), 0) == std::vector<PixelRect>{screen});  // age unknown
  CHECK(frame(t, page(), 1).empty());                            // same frame: nothing to draw
  CHECK(frame(t, page(), 5) == std::vector<PixelRect>{screen});  // older than the history
  t.invalidate();  // a new font texture: the same hashes no longer mean the same pixels
  CHECK(frame(t, page(), 1) == std::vector<PixelRect>{screen});
  t.begin_frame(1280, 720);
  CHECK(t.end_frame(1) == std::vector<PixelRect>{PixelRect{0, 0, 1280, 720}});
}

TEST_CASE("a row whose colour changed is redrawn, the other rows are not", "[wallboard][redraw]") {
  DamageTracker t;
  frame(t, page(), 0);
  std::vector<Prim> next = page();
  next[2 * 7].hash = 42;  // row 7's fill: same place, another colour
  const auto rects = frame(t, next, 1);
  REQUIRE(!rects.empty());
  CHECK(covers(rects, next[2 * 7].box));
  // Only the tiles the row touches (32-px tiles: at most three tile rows of the screen width).
  CHECK(area(rects) <= 3LL * DamageTracker::kTile * kW);
  for (int row : {0, 3, 12, 29})
    CHECK_FALSE(covers(rects, next[2 * static_cast<std::size_t>(row)].box));
}

TEST_CASE("the same primitives in another order are a change", "[wallboard][redraw]") {
  DamageTracker t;
  std::vector<Prim> prims{{{100, 100, 200, 200}, 1}, {{100, 100, 200, 200}, 2}};
  frame(t, prims, 0);
  std::swap(prims[0], prims[1]);
  const auto rects = frame(t, prims, 1);
  CHECK(covers(rects, {100, 100, 200, 200}));
}

TEST_CASE("with a back buffer two frames old, both frames' changes are redrawn",
          "[wallboard][redraw]") {
  DamageTracker t;
  frame(t, page(), 0);
  std::vector<Prim> a = page();
  a[2 * 3 + 1].hash = 7;  // frame n-1 changed row 3's text
  frame(t, a, 1);
  std::vector<Prim> b = a;
  b[2 * 20 + 1].hash = 9;  // frame n changes row 20's text
  const auto age1 = frame(t, b, 1);
  CHECK(covers(age1, b[2 * 20 + 1].box));
  CHECK_FALSE(covers(age1, b[2 * 3 + 1].box));
  // Another frame identical to b, drawn into a buffer holding frame a (age 2) must redraw row
  // 20; into one holding the frame before a (age 3) rows 3 and 20.
  DamageTracker other = t;
  const auto age2 = frame(t, b, 2);
  CHECK(covers(age2, b[2 * 20 + 1].box));
  CHECK_FALSE(covers(age2, b[2 * 3 + 1].box));
  const auto age3 = frame(other, b, 3);
  CHECK(covers(age3, b[2 * 20 + 1].box));
  CHECK(covers(age3, b[2 * 3 + 1].box));
}

TEST_CASE("the rectangles cover every dirty tile, never overlap and are few",
          "[wallboard][redraw]") {
  std::mt19937 random(7);
  const int tx = 60, ty = 34;
  for (int round = 0; round < 200; ++round) {
    std::vector<bool> dirty(static_cast<std::size_t>(tx * ty));
    const int n = static_cast<int>(random() % 400);
    for (int i = 0; i < n; ++i) dirty[random() % dirty.size()] = true;
    const std::size_t max_rects = round % 2 ? 12 : DamageTracker::kMaxRects;
    const auto rects = cover_dirty_tiles(dirty, tx, ty, 32, kW, kH, max_rects);
    CHECK(rects.size() <= max_rects);
    for (std::size_t i = 0; i < rects.size(); ++i) {
      CHECK_FALSE(rects[i].empty());
      for (std::size_t j = i + 1; j < rects.size(); ++j) CHECK_FALSE(rects[i].intersects(rects[j]));
    }
    for (int y = 0; y < ty; ++y)
      for (int x = 0; x < tx; ++x)
        if (dirty[static_cast<std::size_t>(y * tx + x)]) {
          const PixelRect tile{x * 32, y * 32, std::min(x * 32 + 32, kW),
                               std::min(y * 32 + 32, kH)};
          CHECK(covers(rects, tile));
        }
  }
}

TEST_CASE("60 tiles' ticking waits redraw the waits, not whole rows of tiles",
          "[wallboard][redraw]") {
  // A queues page of 10 x 6 tiles, each with its oldest wait ticking every second: a text two
  // 32-px tiles wide. More changes than rectangles, so they must be merged.
  const int tx = 60, ty = 34;
  std::vector<bool> dirty(static_cast<std::size_t>(tx * ty));
  int ticking = 0;
  for (int row = 0; row < 6; ++row)
    for (int column = 0; column < 10; ++column) {
      const int x = column * 6 + 1, y = row * 5 + 2;
      dirty[static_cast<std::size_t>(y * tx + x)] = true;
      dirty[static_cast<std::size_t>(y * tx + x + 1)] = true;
      ticking += 2;
    }
  const auto rects = cover_dirty_tiles(dirty, tx, ty, 32, kW, kH, DamageTracker::kMaxRects);
  CHECK(rects.size() <= DamageTracker::kMaxRects);
  long long redrawn = 0;
  for (const PixelRect& r : rects) redrawn += 1LL * (r.x1 - r.x0) * (r.y1 - r.y0);
  // Whole rows of tiles (a band per row of tiles) would be three times the waits' own area.
  CHECK(redrawn <= 2LL * ticking * 32 * 32);
}

SCENARIO("The window is given only what a frame redrew while it still shows the last frame",
         "[wallboard][redraw]") {
  WindowDamage window;
  const std::vector<PixelRect> row{{0, 64, 1920, 96}};
  const std::vector<PixelRect> whole{{0, 0, kW, kH}};
  GIVEN("a window that has never been given a frame") {
    THEN("the first frame is copied whole, even if it redrew one row") {
      CHECK(window.to_copy(row, kW, kH) == whole);
    }
  }
  GIVEN("a window showing the last frame") {
    window.to_copy(whole, kW, kH);
    THEN("a frame that redrew a row copies that row, and one that redrew nothing copies nothing") {
      CHECK(window.to_copy(row, kW, kH) == row);
      CHECK(window.to_copy({}, kW, kH).empty());
    }
    WHEN("the window lost its pixels (exposed)") {
      window.lost();
      THEN("the next frame is copied whole, and the one after it only in part again") {
        CHECK(window.to_copy({}, kW, kH) == whole);
        CHECK(window.to_copy(row, kW, kH) == row);
      }
    }
    WHEN("the window is resized") {
      THEN("the next frame is copied whole") {
        CHECK(window.to_copy(row, 1280, 720) == std::vector<PixelRect>{{0, 0, 1280, 720}});
      }
    }
  }
}

TEST_CASE("Many small redrawn pieces reach the window in a few copies, far ones separately",
          "[wallboard][redraw]") {
  // The queues page's once-a-second frame: every tile's oldest wait, 5 rows of 10 tiles.
  std::vector<PixelRect> waits;
  for (int row = 0; row < 5; ++row)
    for (int column = 0; column < 10; ++column)
      waits.push_back({20 + 192 * column, 100 + 200 * row, 84 + 192 * column, 132 + 200 * row});
  const auto copies = merge_for_copy(waits, WindowDamage::kCopyCallPixels);
  CHECK(copies.size() <= 10);
  long long copied = 0, redrawn = 0;
  for (const PixelRect& r : copies) copied += r.area();
  for (const PixelRect& wait : waits) {
    redrawn += wait.area();
    CHECK(std::any_of(copies.begin(), copies.end(),
                      [&](const PixelRect& c) { return c.intersection(wait) == wait; }));
  }
  // Never more than the calls saved are worth.
  CHECK(copied + static_cast<long long>(copies.size()) * WindowDamage::kCopyCallPixels <=
        redrawn + static_cast<long long>(waits.size()) * WindowDamage::kCopyCallPixels);

  const std::vector<PixelRect> corners{{0, 0, 32, 32}, {kW - 32, kH - 32, kW, kH}};
  CHECK(merge_for_copy(corners, WindowDamage::kCopyCallPixels) == corners);
}
