#include "daemon/ctl/duration.h"

#include <charconv>
#include <cmath>

namespace floorwatch::ctl {

std::optional<double> parse_duration_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double unit_seconds = 1;
  switch (text.back()) {
    case 's':
      unit_seconds = 1;
      text.remove_suffix(1);
      break;
    case 'm':
      unit_seconds = 60;
      text.remove_suffix(1);
      break;
    case 'h':
      unit_seconds = 3600;
      text.remove_suffix(1);
      break;
    default:
      break;
  }
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(number) || number < 0)
    return std::nullopt;
  return number * unit_seconds;
}

}  // namespace floorwatch::ctl
