#include "daemon/alert_metrics.h"

namespace floorwatch::daemon {

std::vector<prometheus::MetricFamily> AlertMetrics::Collect() const {
  std::lock_guard lock(mutex_);
  std::vector<prometheus::MetricFamily> families;
  auto labels = [&](std::vector<std::pair<std::string, std::string>> extra) {
    std::vector<prometheus::ClientMetric::Label> result{{"site", identity_.site},
                                                        {"daemon", identity_.daemon}};
    for (auto& [name, value] : extra) result.push_back({name, value});
    return result;
  };
  prometheus::MetricFamily firing{"floorwatch_alerts_firing",
                                  "Alerts firing or acknowledged now, by rule, queue and severity",
                                  prometheus::MetricType::Gauge,
                                  {}};
  for (const auto& [key, value] : firing_) {
    prometheus::ClientMetric metric;
    metric.label = labels({{"rule", key[0]}, {"queue", key[1]}, {"severity", key[2]}});
    metric.gauge.value = value;
    firing.metric.push_back(std::move(metric));
  }
  if (!firing.metric.empty()) families.push_back(std::move(firing));
  prometheus::MetricFamily transitions{"floorwatch_alert_transitions_total",
                                       "Alert lifecycle transitions, by rule and new state",
                                       prometheus::MetricType::Counter,
                                       {}};
  for (const auto& [key, value] : transitions_) {
    prometheus::ClientMetric metric;
    metric.label = labels({{"rule", key.first}, {"to", key.second}});
    metric.counter.value = value;
    transitions.metric.push_back(std::move(metric));
  }
  if (!transitions.metric.empty()) families.push_back(std::move(transitions));
  std::map<std::string, NotifierTotals> totals = settled_;
  for (const auto* dispatcher : dispatchers_) {
    for (const auto& counters : dispatcher->counters()) {
      totals[counters.notifier].failed += static_cast<double>(counters.failed_attempts);
      totals[counters.notifier].delivered += static_cast<double>(counters.delivered);
    }
  }
  prometheus::MetricFamily failed{"floorwatch_notifications_failed_total",
                                  "Notification attempts that did not deliver, by notifier",
                                  prometheus::MetricType::Counter,
                                  {}};
  prometheus::MetricFamily delivered{"floorwatch_notifications_delivered_total",
                                     "Notifications delivered, by notifier",
                                     prometheus::MetricType::Counter,
                                     {}};
  for (const auto& [notifier, counts] : totals) {
    prometheus::ClientMetric metric;
    metric.label = labels({{"notifier", notifier}});
    metric.counter.value = counts.failed;
    failed.metric.push_back(metric);
    metric.counter.value = counts.delivered;
    delivered.metric.push_back(std::move(metric));
  }
  if (!failed.metric.empty()) {
    families.push_back(std::move(failed));
    families.push_back(std::move(delivered));
  }
  return families;
}

}  // namespace floorwatch::daemon
