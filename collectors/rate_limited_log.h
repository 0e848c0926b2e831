#pragma once
// A warning log that shows at most N lines a second and counts the rest, so a file full of bad
// lines cannot flood the log. Time is passed in (the source's injected clock).
#include <spdlog/spdlog.h>

#include <cstdint>
#include <optional>
#include <string>

#include "floorwatch/core/time.h"

namespace floorwatch::collectors {

/// At most `per_second` lines a second at `level`; the suppressed ones are counted and
/// summarised when the next window opens (or by flush()). Not thread-safe.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(int per_second, spdlog::level::level_enum level = spdlog::level::warn)
      : per_second_(per_second), level_(level) {}

  void log(core::Timestamp now, const std::string& message) {
    if (!window_start_ || now - *window_start_ >= core::Duration{1000}) {
      flush();
      window_start_ = now;
      shown_in_window_ = 0;
    }
    if (shown_in_window_ < per_second_) {
      ++shown_in_window_;
      spdlog::log(level_, "{}", message);
    } else {
      ++suppressed_;
    }
  }

  void flush() {
    if (suppressed_ == 0) return;
    spdlog::log(level_, "{} more like this not shown (at most {} a second)", suppressed_,
                per_second_);
    suppressed_ = 0;
  }

 private:
  int per_second_;
  spdlog::level::level_enum level_;
  std::optional<core::Timestamp> window_start_;
  int shown_in_window_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace floorwatch::collectors
