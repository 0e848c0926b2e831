#pragma once
// /metrics: the floor's figures, built from a fresh snapshot at each scrape, plus the daemon's
// self metrics. Names and meanings: docs/metrics.md.
#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "daemon/self_metrics.h"
#include "daemon/shared_floor.h"
#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::daemon {

/// The metric families for one snapshot. Every series carries `site` and `daemon`, queue
/// series also `queue`. Figures that are absent in the snapshot (zero denominator) have no
/// sample at all; families left without samples are dropped. Pure function.
std::vector<prometheus::MetricFamily> build_floor_families(const core::FloorSnapshot& snapshot,
                                                           const Identity& identity);

/// prometheus-cpp Collectable that snapshots the shared floor at scrape time. Thread-safe:
/// called on the HTTP server's threads, it holds the floor lock only for the snapshot.
class FloorCollectable final : public prometheus::Collectable {
 public:
  FloorCollectable(SharedFloor& floor, Identity identity)
      : floor_(floor), identity_(std::move(identity)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  SharedFloor& floor_;
  Identity identity_;
};

/// The HTTP endpoint serving /metrics. Binds in the constructor (throws on failure).
class MetricsExporter {
 public:
  /// `listen` is HOST:PORT; port 0 lets the OS choose (see listening_address()).
  MetricsExporter(const std::string& listen, SharedFloor& floor, const Identity& identity,
                  std::shared_ptr<prometheus::Registry> self_metrics);
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
