#include "daemon/alert_service.h"

#include <map>

#include <prometheus/metric_family.h>
#include <spdlog/spdlog.h>

namespace floorwatch::daemon {

using nlohmann::json;

// Exported alert figures, copied from the loop after each evaluation; read by scrape threads.
class AlertService::Metrics final : public prometheus::Collectable {
 public:
  Metrics(Identity identity, const alerts::NotificationDispatcher* dispatcher)
      : identity_(std::move(identity)), dispatcher_(dispatcher) {}

  void set_firing(std::map<std::vector<std::string>, double> firing) {
    std::lock_guard lock(mutex_);
    firing_ = std::move(firing);
  }
  void count_transition(const std::string& rule, const std::string& to) {
    std::lock_guard lock(mutex_);
    ++transitions_[{rule, to}];
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::lock_guard lock(mutex_);
    std::vector<prometheus::MetricFamily> families;
    auto labels = [&](std::vector<std::pair<std::string, std::string>> extra) {
      std::vector<prometheus::ClientMetric::Label> result{{"site", identity_.site},
                                                          {"daemon", identity_.daemon}};
      for (auto& [name, value] : extra) result.push_back({name, value});
      return result;
    };
    prometheus::MetricFamily firing{
        "floorwatch_alerts_firing",
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
    if (dispatcher_) {
      prometheus::MetricFamily failed{"floorwatch_notifications_failed_total",
                                      "Notification attempts that did not deliver, by notifier",
                                      prometheus::MetricType::Counter,
                                      {}};
      prometheus::MetricFamily delivered{"floorwatch_notifications_delivered_total",
                                         "Notifications delivered, by notifier",
                                         prometheus::MetricType::Counter,
                                         {}};
      for (const auto& counters : dispatcher_->counters()) {
        prometheus::ClientMetric metric;
        metric.label = labels({{"notifier", counters.notifier}});
        metric.counter.value = static_cast<double>(counters.failed_attempts);
        failed.metric.push_back(metric);
        metric.counter.value = static_cast<double>(counters.delivered);
        delivered.metric.push_back(std::move(metric));
      }
      if (!failed.metric.empty()) {
        families.push_back(std::move(failed));
        families.push_back(std::move(delivered));
      }
    }
    return families;
  }

 private:
  Identity identity_;
  const alerts::NotificationDispatcher* dispatcher_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, double> firing_;
  std::map<std::pair<std::string, std::string>, double> transitions_;
};

namespace {

std::string label_or_empty(const alerts::Labels& labels, const std::string& name) {
  auto it = labels.find(name);
  return it == labels.end() ? std::string{} : it->second;
}

json alert_json(const alerts::Alert& alert) {
  json values = json::array();
  for (const auto& value : alert.values) values.push_back(value ? json(*value) : json(nullptr));
  json result{{"id", alert.id},
              {"rule", alert.rule},
              {"subject", alert.subject},
              {"labels", alert.labels},
              {"state", std::string(alerts::to_string(alert.state))},
              {"active_since", core::format_timestamp(alert.active_since)},
              {"values", std::move(values)},
              {"silenced", alert.silenced}};
  if (alert.fired_at) result["fired_at"] = core::format_timestamp(*alert.fired_at);
  if (alert.resolved_at) result["resolved_at"] = core::format_timestamp(*alert.resolved_at);
  if (alert.acknowledgement) {
    result["acknowledged_by"] = alert.acknowledgement->by;
    result["acknowledged_at"] = core::format_timestamp(alert.acknowledgement->at);
    result["ack_comment"] = alert.acknowledgement->comment;
  }
  return result;
}

}  // namespace

AlertService::AlertService(const alerts::AlertsConfig& config, const std::string& time_zone,
                           const Identity& identity, const std::string& generator_url)
    : engine_(config, alerts::EngineOptions{.time_zone = time_zone}),
      dispatcher_(alerts::make_dispatcher(
          config, alerts::NotifierContext{identity.site, identity.daemon, generator_url},
          [](const std::string& line) { spdlog::info("{}", line); })),
      metrics_(std::make_shared<Metrics>(identity, dispatcher_.get())) {}

AlertService::~AlertService() = default;

std::shared_ptr<prometheus::Collectable> AlertService::collectable() const {
  return metrics_;
}

bool AlertService::evaluate(SharedFloor& floor, const IngestProcessor& ingest,
                            core::Timestamp now) {
  std::map<std::string, core::Timestamp> latest_by_source;
  for (const auto& [stream, position] : ingest.streams()) {
    auto& latest = latest_by_source[stream.first];
    latest = std::max(latest, position.last_batch_at);
  }
  std::vector<alerts::SourceActivity> sources;
  for (const auto& [source, at] : latest_by_source) sources.push_back({source, at});

  // Only the queues changed since the last evaluation, built under the lock: the engine keeps
  // the figures of the others and re-checks them at their own deadlines.
  const core::SnapshotOptions options = engine_.snapshot_options();
  const core::FloorSnapshot snapshot =
      floor.with_state([&](core::FloorState& state) { return state.snapshot(now, options); });
  alerts::EvaluationResult result = engine_.evaluate(snapshot, sources, now);
  for (const auto& transition : result.transitions) {
    spdlog::info("alert {} {} -> {} rule={} queue={} reason={}", transition.id,
                 alerts::to_string(transition.from), alerts::to_string(transition.to),
                 transition.rule, label_or_empty(transition.labels, "queue"),
                 alerts::to_string(transition.reason));
    metrics_->count_transition(transition.rule, std::string(alerts::to_string(transition.to)));
  }
  if (dispatcher_ && !result.notifications.empty()) dispatcher_->submit(result.notifications);
  if (result.transitions.empty()) return false;
  publish_summary();
  return true;
}

void AlertService::publish_summary() {
  changed_ = true;
  std::map<std::vector<std::string>, double> firing;
  std::vector<FeedAlert> feed;
  for (const auto& alert : engine_.list()) {
    const std::string severity = label_or_empty(alert.labels, "severity");
    const std::string queue = label_or_empty(alert.labels, "queue");
    if (alert.state == alerts::AlertState::Firing ||
        alert.state == alerts::AlertState::Acknowledged) {
      firing[{alert.rule, queue, severity}] += 1;
    }
    FeedAlert item;
    item.id = std::to_string(alert.id);
    item.rule = alert.rule;
    item.queue = queue;
    item.severity =
        severity == "critical" ? FeedAlert::Severity::Critical : FeedAlert::Severity::Warning;
    switch (alert.state) {
      case alerts::AlertState::Pending:
        item.state = FeedAlert::State::Pending;
        break;
      case alerts::AlertState::Acknowledged:
        item.state = FeedAlert::State::Acknowledged;
        break;
      case alerts::AlertState::Resolved:
        item.state = FeedAlert::State::Resolved;
        break;
      default:
        item.state = FeedAlert::State::Firing;
        break;
    }
    item.since = alert.fired_at.value_or(alert.active_since);
    item.summary = label_or_empty(alert.labels, "alertname") + (queue.empty() ? "" : " " + queue);
    if (alert.acknowledgement) item.acknowledged_by = alert.acknowledgement->by;
    feed.push_back(std::move(item));
  }
  metrics_->set_firing(std::move(firing));
  std::lock_guard lock(feed_mutex_);
  feed_alerts_ = std::move(feed);
}

json AlertService::list_json() const {
  json active = json::array();
  for (const auto& alert : engine_.list()) active.push_back(alert_json(alert));
  json resolved = json::array();
  for (const auto& alert : engine_.history()) resolved.push_back(alert_json(alert));
  return json{{"alerts", std::move(active)}, {"resolved", std::move(resolved)}};
}

json AlertService::acknowledge(const json& request, core::Timestamp now) {
  const auto id = request.find("id");
  const auto by = request.find("by");
  if (id == request.end() || !(id->is_number_unsigned() || id->is_string()))
    return json{{"error", "ack needs \"id\" (the alert id from `floorwatchctl alerts`)"}};
  if (by == request.end() || !by->is_string() || by->get<std::string>().empty())
    return json{{"error", "ack needs \"by\": who takes ownership"}};
  alerts::AlertId alert_id = 0;
  try {
    alert_id = id->is_string() ? std::stoull(id->get<std::string>()) : id->get<alerts::AlertId>();
  } catch (const std::exception&) {
    return json{{"error", "alert id must be a number"}};
  }
  const std::string comment = request.value("comment", std::string{});
  alerts::AckResult result = engine_.acknowledge(alert_id, by->get<std::string>(), comment, now);
  if (result.status != alerts::AckStatus::Acknowledged) {
    return json{{"error", "alert " + std::to_string(alert_id) + ": " +
                              std::string(alerts::to_string(result.status))}};
  }
  if (result.transition) {
    spdlog::info("alert {} acknowledged by {} comment=\"{}\"", alert_id, by->get<std::string>(),
                 comment);
    metrics_->count_transition(result.transition->rule,
                               std::string(alerts::to_string(result.transition->to)));
  }
  if (dispatcher_ && !result.notifications.empty()) dispatcher_->submit(result.notifications);
  publish_summary();
  const alerts::Alert* alert = engine_.find(alert_id);
  return json{{"acknowledged", alert ? alert_json(*alert) : json(alert_id)}};
}

std::vector<FeedAlert> AlertService::feed_alerts() const {
  std::lock_guard lock(feed_mutex_);
  return feed_alerts_;
}

}  // namespace floorwatch::daemon
