#pragma once
// /metrics: the floor's figures, built from the loop's latest published view at each scrape,
// plus the daemon's
// self metrics. Names and meanings: docs/metrics.md.
#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "daemon/floor_view.h"
#include "daemon/self_metrics.h"
#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::daemon {

/// The metric families for one snapshot. Every series carries `site` and `daemon`, queue
/// series also `queue`. Figures that are absent in the snapshot (zero denominator) have no
/// sample at all; families left without samples are dropped. Pure function.
std::vector<prometheus::MetricFamily> build_floor_families(const core::FloorSnapshot& snapshot,
                                                           const Identity& identity);

/// prometheus-cpp Collectable over the loop's published FloorView. Thread-safe and read-only:
/// called on the HTTP server's threads, it never touches the engine; the Erlang C figures are
/// computed here, on the scrape thread.
class FloorCollectable final : public prometheus::Collectable {
 public:
  FloorCollectable(const FloorViewPublisher& views, Identity identity)
      : views_(views), identity_(std::move(identity)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const FloorViewPublisher& views_;
  Identity identity_;
};

/// The HTTP endpoint serving /metrics. Binds in the constructor (throws on failure).
class MetricsExporter {
 public:
  /// `listen` is HOST:PORT; port 0 lets the OS choose (see listening_address()).
  MetricsExporter(const std::string& listen, const FloorViewPublisher& views,
                  const Identity& identity, std::shared_ptr<prometheus::Registry> self_metrics);
  /// HOST:PORT actually bound, e.g. "127.0.0.1:40125".
  std::string listening_address() const;
  /// Adds more series to every scrape (e.g. the alert metrics).
  void add_collectable(const std::shared_ptr<prometheus::Collectable>& collectable) {
    exposer_.RegisterCollectable(collectable);
  }
  /// Stops exporting `collectable` (e.g. the alert metrics of rules replaced by a reload).
  void remove_collectable(const std::shared_ptr<prometheus::Collectable>& collectable) {
    exposer_.RemoveCollectable(collectable);
  }

 private:
  std::string host_;
  std::shared_ptr<FloorCollectable> floor_collectable_;
  std::shared_ptr<prometheus::Registry> self_metrics_;
  prometheus::Exposer exposer_;
};

}  // namespace floorwatch::daemon
