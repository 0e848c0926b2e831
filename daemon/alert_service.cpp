#include "daemon/alert_service.h"

#include <algorithm>
#include <map>

#include <prometheus/metric_family.h>
#include <spdlog/spdlog.h>

namespace floorwatch::daemon {

using nlohmann::json;

// Exported alert figures, copied from the loop after each evaluation; read by scrape threads.
// Counters survive a reload: the successor carries them over, and the notifier counters of a
// retired dispatcher are kept ("settled") when it goes away.
class AlertService::Metrics final : public prometheus::Collectable {
 public:
  explicit Metrics(Identity identity) : identity_(std::move(identity)) {}

  void set_firing(std::map<std::vector<std::string>, double> firing) {
    std::lock_guard lock(mutex_);
    firing_ = std::move(firing);
  }
  void count_transition(const std::string& rule, const std::string& to) {
    std::lock_guard lock(mutex_);
    ++transitions_[{rule, to}];
  }
  /// The loop changes this list; a dispatcher leaves it before it is destroyed.
  void set_dispatchers(std::vector<const alerts::NotificationDispatcher*> dispatchers) {
    std::lock_guard lock(mutex_);
    dispatchers_ = std::move(dispatchers);
  }
  /// Keeps a dispatcher's final counts and stops reading it (it is about to be destroyed).
  void settle(const alerts::NotificationDispatcher* dispatcher) {
    std::lock_guard lock(mutex_);
    for (const auto& counters : dispatcher->counters()) {
      settled_[counters.notifier].failed += static_cast<double>(counters.failed_attempts);
      settled_[counters.notifier].delivered += static_cast<double>(counters.delivered);
    }
    std::erase(dispatchers_, dispatcher);
  }
  /// A reload: the counters go on from the predecessor's values instead of restarting at 0.
  void carry_over(const Metrics& predecessor) {
    std::scoped_lock lock(mutex_, predecessor.mutex_);
    transitions_ = predecessor.transitions_;
    settled_ = predecessor.settled_;
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

 private:
  struct NotifierTotals {
    double failed = 0;
    double delivered = 0;
  };
  Identity identity_;
  mutable std::mutex mutex_;
  std::vector<const alerts::NotificationDispatcher*> dispatchers_;
  std::map<std::string, NotifierTotals> settled_;  // of dispatchers already destroyed
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
  if (alert.resolve_reason)
    result["resolve_reason"] = std::string(alerts::to_string(*alert.resolve_reason));
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
      metrics_(std::make_shared<Metrics>(identity)) {
  publish_dispatchers();
}

AlertService::~AlertService() {
  // Shutdown: every notifier stops at once (queues dropped, counted), so the joins below wait
  // at most for the attempts in flight, in parallel, not for each one's retries in turn.
  metrics_->set_dispatchers({});
  for (auto& retiring : retiring_) retiring.dispatcher->request_stop();
  if (dispatcher_) dispatcher_->request_stop();
}

void AlertService::publish_dispatchers() {
  std::vector<const alerts::NotificationDispatcher*> dispatchers;
  if (dispatcher_) dispatchers.push_back(dispatcher_.get());
  for (const auto& retiring : retiring_) dispatchers.push_back(retiring.dispatcher.get());
  metrics_->set_dispatchers(std::move(dispatchers));
}

void AlertService::record(const alerts::EvaluationResult& result) {
  for (const auto& transition : result.transitions) {
    spdlog::info("alert {} {} -> {} rule={} queue={} reason={}", transition.id,
                 alerts::to_string(transition.from), alerts::to_string(transition.to),
                 transition.rule, label_or_empty(transition.labels, "queue"),
                 alerts::to_string(transition.reason));
    metrics_->count_transition(transition.rule, std::string(alerts::to_string(transition.to)));
  }
  if (dispatcher_ && !result.notifications.empty()) dispatcher_->submit(result.notifications);
}

void AlertService::take_over(AlertService& predecessor, core::Timestamp now,
                             std::chrono::steady_clock::time_point steady_now) {
  std::vector<std::string> rule_names;
  for (const alerts::Rule& rule : engine_.config().rules) rule_names.push_back(rule.name);
  predecessor.record(predecessor.engine_.end_alerts_of_removed_rules(rule_names, now));

  // The remaining alerts keep their lifecycle; their rule may have new terms or another
  // escalation policy, so the per-rule vectors take the new shape.
  alerts::AlertEngineState state = predecessor.engine_.state();
  const alerts::AlertsConfig& config = engine_.config();
  for (alerts::Alert& alert : state.active) {
    const auto rule = std::find_if(config.rules.begin(), config.rules.end(),
                                   [&](const alerts::Rule& r) { return r.name == alert.rule; });
    if (rule == config.rules.end()) continue;  // cannot happen: ended above
    alert.values.resize(rule->terms.size());
    const std::string policy_name = rule->escalation.empty() ? "default" : rule->escalation;
    std::size_t tiers = 0;
    for (const auto& policy : config.policies)
      if (policy.name == policy_name) tiers = policy.tiers.size();
    alert.tiers.resize(tiers);
  }
  engine_.restore(std::move(state));
  metrics_->carry_over(*predecessor.metrics_);

  // The predecessor's notifiers retire: each may need its retry budget for every notice still
  // queued (the "resolved" ones just submitted), within a cap so a dead receiver cannot keep
  // threads forever.
  constexpr std::chrono::milliseconds kMaxRetirement = std::chrono::minutes(10);
  predecessor.metrics_->set_dispatchers({});
  for (auto& retiring : predecessor.retiring_) retiring_.push_back(std::move(retiring));
  predecessor.retiring_.clear();
  if (predecessor.dispatcher_) {
    std::chrono::milliseconds needed{0};
    const auto counters = predecessor.dispatcher_->counters();
    for (const alerts::NotifierConfig& notifier : predecessor.engine_.config().notifiers) {
      const auto found = std::find_if(counters.begin(), counters.end(),
                                      [&](const auto& c) { return c.notifier == notifier.name; });
      const std::size_t notices = (found == counters.end() ? 0 : found->queued) + 1;  // + in flight
      needed = std::max(needed, alerts::retry_budget(notifier) * static_cast<long>(notices));
    }
    needed = std::min(needed, kMaxRetirement);
    spdlog::info(
        "alerts: the previous config's notifiers retire once their notices are sent, "
        "within {} s",
        std::chrono::duration_cast<std::chrono::seconds>(needed).count());
    retiring_.push_back({std::move(predecessor.dispatcher_), steady_now + needed});
  }
  publish_dispatchers();
  publish_summary();
}

void AlertService::release_retired_notifiers(std::chrono::steady_clock::time_point now) {
  if (retiring_.empty()) return;
  for (auto& retiring : retiring_) {
    if (retiring.stop_requested) continue;
    const bool done = retiring.dispatcher->wait_until_idle(std::chrono::milliseconds(0));
    if (!done && now < retiring.deadline) continue;
    if (!done)
      spdlog::warn(
          "alerts: notifiers of a previous config still had notices after their retry budget; "
          "stopping them (what is queued is dropped)");
    retiring.dispatcher->request_stop();
    retiring.stop_requested = true;
  }
  for (auto it = retiring_.begin(); it != retiring_.end();) {
    if (!it->stop_requested || !it->dispatcher->stopped()) {
      ++it;
      continue;
    }
    std::string summary;
    for (const auto& counters : it->dispatcher->counters())
      summary += " " + counters.notifier + ":delivered=" + std::to_string(counters.delivered) +
                 ",given_up=" + std::to_string(counters.given_up) +
                 ",dropped=" + std::to_string(counters.dropped);
    spdlog::info("alerts: notifiers of a previous config retired{}", summary);
    metrics_->settle(it->dispatcher.get());
    it = retiring_.erase(it);  // its threads have ended: destroying it does not wait
  }
}

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
  const alerts::EvaluationResult result = engine_.evaluate(snapshot, sources, now);
  record(result);
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
