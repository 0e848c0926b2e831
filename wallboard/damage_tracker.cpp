#include "wallboard/damage_tracker.h"

#include <algorithm>
#include <cmath>

namespace floorwatch::wallboard {

namespace {

// The merges below work in tiles, not pixels (cover_dirty_tiles scales the result).
using TileRect = PixelRect;

// Runs of dirty tiles in each row (a one-tile gap is bridged), stacked rows with the same run
// merged into one rectangle.
std::vector<TileRect> runs(const std::vector<bool>& dirty, int tiles_x, int tiles_y) {
  std::vector<TileRect> done, open;
  for (int y = 0; y < tiles_y; ++y) {
    std::vector<TileRect> row;
    for (int x = 0; x < tiles_x; ++x) {
      if (!dirty[static_cast<std::size_t>(y * tiles_x + x)]) continue;
      if (!row.empty() && x - row.back().x1 <= 1)
        row.back().x1 = x + 1;
      else
        row.push_back({x, y, x + 1, y + 1});
    }
    std::vector<TileRect> next;
    for (TileRect& r : row) {
      const auto above = std::find_if(open.begin(), open.end(), [&](const TileRect& o) {
        return o.x0 == r.x0 && o.x1 == r.x1;
      });
      if (above != open.end()) {
        r.y0 = above->y0;
        open.erase(above);
      }
      next.push_back(r);
    }
    done.insert(done.end(), open.begin(), open.end());
    open = std::move(next);
  }
  done.insert(done.end(), open.begin(), open.end());
  return done;
}

// One band per run of rows holding dirty tiles, as wide as their dirty tiles; neighbouring bands
// merged (the pair costing the fewest extra tiles first) until at most `max_rects` remain.
std::vector<TileRect> bands(const std::vector<bool>& dirty, int tiles_x, int tiles_y,
                            std::size_t max_rects) {
  std::vector<TileRect> out;
  for (int y = 0; y < tiles_y; ++y) {
    int x0 = tiles_x, x1 = 0;
    for (int x = 0; x < tiles_x; ++x)
      if (dirty[static_cast<std::size_t>(y * tiles_x + x)]) {
        x0 = std::min(x0, x);
        x1 = x + 1;
      }
    if (x1 == 0) continue;
    if (!out.empty() && out.back().y1 == y) {
      out.back() = {std::min(out.back().x0, x0), out.back().y0, std::max(out.back().x1, x1), y + 1};
    } else {
      out.push_back({x0, y, x1, y + 1});
    }
  }
  while (out.size() > max_rects) {
    std::size_t best = 0;
    long long best_cost = -1;
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
      const TileRect& a = out[i];
      const TileRect& b = out[i + 1];
      const TileRect u{std::min(a.x0, b.x0), a.y0, std::max(a.x1, b.x1), b.y1};
      const long long cost = u.area() - a.area() - b.area();
      if (best_cost < 0 || cost < best_cost) {
        best_cost = cost;
        best = i;
      }
    }
    const TileRect& b = out[best + 1];
    out[best] = {std::min(out[best].x0, b.x0), out[best].y0, std::max(out[best].x1, b.x1), b.y1};
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  return out;
}

// A coarse grid of at most `max_rects` cells, roughly square; in each cell the box around its
// dirty tiles. Scattered small changes (every tile's ticking wait) stay small, where bands would
// span whole rows of tiles.
std::vector<TileRect> cell_boxes(const std::vector<bool>& dirty, int tiles_x, int tiles_y,
                                 std::size_t max_rects) {
  const double wanted = std::sqrt(static_cast<double>(max_rects) * tiles_x / tiles_y);
  const int columns = std::clamp(static_cast<int>(wanted), 1, static_cast<int>(max_rects));
  const int rows = std::max(1, static_cast<int>(max_rects) / columns);
  std::vector<TileRect> out;
  for (int row = 0; row < rows; ++row)
    for (int column = 0; column < columns; ++column) {
      const int cx0 = column * tiles_x / columns, cx1 = (column + 1) * tiles_x / columns;
      const int cy0 = row * tiles_y / rows, cy1 = (row + 1) * tiles_y / rows;
      TileRect box{cx1, cy1, cx0, cy0};
      for (int y = cy0; y < cy1; ++y)
        for (int x = cx0; x < cx1; ++x)
          if (dirty[static_cast<std::size_t>(y * tiles_x + x)])
            box = {std::min(box.x0, x), std::min(box.y0, y), std::max(box.x1, x + 1),
                   std::max(box.y1, y + 1)};
      if (box.x0 < box.x1) out.push_back(box);
    }
  return out;
}

// Merges the pair whose box adds the fewest tiles until at most `max_rects` remain; a box that
// comes to overlap another takes it in too, so the rectangles stay disjoint. O(n^2) a merge: for
// a few dozen changes more than the limit (a page of ticking waits), not for a page of text.
std::vector<TileRect> merge_nearest(std::vector<TileRect> rects, std::size_t max_rects) {
  while (rects.size() > max_rects) {
    std::size_t best_i = 0, best_j = 1;
    long long best_cost = -1;
    for (std::size_t i = 0; i < rects.size(); ++i)
      for (std::size_t j = i + 1; j < rects.size(); ++j) {
        const long long cost =
            rects[i].bounding(rects[j]).area() - rects[i].area() - rects[j].area();
        if (best_cost < 0 || cost < best_cost) {
          best_cost = cost;
          best_i = i;
          best_j = j;
        }
      }
    TileRect merged = rects[best_i].bounding(rects[best_j]);
    rects.erase(rects.begin() + static_cast<std::ptrdiff_t>(best_j));
    rects.erase(rects.begin() + static_cast<std::ptrdiff_t>(best_i));
    for (auto it = rects.begin(); it != rects.end();) {
      if (!it->intersects(merged)) {
        ++it;
        continue;
      }
      merged = merged.bounding(*it);
      rects.erase(it);
      it = rects.begin();  // the box grew: look again from the start
    }
    rects.push_back(merged);
  }
  return rects;
}

long long tile_area(const std::vector<TileRect>& rects) {
  long long area = 0;
  for (const TileRect& r : rects) area += r.area();
  return area;
}

}  // namespace

std::vector<PixelRect> cover_dirty_tiles(const std::vector<bool>& dirty, int tiles_x, int tiles_y,
                                         int tile, int width, int height, std::size_t max_rects) {
  std::vector<TileRect> tiles = runs(dirty, tiles_x, tiles_y);
  if (tiles.size() > max_rects) {
    // Too many: whichever merge redraws least — nearest pairs (a few too many), rows of changes
    // (bands) or scattered ones (cells).
    std::vector<std::vector<TileRect>> merges{bands(dirty, tiles_x, tiles_y, max_rects),
                                              cell_boxes(dirty, tiles_x, tiles_y, max_rects)};
    if (tiles.size() <= 2 * max_rects) merges.push_back(merge_nearest(tiles, max_rects));
    tiles = *std::min_element(merges.begin(), merges.end(), [](const auto& a, const auto& b) {
      return tile_area(a) < tile_area(b);
    });
  }
  std::vector<PixelRect> out;
  for (const TileRect& t : tiles)
    out.push_back(
        {t.x0 * tile, t.y0 * tile, std::min(t.x1 * tile, width), std::min(t.y1 * tile, height)});
  return out;
}

void DamageTracker::begin_frame(int width, int height) {
  if (width != width_ || height != height_) {
    width_ = width;
    height_ = height;
    tiles_x_ = (width + kTile - 1) / kTile;
    tiles_y_ = (height + kTile - 1) / kTile;
    history_.clear();
  }
  current_.assign(static_cast<std::size_t>(tiles_x_) * static_cast<std::size_t>(tiles_y_),
                  kEmptyTile);
  pending_tx1_ = pending_ty1_ = -1;
}

void DamageTracker::flush_pending() {
  for (int ty = pending_ty0_; ty <= pending_ty1_; ++ty) {
    std::uint64_t* row = &current_[static_cast<std::size_t>(ty * tiles_x_)];
    for (int tx = pending_tx0_; tx <= pending_tx1_; ++tx) row[tx] = fold(row[tx], pending_hash_);
  }
  pending_tx1_ = pending_ty1_ = -1;
}

std::vector<PixelRect> DamageTracker::end_frame(int buffer_age) {
  flush_pending();
  std::vector<PixelRect> out;
  if (buffer_age < 1 || static_cast<std::size_t>(buffer_age) > history_.size()) {
    out = full_screen();
  } else {
    const std::vector<std::uint64_t>& then = history_[static_cast<std::size_t>(buffer_age - 1)];
    std::vector<bool> dirty(current_.size());
    for (std::size_t i = 0; i < current_.size(); ++i) dirty[i] = current_[i] != then[i];
    out = cover_dirty_tiles(dirty, tiles_x_, tiles_y_, kTile, width_, height_, kMaxRects);
  }
  if (history_.size() == kHistory) {  // reuse the oldest frame's tiles: no allocation per frame
    std::rotate(history_.begin(), history_.end() - 1, history_.end());
    history_.front().swap(current_);
  } else {
    history_.insert(history_.begin(), current_);
  }
  return out;
}

std::vector<PixelRect> DamageTracker::full_screen() const {
  if (width_ <= 0 || height_ <= 0) return {};
  return {PixelRect{0, 0, width_, height_}};
}

std::vector<PixelRect> merge_for_copy(std::vector<PixelRect> rects, long long call_pixels) {
  for (;;) {
    long long best_saving = 0;
    std::size_t best_i = 0, best_j = 0;
    for (std::size_t i = 0; i < rects.size(); ++i)
      for (std::size_t j = i + 1; j < rects.size(); ++j) {
        const long long saving =
            rects[i].area() + rects[j].area() + call_pixels - rects[i].bounding(rects[j]).area();
        if (saving > best_saving) {
          best_saving = saving;
          best_i = i;
          best_j = j;
        }
      }
    if (best_saving == 0) return rects;
    rects[best_i] = rects[best_i].bounding(rects[best_j]);
    rects.erase(rects.begin() + static_cast<std::ptrdiff_t>(best_j));
  }
}

std::vector<PixelRect> WindowDamage::to_copy(const std::vector<PixelRect>& redrawn, int width,
                                             int height) {
  if (width != width_ || height != height_) {
    width_ = width;
    height_ = height;
    whole_ = true;
  }
  if (width <= 0 || height <= 0) return {};
  if (!whole_) return merge_for_copy(redrawn, kCopyCallPixels);
  whole_ = false;
  return {PixelRect{0, 0, width, height}};
}

}  // namespace floorwatch::wallboard
