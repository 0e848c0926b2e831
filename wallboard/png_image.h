#pragma once
// RGBA images in and out of PNG files (libpng), and the pixel statistics tests use to check a
// screenshot region ("is the oldest-wait box vermillion?", "is the stale board grey?").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wallboard/board_layout.h"
#include "wallboard/board_logic.h"

namespace floorwatch::wallboard {

/// 8-bit RGBA pixels, rows top to bottom. Plain value type.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
  Rgba at(int x, int y) const;
};

/// Writes `image` as an 8-bit RGBA PNG. False with `error` set on failure.
bool write_png(const std::string& path, const Image& image, std::string& error);
/// Reads any 8-bit PNG as RGBA. nullopt with `error` set on failure.
std::optional<Image> read_png(const std::string& path, std::string& error);

/// What the pixels of a region look like.
struct RegionStats {
  std::size_t pixels = 0;
  double max_chroma = 0;  ///< max over pixels of max(r,g,b) - min(r,g,b): 0 for pure greys
  double share_near(const Rgba& colour) const;  ///< share within `tolerance` (per channel)
  std::vector<Rgba> samples;                    ///< every pixel (regions in tests are small)
  int tolerance = 40;
};
RegionStats region_stats(const Image& image, const Rect& region);

}  // namespace floorwatch::wallboard
