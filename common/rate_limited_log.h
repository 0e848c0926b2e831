#pragma once
// A log that shows at most `burst` lines per `period` at one level and summarises the rest
// ("N more bad lines not shown"), so a file full of bad lines cannot flood the log but the
// operator still learns how many there were. Time is passed in (see rate_limiter.h).
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>

#include "common/rate_limiter.h"

namespace floorwatch::common {

/// Not thread-safe: one per thread.
template <class TimePoint>
class RateLimitedLog {
 public:
  using Duration = typename TimePoint::duration;

  /// `dropped_what` names the dropped lines in the summary: "bad lines", "like this".
  RateLimitedLog(Duration period, int burst, std::string dropped_what = "like this",
                 spdlog::level::level_enum level = spdlog::level::warn)
      : limiter_(period, burst), dropped_what_(std::move(dropped_what)), level_(level) {}

  /// Logs `message` unless this window's lines are used up; the first line of a new window
  /// is preceded by the summary of what the previous windows dropped.
  void log(TimePoint now, const std::string& message) {
    std::size_t dropped = 0;
    if (!limiter_.allow(now, dropped)) return;
    summarise(dropped);
    spdlog::log(level_, "{}", message);
  }

  /// Logs the summary of what was dropped since the last line shown; call when done, or the
  /// count of a last burst would never be told.
  void flush() { summarise(limiter_.take_suppressed()); }

 private:
  void summarise(std::size_t dropped) const {
    if (dropped == 0) return;
    const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(limiter_.period());
    if (period == std::chrono::seconds(1))
      spdlog::log(level_, "{} more {} not shown (at most {} a second)", dropped, dropped_what_,
                  limiter_.burst());
    else
      spdlog::log(level_, "{} more {} not shown (at most {} every {} ms)", dropped, dropped_what_,
                  limiter_.burst(), period.count());
  }

  RateLimiter<TimePoint> limiter_;
  std::string dropped_what_;
  spdlog::level::level_enum level_;
};

}  // namespace floorwatch::common
