#include "daemon/forecast_metrics.h"

namespace floorwatch::daemon {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

MetricFamily gauge_family(std::string name, std::string help) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  return family;
}

void add(MetricFamily& family, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

}  // namespace

std::vector<MetricFamily> build_forecast_families(const ForecastSet* forecasts,
                                                  const Identity& identity) {
  std::vector<MetricFamily> f{
      gauge_family("floorwatch_queue_forecast_offered",
                   "Calls expected to enter the queue: interval=\"next\" (the interval after the "
                   "current one) or \"rest_of_day\" (from it to the end of the reporting day); "
                   "same weekday and interval of the last weeks, recent weeks weighted more"),
      gauge_family("floorwatch_queue_forecast_aht_seconds",
                   "Average handle time expected, by interval as for forecast_offered"),
      gauge_family(
          "floorwatch_queue_forecast_agents_needed",
          "Agents the next interval needs to meet the service-level target with the "
          "forecast calls and handle time: Erlang A with the queue's measured patience, else "
          "Erlang C"),
  };
  if (!forecasts) return {};
  for (const auto& [queue, forecast] : forecasts->queues) {
    const std::vector<ClientMetric::Label> labels{
        {"site", identity.site}, {"daemon", identity.daemon}, {"queue", queue}};
    auto with_interval = [&](const char* interval) {
      auto l = labels;
      l.push_back({"interval", interval});
      return l;
    };
    add(f[0], with_interval("next"), forecast.next.offered);
    if (forecast.next.handle_time_seconds)
      add(f[1], with_interval("next"), *forecast.next.handle_time_seconds);
    if (forecast.agents_needed) add(f[2], with_interval("next"), *forecast.agents_needed);
    if (forecast.rest_of_day) {
      add(f[0], with_interval("rest_of_day"), forecast.rest_of_day->offered);
      if (forecast.rest_of_day->handle_time_seconds)
        add(f[1], with_interval("rest_of_day"), *forecast.rest_of_day->handle_time_seconds);
    }
  }
  std::erase_if(f, [](const MetricFamily& family) { return family.metric.empty(); });
  return f;
}

}  // namespace floorwatch::daemon
