#pragma once
// The floor's own patience: how long callers are willing to wait, estimated from what they did.
#include <cstdint>
#include <optional>

#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// What a queue's callers did within one window, as far as it tells their patience. Plain value.
struct PatienceObservations {
  /// Time all callers spent waiting in the window: the waits of answered, abandoned and exited
  /// callers, plus the wait so far (up to now) of callers still waiting.
  Duration total_wait{0};
  /// Callers who hung up while waiting (short abandons included: they are patience too).
  std::int64_t abandoned = 0;
};

/// Fewest abandons the estimate is trusted on: its relative standard error is about
/// 1/√abandoned, so 20 abandons give roughly ±22 %.
inline constexpr std::int64_t kMinAbandonsForPatience = 20;

/// Mean patience in seconds, for exponentially distributed patience: total_wait / abandoned
/// (the maximum-likelihood estimate when the waits of answered and still-waiting callers are
/// lower bounds of their patience). nullopt below `min_abandoned` abandons or with no waiting.
std::optional<double> estimate_mean_patience_seconds(
    const PatienceObservations& observations, std::int64_t min_abandoned = kMinAbandonsForPatience);

}  // namespace floorwatch::core
