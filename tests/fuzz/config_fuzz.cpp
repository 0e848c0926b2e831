// Fuzz target: floorwatchd's config file (daemon/config via yaml_config, including the alerts
// section and its rule expressions). Invariant: any input either parses or is rejected with a
// ConfigError worded FILE:LINE: key: problem; any other exception (yaml-cpp conversions,
// std::out_of_range, ...) escapes and libFuzzer reports it as a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "daemon/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    floorwatch::daemon::parse_config(text, "fuzz.yaml");
  } catch (const floorwatch::daemon::ConfigError& error) {
    if (std::string(error.what()).rfind("fuzz.yaml", 0) != 0) std::abort();
  }
  return 0;
}
