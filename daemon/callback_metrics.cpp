#include "daemon/callback_metrics.h"

#include <string>

namespace floorwatch::daemon {
namespace {

prometheus::ClientMetric counter(std::vector<prometheus::ClientMetric::Label> labels,
                                 std::int64_t value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = static_cast<double>(value);
  return metric;
}

}  // namespace

std::vector<prometheus::MetricFamily> build_callback_families(
    const core::CallbackCounters& counters, const Identity& identity) {
  const std::vector<prometheus::ClientMetric::Label> labels{{"site", identity.site},
                                                            {"daemon", identity.daemon}};
  prometheus::MetricFamily closed;
  closed.name = "floorwatch_callbacks_closed_total";
  closed.help =
      "Call-backs closed: called_back (someone said so), answered (the number reached an agent), "
      "dropped (the worklist was full)";
  closed.type = prometheus::MetricType::Counter;
  for (std::size_t r = 0; r < core::kCallbackCloseReasonCount; ++r) {
    auto with_reason = labels;
    with_reason.push_back(
        {"reason", std::string(core::to_string(static_cast<core::CallbackCloseReason>(r)))});
    closed.metric.push_back(counter(std::move(with_reason), counters.closed[r]));
  }
  prometheus::MetricFamily without_number;
  without_number.name = "floorwatch_callbacks_without_number_total";
  without_number.help =
      "Abandons without a caller number: nobody can call them back, never on the worklist";
  without_number.type = prometheus::MetricType::Counter;
  without_number.metric.push_back(counter(labels, counters.without_number));

  // The HA pair's shared closes (docs/ha.md "Shared call-back closes"). `known` is not
  // counted: the partner repeats its whole set every second.
  prometheus::MetricFamily peer;
  peer.name = "floorwatch_callbacks_peer_closes_total";
  peer.help =
      "Call-back closes made by hand on the HA partner and merged here: applied (closed a "
      "call-back here), held (for an abandon not seen here yet), earlier (replaced a later "
      "close of the same call-back), expired (too old to keep)";
  peer.type = prometheus::MetricType::Counter;
  for (std::size_t r = 0; r < core::kCallbackMergeResultCount; ++r) {
    const auto result = static_cast<core::CallbackMergeResult>(r);
    if (result == core::CallbackMergeResult::Known) continue;
    auto with_result = labels;
    with_result.push_back({"result", std::string(core::to_string(result))});
    peer.metric.push_back(counter(std::move(with_result), counters.peer_closes[r]));
  }
  prometheus::MetricFamily held;
  held.name = "floorwatch_callbacks_closes_held";
  held.help =
      "Call-back closes (from the HA partner) that match no call-back here yet, kept until an "
      "abandon they cover arrives or they expire";
  held.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric held_metric;
  held_metric.label = labels;
  held_metric.gauge.value = static_cast<double>(counters.closes_held);
  held.metric.push_back(std::move(held_metric));
  prometheus::MetricFamily forgotten;
  forgotten.name = "floorwatch_callbacks_close_records_dropped_total";
  forgotten.help =
      "Call-back close records forgotten because 10,000 were kept (the oldest close goes)";
  forgotten.type = prometheus::MetricType::Counter;
  forgotten.metric.push_back(counter(labels, counters.close_records_dropped));
  return {std::move(closed), std::move(without_number), std::move(peer), std::move(held),
          std::move(forgotten)};
}

}  // namespace floorwatch::daemon
