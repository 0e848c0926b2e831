#pragma once
// /metrics for queue groups (`floorwatch_group_*`, docs/metrics.md "Queue groups"): the
// groups' own counters, classified with each group's settings, mirroring the queue families
// that add up across queues. Pure.
#include <vector>

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::daemon {

/// The group families of `groups`; every series carries `identity_labels` (site, daemon) and
/// `group`. Families without samples are left out.
std::vector<prometheus::MetricFamily> build_group_families(
    const std::vector<core::GroupSnapshot>& groups,
    const std::vector<prometheus::ClientMetric::Label>& identity_labels);

}  // namespace floorwatch::daemon
