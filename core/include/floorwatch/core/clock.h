#pragma once
// Injected time. Engines never read the wall clock themselves: the daemon picks a Clock once and
// passes `now` down, so windows, midnight resets, DST days and replays are deterministic in tests.
#include <atomic>

#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// Source of "now" for everything that depends on time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

/// The real wall clock (system_clock, truncated to milliseconds).
class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

/// A clock set by hand; for tests. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_ms_(to_epoch_ms(start)) {}
  Timestamp now() const override { return from_epoch_ms(now_ms_.load()); }
  void set(Timestamp t) { now_ms_.store(to_epoch_ms(t)); }
  void advance(Duration d) { now_ms_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

/// "Now" is the latest event timestamp observed (replays and backtests: `--clock event`).
/// Never moves backwards. Thread-safe.
class EventClock final : public Clock {
 public:
  Timestamp now() const override { return from_epoch_ms(latest_ms_.load()); }
  void observe(Timestamp event_time);

 private:
  std::atomic<std::int64_t> latest_ms_{0};
};

}  // namespace floorwatch::core
