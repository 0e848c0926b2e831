#include "alerts/notifiers/alertmanager_notifier.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "alerts/notifiers/webhook_notifier.h"

namespace floorwatch::alerts {

std::string alertmanager_payload(const Notification& notification, const NotifierContext& context,
                                 const std::string& generator_url) {
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [name, value] : notification.labels) labels[name] = value;
  labels["tier"] = notification.tier;
  labels["site"] = context.site;
  if (!context.daemon_id.empty()) labels["daemon"] = context.daemon_id;

  nlohmann::json annotations = nlohmann::json::object();
  for (const auto& [name, value] : notification.annotations)
    if (!value.empty()) annotations[name] = value;
  annotations["floorwatch_alert_id"] = std::to_string(notification.alert_id);

  nlohmann::json alert = {
      {"labels", labels},
      {"annotations", annotations},
      {"startsAt", format_rfc3339(notification.starts_at)},
  };
  // Firing alerts carry no endsAt: Alertmanager keeps them active until resolve_timeout
  // passes without an update (config/alertmanager.yml sets it long) or until we resolve.
  if (notification.kind == NotificationKind::Resolved && notification.ends_at)
    alert["endsAt"] = format_rfc3339(*notification.ends_at);
  if (!generator_url.empty()) alert["generatorURL"] = generator_url;
  return nlohmann::json::array({alert}).dump();
}

AlertmanagerNotifier::AlertmanagerNotifier(const std::string& base_url, NotifierContext context,
                                           std::string generator_url,
                                           std::chrono::milliseconds timeout)
    : context_(std::move(context)), generator_url_(std::move(generator_url)), timeout_(timeout) {
  const auto url = parse_http_url(base_url);
  if (!url) throw std::invalid_argument("alertmanager url must be http://HOST:PORT: " + base_url);
  url_ = *url;
  while (url_.path.ends_with('/')) url_.path.pop_back();
  url_.path += "/api/v2/alerts";
}

DeliveryOutcome AlertmanagerNotifier::deliver(const Notification& notification) {
  return outcome_of(http_post(url_, "application/json",
                              alertmanager_payload(notification, context_, generator_url_),
                              timeout_));
}

}  // namespace floorwatch::alerts
