#pragma once
// The real time in epoch milliseconds, as events carry it: tests of a daemon on the wall
// clock (`--clock wall`) stamp their events with it and measure alert timing against it.
#include <chrono>
#include <cstdint>

namespace floorwatch::test {

inline std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace floorwatch::test
