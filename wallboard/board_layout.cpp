#include "wallboard/board_layout.h"

#include <algorithm>
#include <cmath>

namespace floorwatch::wallboard {

Rect Rect::inset(float margin) const {
  return {x + margin, y + margin, std::max(0.0f, w - 2 * margin), std::max(0.0f, h - 2 * margin)};
}

Rect Rect::rows(float from, float to) const {
  return {x, y + h * from, w, h * (to - from)};
}

Rect Rect::columns(float from, float to) const {
  return {x + w * from, y, w * (to - from), h};
}

FontSizes font_sizes_for(float framebuffer_height) {
  // Fractions of the height, so a 4K board is a sharper 1080p board; floors keep 720p legible.
  const float h = std::max(framebuffer_height, 480.0f);
  return {std::max(13.0f, std::round(h / 54)), std::max(16.0f, std::round(h / 34)),
          std::max(22.0f, std::round(h / 22)), std::max(64.0f, std::round(h / 5))};
}

ScreenLayout layout_screen(float width, float height, std::size_t alert_lines, bool stale) {
  ScreenLayout layout;
  layout.unit = height / 1080.0f;
  const float gap = 10 * layout.unit;
  float y = 0;
  layout.header = {0, y, width, std::round(height * 0.075f)};
  y += layout.header.h;
  if (stale) {
    layout.stale_banner = {0, y, width, std::round(height * 0.07f)};
    y += layout.stale_banner.h;
  }
  const std::size_t lines = std::min<std::size_t>(alert_lines, 3);
  if (lines > 0) {
    layout.alert_banner = {0, y, width, std::round(height * (0.02f + 0.055f * lines))};
    y += layout.alert_banner.h;
  }
  layout.page = Rect{0, y, width, height - y}.inset(gap);
  return layout;
}

Grid choose_grid(std::size_t tiles, const Rect& area, float gap, float ideal_aspect) {
  Grid best;
  if (tiles == 0) return best;
  float best_size = -1;
  for (std::size_t columns = 1; columns <= tiles; ++columns) {
    const std::size_t rows = (tiles + columns - 1) / columns;
    const float w = (area.w - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns);
    const float h = (area.h - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows);
    // Height of the largest tile of the ideal shape that fits the cell.
    const float size = std::min(w / ideal_aspect, h);
    if (size > best_size + 0.5f) {
      best_size = size;
      best = {static_cast<int>(columns), static_cast<int>(rows)};
    }
  }
  return best;
}

std::vector<Rect> tile_rects(const Rect& area, std::size_t tiles, float gap) {
  std::vector<Rect> rects;
  if (tiles == 0) return rects;
  const Grid grid = choose_grid(tiles, area, gap);
  const float w =
      (area.w - gap * static_cast<float>(grid.columns - 1)) / static_cast<float>(grid.columns);
  const float h =
      (area.h - gap * static_cast<float>(grid.rows - 1)) / static_cast<float>(grid.rows);
  for (std::size_t i = 0; i < tiles; ++i) {
    const auto column = static_cast<float>(i % static_cast<std::size_t>(grid.columns));
    const auto row = static_cast<float>(i / static_cast<std::size_t>(grid.columns));
    rects.push_back({std::round(area.x + column * (w + gap)), std::round(area.y + row * (h + gap)),
                     std::floor(w), std::floor(h)});
  }
  return rects;
}

TileLayout layout_tile(const Rect& tile) {
  const Rect inner = tile.inset(std::round(std::min(tile.w, tile.h) * 0.035f));
  const float gap = std::round(std::min(tile.w, tile.h) * 0.02f);
  TileLayout t;
  t.title = inner.rows(0.0f, 0.13f);
  const Rect body = inner.rows(0.15f, 0.80f);
  const Rect left = body.columns(0.0f, 0.40f);
  const Rect right = Rect{body.x + left.w + gap, body.y, body.w - left.w - gap, body.h};
  t.waiting = left.rows(0.0f, 0.55f);
  t.oldest = left.rows(0.58f, 0.84f);
  t.breach = left.rows(0.86f, 1.0f);
  t.service_level = right.rows(0.0f, 0.38f);
  t.formula = right.rows(0.39f, 0.49f);
  t.figures = right.rows(0.51f, 0.62f);
  t.agents = right.rows(0.63f, 0.74f);
  t.staffing = right.rows(0.76f, 0.87f);
  t.forecast = right.rows(0.89f, 1.0f);
  t.sparkline = inner.rows(0.82f, 1.0f);
  return t;
}

Rect ListLayout::row(const Rect& area, std::size_t index) const {
  const std::size_t column =
      rows_per_column > 0 ? index / static_cast<std::size_t>(rows_per_column) : 0;
  const std::size_t row =
      rows_per_column > 0 ? index % static_cast<std::size_t>(rows_per_column) : 0;
  return {area.x + static_cast<float>(column) * column_width,
          area.y + static_cast<float>(row) * row_height, column_width, row_height};
}

ListLayout list_layout(const Rect& area, float row_height, float min_column_width,
                       std::size_t count) {
  ListLayout list;
  list.row_height = row_height;
  list.rows_per_column = std::max(1, static_cast<int>(area.h / row_height));
  const int fit_columns = std::max(1, static_cast<int>(area.w / min_column_width));
  const int needed_columns =
      static_cast<int>((count + static_cast<std::size_t>(list.rows_per_column) - 1) /
                       static_cast<std::size_t>(list.rows_per_column));
  list.columns = std::clamp(needed_columns, 1, fit_columns);
  list.column_width = area.w / static_cast<float>(list.columns);
  list.visible = std::min(count, static_cast<std::size_t>(list.columns) *
                                     static_cast<std::size_t>(list.rows_per_column));
  return list;
}

}  // namespace floorwatch::wallboard
