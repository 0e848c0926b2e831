#pragma once
// Decides whether one more log line may go out: at most `burst` lines per `period`, the rest
// counted so the next line let through can say how many were dropped. Bad input and refused
// connections arrive as fast as a peer can send them; without a limit they would flood the
// log and hide everything else. Pure: the caller passes `now` from whatever clock it injects,
// which is why this is a template on the time-point type (steady_clock in the daemon's loop,
// core::Timestamp in the collectors, so tests can drive it with a manual clock).
#include <cstddef>
#include <optional>

namespace floorwatch::common {

/// Not thread-safe: one per thread.
template <class TimePoint>
class RateLimiter {
 public:
  using Duration = typename TimePoint::duration;

  RateLimiter(Duration period, int burst) : period_(period), burst_(burst) {}

  /// True when a line may be logged at `now`; `suppressed` then receives how many were
  /// dropped since the last line let through. The first call opens the first window.
  bool allow(TimePoint now, std::size_t& suppressed) {
    if (!window_start_ || now - *window_start_ >= period_) {
      window_start_ = now;
      used_ = 0;
    }
    if (used_ >= burst_) {
      ++suppressed_;
      return false;
    }
    ++used_;
    suppressed = take_suppressed();
    return true;
  }

  /// How many were dropped since the last line let through, and forgets them: for a summary
  /// when the caller is done (no further line will carry the count).
  std::size_t take_suppressed() {
    const std::size_t dropped = suppressed_;
    suppressed_ = 0;
    return dropped;
  }

  Duration period() const { return period_; }
  int burst() const { return burst_; }

 private:
  Duration period_;
  int burst_;
  std::optional<TimePoint> window_start_;
  int used_ = 0;
  std::size_t suppressed_ = 0;
};

}  // namespace floorwatch::common
