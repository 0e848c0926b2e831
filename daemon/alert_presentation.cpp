#include "daemon/alert_presentation.h"

#include "alerts/alert_fingerprint.h"

namespace floorwatch::daemon {

using nlohmann::json;

std::string label_or_empty(const alerts::Labels& labels, const std::string& name) {
  auto it = labels.find(name);
  return it == labels.end() ? std::string{} : it->second;
}

json alert_json(const alerts::Alert& alert) {
  json values = json::array();
  for (const auto& value : alert.values) values.push_back(value ? json(*value) : json(nullptr));
  json result{{"id", alert.id},
              {"fingerprint", alerts::alert_fingerprint(alert)},  // the same on the HA partner
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

FeedAlert to_feed_alert(const alerts::Alert& alert) {
  const std::string severity = label_or_empty(alert.labels, "severity");
  const std::string queue = label_or_empty(alert.labels, "queue");
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
  return item;
}

}  // namespace floorwatch::daemon
