#include "floorwatch/core/patience.h"

#include <algorithm>

namespace floorwatch::core {

std::optional<double> estimate_mean_patience_seconds(const PatienceObservations& observations,
                                                     std::int64_t min_abandoned) {
  // Below one abandon there is nothing to divide by, whatever the caller asked for.
  if (observations.abandoned < std::max<std::int64_t>(min_abandoned, 1)) return std::nullopt;
  if (observations.total_wait <= Duration::zero()) return std::nullopt;
  return to_seconds(observations.total_wait) / static_cast<double>(observations.abandoned);
}

}  // namespace floorwatch::core
