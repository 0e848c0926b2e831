#pragma once
// Bad input and refused connections must never flood the log: at most `burst` lines per
// `period`, the rest counted and reported with the next line let through.
#include <chrono>
#include <cstddef>

namespace floorwatch::daemon {

/// Decides whether a line may be logged at `now`. Not thread-safe: one per thread.
class RateLimitedLog {
 public:
  RateLimitedLog(std::chrono::steady_clock::duration period, int burst)
      : period_(period), burst_(burst) {}
  /// True when a message may be logged at `now`; `suppressed` receives how many were dropped
  /// since the last one let through.
  bool allow(std::chrono::steady_clock::time_point now, std::size_t& suppressed) {
    if (now - window_start_ >= period_) {
      window_start_ = now;
      used_ = 0;
    }
    if (used_ >= burst_) {
      ++suppressed_;
      return false;
    }
    ++used_;
    suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }

 private:
  std::chrono::steady_clock::duration period_;
  int burst_;
  std::chrono::steady_clock::time_point window_start_{};
  int used_ = 0;
  std::size_t suppressed_ = 0;
};

}  // namespace floorwatch::daemon
