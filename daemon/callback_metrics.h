#pragma once
// The call-back worklist's site-wide counters for /metrics (docs/metrics.md "Call-backs owed"):
// a call-back moves between queues when its caller tries another one, so its closings are
// counted for the site. The per-queue gauges are with the other queue figures
// (metrics_exporter.cpp).
#include <vector>

#include <prometheus/metric_family.h>

#include "daemon/self_metrics.h"
#include "floorwatch/core/callback_worklist.h"

namespace floorwatch::daemon {

/// floorwatch_callbacks_closed_total{reason} (every reason, 0 included) and
/// floorwatch_callbacks_without_number_total, labelled with site and daemon. Pure function.
std::vector<prometheus::MetricFamily> build_callback_families(
    const core::CallbackCounters& counters, const Identity& identity);

}  // namespace floorwatch::daemon
