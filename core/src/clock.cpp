#include "floorwatch/core/clock.h"

namespace floorwatch::core {

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

void EventClock::observe(Timestamp event_time) {
  const std::int64_t ms = to_epoch_ms(event_time);
  std::int64_t seen = latest_ms_.load();
  // Only ever forward: replays may carry slightly out-of-order timestamps.
  while (ms > seen && !latest_ms_.compare_exchange_weak(seen, ms)) {
  }
}

}  // namespace floorwatch::core
