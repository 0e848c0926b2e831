#include "alerts/notifiers/webhook_notifier.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace floorwatch::alerts {
namespace {

std::string annotation(const Notification& notification, const std::string& name) {
  const auto found = notification.annotations.find(name);
  return found == notification.annotations.end() ? std::string() : found->second;
}

std::string subject_of(const Notification& notification) {
  for (const char* label : {"queue", "source"}) {
    const auto found = notification.labels.find(label);
    if (found != notification.labels.end()) return std::string(label) + " " + found->second;
  }
  return {};
}

}  // namespace

std::string notification_text(const Notification& notification) {
  std::string status;
  switch (notification.kind) {
    case NotificationKind::Firing:
      status = "[FIRING]";
      break;
    case NotificationKind::Repeat:
      status = "[FIRING, reminder]";
      break;
    case NotificationKind::Resolved:
      // A reload that drops the rule ends the page too; say so, the condition may still hold.
      status = annotation(notification, "resolve_reason") == "rule_removed"
                   ? "[RESOLVED, rule removed from the config]"
                   : "[RESOLVED]";
      break;
    case NotificationKind::Acknowledged:
      status = "[ACKNOWLEDGED by " + annotation(notification, "acknowledged_by") + "]";
      break;
    case NotificationKind::Refresh:
      status = "[FIRING, refresh]";
      break;
  }
  std::string text = status + " " + std::string(to_string(notification.severity)) + " " +
                     annotation(notification, "summary");
  const std::string values = annotation(notification, "values");
  if (!values.empty()) text += " (" + values + ")";
  const std::string comment = annotation(notification, "ack_comment");
  if (notification.kind == NotificationKind::Acknowledged && !comment.empty())
    text += ": " + comment;
  text += " [tier " + notification.tier + ", alert " + std::to_string(notification.alert_id) + "]";
  return text;
}

std::string webhook_payload(const Notification& notification, const NotifierContext& context) {
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [name, value] : notification.labels) labels[name] = value;
  nlohmann::json annotations = nlohmann::json::object();
  for (const auto& [name, value] : notification.annotations) annotations[name] = value;
  const auto alertname = notification.labels.find("alertname");
  nlohmann::json body = {
      {"text", notification_text(notification)},
      {"status", to_string(notification.kind)},
      {"alert_id", notification.alert_id},
      {"fingerprint", notification.fingerprint},
      {"alertname", alertname == notification.labels.end() ? "" : alertname->second},
      {"subject", subject_of(notification)},
      {"severity", to_string(notification.severity)},
      {"tier", notification.tier},
      {"tier_index", notification.tier_index},
      {"policy", notification.policy},
      {"labels", labels},
      {"annotations", annotations},
      {"starts_at", format_rfc3339(notification.starts_at)},
      {"ends_at", notification.ends_at ? nlohmann::json(format_rfc3339(*notification.ends_at))
                                       : nlohmann::json(nullptr)},
      {"sent_at", format_rfc3339(notification.at)},
      {"site", context.site},
      {"daemon", context.daemon_id},
  };
  return body.dump();
}

DeliveryOutcome outcome_of(const HttpResponse& response) {
  DeliveryOutcome outcome;
  if (response.success()) {
    outcome.delivered = true;
    return outcome;
  }
  if (!response.error.empty()) {
    outcome.error = response.error;
    return outcome;
  }
  outcome.error = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) outcome.error += ": " + response.body.substr(0, 200);
  outcome.retryable = response.status == 408 || response.status == 429 || response.status >= 500;
  return outcome;
}

WebhookNotifier::WebhookNotifier(const std::string& url, NotifierContext context,
                                 std::chrono::milliseconds timeout)
    : context_(std::move(context)), timeout_(timeout) {
  const auto parsed = parse_http_url(url);
  if (!parsed) throw std::invalid_argument("webhook url must be http://...: " + url);
  url_ = *parsed;
}

DeliveryOutcome WebhookNotifier::deliver(const Notification& notification) {
  // A refresh only keeps Alertmanager's copy alive; people heard "firing" already.
  if (notification.kind == NotificationKind::Refresh) return DeliveryOutcome{true, false, {}};
  return outcome_of(
      http_post(url_, "application/json", webhook_payload(notification, context_), timeout_));
}

}  // namespace floorwatch::alerts
