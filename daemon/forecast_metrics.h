#pragma once
// The forecast series of /metrics (docs/metrics.md "Forecast"): floorwatch_queue_forecast_*,
// from the forecast worker's newest ForecastSet. A queue without a forecast has no series.
#include <functional>
#include <memory>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "daemon/forecast_set.h"
#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

/// The forecast families for one set (null: none yet). Every series carries `site`, `daemon`,
/// `queue` and `interval` ("next" or "rest_of_day"). Families without samples are dropped. Pure.
std::vector<prometheus::MetricFamily> build_forecast_families(const ForecastSet* forecasts,
                                                              const Identity& identity);

/// prometheus-cpp Collectable over a forecast source; thread-safe when the source is.
class ForecastCollectable final : public prometheus::Collectable {
 public:
  using Source = std::function<std::shared_ptr<const ForecastSet>()>;
  ForecastCollectable(Source source, Identity identity)
      : source_(std::move(source)), identity_(std::move(identity)) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    const auto forecasts = source_();
    return build_forecast_families(forecasts.get(), identity_);
  }

 private:
  Source source_;
  Identity identity_;
};

}  // namespace floorwatch::daemon
