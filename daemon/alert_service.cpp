#include "daemon/alert_service.h"

#include "daemon/alert_presentation.h"

#include <algorithm>
#include <map>

#include <prometheus/metric_family.h>
#include <spdlog/spdlog.h>

namespace floorwatch::daemon {

using nlohmann::json;

AlertService::AlertService(const alerts::AlertsConfig& config, const std::string& time_zone,
                           const Identity& identity, const std::string& generator_url)
    : engine_(config, alerts::EngineOptions{.time_zone = time_zone}),
      dispatcher_(alerts::make_dispatcher(
          config, alerts::NotifierContext{identity.site, identity.daemon, generator_url},
          [](const std::string& line) { spdlog::info("{}", line); })),
      metrics_(std::make_shared<AlertMetrics>(identity)) {
  for (const alerts::NotifierConfig& notifier : config.notifiers)
    if (notifier.type == alerts::NotifierType::Alertmanager) {
      resend_ = resend_ ? std::min(*resend_, core::Duration(notifier.resend))
                        : core::Duration(notifier.resend);
      alertmanagers_.push_back(notifier.name);
    }
  publish_dispatchers();
}

AlertService::~AlertService() {
  // Shutdown: every notifier stops at once (queues dropped, counted), so the joins below wait
  // at most for the attempts in flight, in parallel, not for each one's retries in turn.
  metrics_->set_dispatchers({});
  retiring_.stop_all();
  if (dispatcher_) dispatcher_->request_stop();
}

void AlertService::publish_dispatchers() {
  std::vector<const alerts::NotificationDispatcher*> dispatchers;
  if (dispatcher_) dispatchers.push_back(dispatcher_.get());
  for (const auto* retiring : retiring_.dispatchers()) dispatchers.push_back(retiring);
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
  // queued (the "resolved" ones just submitted).
  predecessor.metrics_->set_dispatchers({});
  retiring_.take_all(predecessor.retiring_);
  if (predecessor.dispatcher_) {
    const auto needed = retirement_budget(*predecessor.dispatcher_, predecessor.engine_.config());
    spdlog::info(
        "alerts: the previous config's notifiers retire once their notices are sent, "
        "within {} s",
        std::chrono::duration_cast<std::chrono::seconds>(needed).count());
    retiring_.retire(std::move(predecessor.dispatcher_), steady_now + needed);
  }
  publish_dispatchers();
  publish_summary();
}

void AlertService::release_retired_notifiers(std::chrono::steady_clock::time_point now) {
  if (retiring_.size() == 0) return;
  retiring_.release(now, *metrics_);
  publish_dispatchers();
}

std::shared_ptr<prometheus::Collectable> AlertService::collectable() const {
  return metrics_;
}

bool AlertService::evaluate(const FloorView& view, const IngestProcessor& ingest) {
  const core::Timestamp now = view.now;
  std::map<std::string, core::Timestamp> latest_by_source;
  for (const auto& [stream, position] : ingest.streams()) {
    auto& latest = latest_by_source[stream.first];
    latest = std::max(latest, position.last_batch_at);
  }
  std::vector<alerts::SourceActivity> sources;
  for (const auto& [source, at] : latest_by_source) sources.push_back({source, at});

  // Only the queues changed since the last evaluation: the engine keeps the figures of the
  // others and re-checks them at their own deadlines.
  const core::FloorSnapshot snapshot = view.snapshot(view.published_at, engine_.snapshot_options());
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
    feed.push_back(to_feed_alert(alert));
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

json AlertService::merge_peer_acks(const json& request, core::Timestamp now) {
  const auto acks = request.find("acks");
  if (acks == request.end() || !acks->is_array())
    return json{{"error", "peer_acks needs \"acks\": a list"}};
  int merged = 0;
  bool changed = false;  // publish (and so snapshot) only what changed
  for (const json& entry : *acks) {
    if (!entry.is_object() || !entry.contains("fingerprint") || !entry["fingerprint"].is_string() ||
        !entry.contains("at_ms") || !entry["at_ms"].is_number_integer())
      return json{{"error", "peer_acks: each ack needs \"fingerprint\", \"by\" and \"at_ms\""}};
    const alerts::Acknowledgement ack{entry.value("by", std::string{}),
                                      entry.value("comment", std::string{}),
                                      core::from_epoch_ms(entry["at_ms"].get<std::int64_t>())};
    const alerts::AckResult result =
        engine_.merge_shared_ack(entry["fingerprint"].get<std::string>(), ack, now);
    changed = changed || result.changed;  // the partner repeats its set every second
    if (result.status != alerts::AckStatus::Acknowledged) continue;
    ++merged;
    spdlog::info("alert {} acknowledged by {} on the HA peer {} comment=\"{}\"",
                 result.transition ? result.transition->id : 0, ack.by,
                 request.value("from", std::string{}), ack.comment);
    if (result.transition)
      metrics_->count_transition(result.transition->rule,
                                 std::string(alerts::to_string(result.transition->to)));
    if (dispatcher_ && !result.notifications.empty()) dispatcher_->submit(result.notifications);
  }
  if (changed) publish_summary();  // the state store snapshots the acks like local ones
  return json{{"merged", merged}, {"held", engine_.held_shared_acks()}};
}

void AlertService::refresh_alertmanager(core::Timestamp now) {
  if (!resend_ || !dispatcher_) return;
  if (next_refresh_ && now < *next_refresh_) return;
  // The first call only schedules: the notices just sent are fresh.
  if (next_refresh_) {
    // Only Alertmanager forgets alerts: people's notifiers would only count a skipped notice.
    std::vector<alerts::Notification> notices = engine_.refresh_notices(now);
    for (alerts::Notification& notice : notices)
      std::erase_if(notice.notifiers, [&](const std::string& name) {
        return std::find(alertmanagers_.begin(), alertmanagers_.end(), name) ==
               alertmanagers_.end();
      });
    std::erase_if(notices, [](const alerts::Notification& n) { return n.notifiers.empty(); });
    if (!notices.empty()) dispatcher_->submit(notices);
  }
  next_refresh_ = now + *resend_;
}

std::vector<FeedAlert> AlertService::feed_alerts() const {
  std::lock_guard lock(feed_mutex_);
  return feed_alerts_;
}

}  // namespace floorwatch::daemon
