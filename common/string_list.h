#pragma once
// Comma-separated lists as people type them on a command line ("sales, billing" or an HA
// pair's "tcp://fw-a:5571,tcp://fw-b:5571"): items trimmed, blanks dropped.
#include <sstream>
#include <string>
#include <vector>

namespace floorwatch::common {

/// "a, b,,c" -> {"a", "b", "c"}.
inline std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
  }
  return items;
}

}  // namespace floorwatch::common
