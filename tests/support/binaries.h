#pragma once
// Where this build put the programs tests start as real processes (floorwatchd, the
// collector, floorwatchctl), so no test spells a build path of its own.
#include <string>

namespace floorwatch::test {

/// A file of this build by its path relative to the build directory.
inline std::string binary(const std::string& relative) {
  return std::string(FLOORWATCH_BINARY_DIR) + "/" + relative;
}
inline const std::string& daemon_binary() {
  static const std::string path = binary("daemon/floorwatchd");
  return path;
}
inline const std::string& collector_binary() {
  static const std::string path = binary("collectors/floorwatch-collector");
  return path;
}
inline const std::string& ctl_binary() {
  static const std::string path = binary("daemon/floorwatchctl");
  return path;
}

}  // namespace floorwatch::test
