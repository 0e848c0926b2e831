#pragma once
// Time types used everywhere in floorwatch. Timestamps are UTC wall time with millisecond
// precision (events carry them); durations are plain milliseconds.
#include <chrono>
#include <cstdint>

namespace floorwatch::core {

using Duration = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline Timestamp from_epoch_ms(std::int64_t ms) {
  return Timestamp{Duration{ms}};
}
inline std::int64_t to_epoch_ms(Timestamp t) {
  return t.time_since_epoch().count();
}
inline double to_seconds(Duration d) {
  return static_cast<double>(d.count()) / 1000.0;
}
inline Duration seconds_to_duration(double seconds) {
  return Duration{static_cast<std::int64_t>(seconds * 1000.0 + (seconds >= 0 ? 0.5 : -0.5))};
}

}  // namespace floorwatch::core
