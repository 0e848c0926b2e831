#pragma once
// Which parts of the screen a frame changed. The screen is cut into tiles; every primitive of a
// frame (a triangle, a cleared rectangle) adds its hash to each tile its bounding box touches,
// in draw order. A tile whose hash equals the one it had in the frame the back buffer still
// holds shows the same pixels, so only the other tiles are redrawn. With software GL (a wall PC
// without a GPU, Xvfb) a frame costs what it shades: one agent's row instead of the screen
// (docs/benchmarks.md). Pure: no GL, no ImGui; the board's partial_redraw feeds it.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace floorwatch::wallboard {

/// A rectangle of framebuffer pixels, y down, half-open: [x0, x1) × [y0, y1).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  bool intersects(const PixelRect& o) const {
    return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1;
  }
  PixelRect intersection(const PixelRect& o) const {
    return {std::max(x0, o.x0), std::max(y0, o.y0), std::min(x1, o.x1), std::min(y1, o.y1)};
  }
  /// The smallest rectangle holding both.
  PixelRect bounding(const PixelRect& o) const {
    return {std::min(x0, o.x0), std::min(y0, o.y0), std::max(x1, o.x1), std::max(y1, o.y1)};
  }
  long long area() const { return empty() ? 0 : 1LL * (x1 - x0) * (y1 - y0); }
  friend bool operator==(const PixelRect&, const PixelRect&) = default;
};

class DamageTracker {
 public:
  static constexpr int kTile = 32;              ///< tile edge in pixels
  static constexpr int kHistory = 4;            ///< frames kept (buffer ages 1..4)
  static constexpr std::size_t kMaxRects = 48;  ///< redraw passes are merged down to this many

  /// Starts hashing a frame of `width` × `height` pixels.
  void begin_frame(int width, int height);
  /// One primitive of the frame, in draw order: `box` is what it can touch (already clipped).
  void add(const PixelRect& box, std::uint64_t hash) {
    const PixelRect b = box.intersection({0, 0, width_, height_});
    if (b.empty()) return;
    const int tx0 = b.x0 / kTile, ty0 = b.y0 / kTile;
    const int tx1 = (b.x1 - 1) / kTile, ty1 = (b.y1 - 1) / kTile;
    if (tx0 == pending_tx0_ && ty0 == pending_ty0_ && tx1 == pending_tx1_ && ty1 == pending_ty1_) {
      pending_hash_ = fold(pending_hash_, hash);
      return;
    }
    flush_pending();
    pending_tx0_ = tx0;
    pending_ty0_ = ty0;
    pending_tx1_ = tx1;
    pending_ty1_ = ty1;
    pending_hash_ = fold(kEmptyTile, hash);
  }
  /// Ends the frame. `buffer_age`: how many frames ago the back buffer was this frame's (1 = the
  /// previous frame; 0 = unknown). Returns the disjoint rectangles to redraw (the whole screen
  /// when the age is unknown, older than the history, or after invalidate() or a resize).
  std::vector<PixelRect> end_frame(int buffer_age);
  /// The pixels no longer match any frame's hashes (new font texture, lost buffer).
  void invalidate() { history_.clear(); }

  int tiles_x() const { return tiles_x_; }
  int tiles_y() const { return tiles_y_; }

 private:
  static constexpr std::uint64_t kEmptyTile = 0x6a09e667f3bcc909ULL;
  // Order matters: the same primitives drawn in another order can blend to other pixels.
  static std::uint64_t fold(std::uint64_t tile, std::uint64_t hash) {
    tile = (tile << 5) | (tile >> 59);
    return (tile ^ hash) * 0x9e3779b97f4a7c15ULL;
  }
  void flush_pending();
  std::vector<PixelRect> full_screen() const;
  std::vector<PixelRect> rects_from_tiles(const std::vector<bool>& dirty) const;

  int width_ = 0, height_ = 0, tiles_x_ = 0, tiles_y_ = 0;
  std::vector<std::uint64_t> current_;
  // Consecutive primitives on the same tiles (a glyph's two triangles, a word in one tile) are
  // folded together first and written to the tiles once.
  int pending_tx0_ = 0, pending_ty0_ = 0, pending_tx1_ = -1, pending_ty1_ = -1;
  std::uint64_t pending_hash_ = 0;
  std::vector<std::vector<std::uint64_t>> history_;  ///< newest first
};

/// Which parts of the back buffer the window must be given after a frame, when presenting copies
/// the back buffer to the window (it keeps its pixels): only what the frame redrew, as long as
/// the window still shows the previous frame; the whole buffer at first, after a resize, or once
/// the window lost its pixels (an X expose). Pure; not thread-safe.
class WindowDamage {
 public:
  /// A copy to the window costs a call into the X server (with Mesa's software GL on Xvfb about
  /// 37 µs) besides its pixels (about 1.4 ns each, both sides): as much as this many pixels.
  static constexpr long long kCopyCallPixels = 32 * 1024;
  /// The rectangles (y down) to copy after a frame that redrew `redrawn` of `width` × `height`:
  /// neighbours are copied as one where that is cheaper (what lies between them is unchanged,
  /// so copying it again is harmless).
  std::vector<PixelRect> to_copy(const std::vector<PixelRect>& redrawn, int width, int height);
  /// The window no longer shows the last frame: the next copy is whole.
  void lost() { whole_ = true; }

 private:
  bool whole_ = true;
  int width_ = 0, height_ = 0;
};

/// `rects` with pairs merged into their bounding box while that saves more than it adds:
/// each rectangle costs `call_pixels` plus its area.
std::vector<PixelRect> merge_for_copy(std::vector<PixelRect> rects, long long call_pixels);

/// Disjoint rectangles covering every dirty tile, at most `max_rects` (merging neighbours when
/// there are more). `dirty` is row-major, `tiles_x` × `tiles_y`; tiles are `tile` pixels,
/// clipped to `width` × `height`.
std::vector<PixelRect> cover_dirty_tiles(const std::vector<bool>& dirty, int tiles_x, int tiles_y,
                                         int tile, int width, int height, std::size_t max_rects);

}  // namespace floorwatch::wallboard
