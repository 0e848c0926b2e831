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
  return {std::move(closed), std::move(without_number)};
}

}  // namespace floorwatch::daemon
