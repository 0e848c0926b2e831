#pragma once
// How often the board may draw: a token bucket of `rate` frames a second with room for a short
// burst. A change that comes while the board is idle is drawn at once (the event-to-screen
// latency is one frame); a long burst of deltas is drawn at most `rate` times a second, each
// frame showing the newest model. Pure: time is passed in.
#include <algorithm>
#include <chrono>

#include "wallboard/board_model.h"

namespace floorwatch::wallboard {

class FramePacer {
 public:
  explicit FramePacer(double frames_per_second = 30, double burst = 4)
      : rate_(frames_per_second), burst_(burst), tokens_(burst) {}

  /// How long to wait before drawing at `now`: zero while the bucket holds a frame.
  std::chrono::nanoseconds wait(SteadyTime now) {
    refill(now);
    if (tokens_ >= 1) return std::chrono::nanoseconds::zero();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>((1 - tokens_) / rate_));
  }
  /// A frame was drawn at `now`.
  void drew(SteadyTime now) {
    refill(now);
    tokens_ = std::max(0.0, tokens_ - 1);
  }

 private:
  void refill(SteadyTime now) {
    if (last_ != SteadyTime{})
      tokens_ =
          std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  SteadyTime last_{};
};

}  // namespace floorwatch::wallboard
