#pragma once
// The one error type of every floorwatch config file (kept apart so headers need no yaml-cpp).
#include <stdexcept>

namespace floorwatch::yaml_config {

/// A configuration problem, worded `FILE:LINE: key: problem` so an operator can jump to it.
class ConfigFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace floorwatch::yaml_config
