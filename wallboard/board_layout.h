#pragma once
// Where things go on the screen, as pure functions of the framebuffer size and what is shown.
// Everything scales with the height, so 1280x720 and 3840x2160 look the same, only sharper.
#include <cstddef>
#include <string>
#include <vector>

namespace floorwatch::wallboard {

/// A screen rectangle in pixels, origin top-left.
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
  bool empty() const { return w <= 0 || h <= 0; }
  /// This rectangle shrunk by `margin` on every side.
  Rect inset(float margin) const;
  /// A horizontal slice: `from` and `to` are fractions of the height.
  Rect rows(float from, float to) const;
  /// A vertical slice: `from` and `to` are fractions of the width.
  Rect columns(float from, float to) const;
};

/// Pixel sizes the fonts are rasterised at for a framebuffer height (rebuilt when it changes).
struct FontSizes {
  float small = 0;  ///< small print (formula, labels)
  float body = 0;   ///< figures, lists
  float large = 0;  ///< tile titles, header
  float huge = 0;   ///< "calls waiting" digits
  bool operator==(const FontSizes&) const = default;
};
FontSizes font_sizes_for(float framebuffer_height);

/// The screen's bands.
struct ScreenLayout {
  float unit = 1;     ///< 1 at 1080 px high: paddings scale with it
  Rect header;        ///< title, page, site clock, connection state
  Rect stale_banner;  ///< "no data for N s"; empty while the data is live
  Rect alert_banner;  ///< firing alerts; empty when none
  Rect page;          ///< the current page's content
};
/// `alert_lines`: banner lines to make room for (at most 3 are shown).
ScreenLayout layout_screen(float width, float height, std::size_t alert_lines, bool stale);

/// Columns x rows for `tiles` tiles in `area`, making tiles as large as possible at roughly the
/// `ideal_aspect` width/height.
struct Grid {
  int columns = 1;
  int rows = 1;
};
Grid choose_grid(std::size_t tiles, const Rect& area, float gap, float ideal_aspect = 1.6f);
/// Tile rectangles, row by row.
std::vector<Rect> tile_rects(const Rect& area, std::size_t tiles, float gap);

/// The parts of one queue tile.
struct TileLayout {
  Rect title;          ///< queue name, alert badge
  Rect waiting;        ///< calls waiting (huge) and its label
  Rect oldest;         ///< oldest wait box, coloured by level
  Rect breach;         ///< callers breaching within 30 s
  Rect service_level;  ///< interval and today against target
  Rect formula;        ///< small print: "80/90 · short abandons excluded"
  Rect figures;        ///< ASA, abandoned
  Rect agents;         ///< available / busy / wrap-up / paused
  Rect staffing;       ///< agents needed vs staffed
  Rect forecast;       ///< the next interval's forecast
  Rect sparkline;      ///< today's interval service level with the target line
};
TileLayout layout_tile(const Rect& tile);

/// A list (agents, abandons) in as many columns as fit.
struct ListLayout {
  int columns = 1;
  int rows_per_column = 0;
  float row_height = 0;
  float column_width = 0;
  std::size_t visible = 0;  ///< rows that fit on one screen; the rest go on the next screens
  Rect row(const Rect& area, std::size_t index) const;
};
ListLayout list_layout(const Rect& area, float row_height, float min_column_width,
                       std::size_t count);

/// Named regions of the last frame, printed with --screenshot so tests can check pixels where
/// something was really drawn ("region tile:sales:oldest x y w h").
struct Region {
  std::string name;
  Rect rect;
};

}  // namespace floorwatch::wallboard
