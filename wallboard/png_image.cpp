#include "wallboard/png_image.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <png.h>

namespace floorwatch::wallboard {

Rgba Image::at(int x, int y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                         static_cast<std::size_t>(x)) *
                        4;
  return {rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]};
}

bool write_png(const std::string& path, const Image& image, std::string& error) {
  png_image out{};
  out.version = PNG_IMAGE_VERSION;
  out.width = static_cast<png_uint_32>(image.width);
  out.height = static_cast<png_uint_32>(image.height);
  out.format = PNG_FORMAT_RGBA;
  if (!png_image_write_to_file(&out, path.c_str(), 0, image.rgba.data(), 0, nullptr)) {
    error = path + ": " + out.message;
    return false;
  }
  return true;
}

std::optional<Image> read_png(const std::string& path, std::string& error) {
  png_image in{};
  in.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&in, path.c_str())) {
    error = path + ": " + in.message;
    return std::nullopt;
  }
  in.format = PNG_FORMAT_RGBA;
  Image image;
  image.width = static_cast<int>(in.width);
  image.height = static_cast<int>(in.height);
  image.rgba.resize(PNG_IMAGE_SIZE(in));
  if (!png_image_finish_read(&in, nullptr, image.rgba.data(), 0, nullptr)) {
    error = path + ": " + in.message;
    png_image_free(&in);
    return std::nullopt;
  }
  return image;
}

double RegionStats::share_near(const Rgba& colour) const {
  if (samples.empty()) return 0;
  const auto near = std::count_if(samples.begin(), samples.end(), [&](const Rgba& p) {
    return std::abs(p.r - colour.r) <= tolerance && std::abs(p.g - colour.g) <= tolerance &&
           std::abs(p.b - colour.b) <= tolerance;
  });
  return static_cast<double>(near) / static_cast<double>(samples.size());
}

RegionStats region_stats(const Image& image, const Rect& region) {
  RegionStats stats;
  const int x0 = std::clamp(static_cast<int>(region.x), 0, image.width);
  const int y0 = std::clamp(static_cast<int>(region.y), 0, image.height);
  const int x1 = std::clamp(static_cast<int>(region.right()), 0, image.width);
  const int y1 = std::clamp(static_cast<int>(region.bottom()), 0, image.height);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const Rgba p = image.at(x, y);
      stats.samples.push_back(p);
      const int chroma = std::max({p.r, p.g, p.b}) - std::min({p.r, p.g, p.b});
      stats.max_chroma = std::max(stats.max_chroma, static_cast<double>(chroma));
    }
  }
  stats.pixels = stats.samples.size();
  return stats;
}

}  // namespace floorwatch::wallboard
