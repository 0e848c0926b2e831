#include "alerts/notifiers/alertmanager_notifier.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "alerts/notifiers/webhook_notifier.h"

namespace floorwatch::alerts {

std::string alertmanager_payload(const Notification& notification, const NotifierContext& context,
                                 const std::string& generator_url,
                                 std::chrono::milliseconds resend) {
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [name, value] : notification.labels) labels[name] = value;
  labels["tier"] = notification.tier;
  labels["site"] = context.site;
  // No `daemon` label: Alertmanager identifies an alert by its labels, and the two daemons of
  // a pair must send one alert, not two (the daemon is on floorwatch's own metrics).

  nlohmann::json annotations = nlohmann::json::object();
  for (const auto& [name, value] : notification.annotations)
    if (!value.empty()) annotations[name] = value;
  annotations["floorwatch_alert_id"] = notification.fingerprint;

  nlohmann::json alert = {
      {"labels", labels},
      {"annotations", annotations},
      {"startsAt", format_rfc3339(notification.starts_at)},
  };
  if (notification.kind == NotificationKind::Resolved && notification.ends_at)
    alert["endsAt"] = format_rfc3339(*notification.ends_at);
  else  // still firing: valid until the next refresh is overdue several times over
    alert["endsAt"] = format_rfc3339(notification.at + 4 * resend);
  if (!generator_url.empty()) alert["generatorURL"] = generator_url;
  return nlohmann::json::array({alert}).dump();
}

AlertmanagerNotifier::AlertmanagerNotifier(const std::vector<std::string>& base_urls,
                                           NotifierContext context, std::string generator_url,
                                           std::chrono::milliseconds timeout,
                                           std::chrono::milliseconds resend)
    : context_(std::move(context)),
      generator_url_(std::move(generator_url)),
      timeout_(timeout),
      resend_(resend) {
  if (base_urls.empty()) throw std::invalid_argument("alertmanager needs at least one url");
  for (const std::string& base_url : base_urls) {
    auto url = parse_http_url(base_url);
    if (!url) throw std::invalid_argument("alertmanager url must be http://HOST:PORT: " + base_url);
    while (url->path.ends_with('/')) url->path.pop_back();
    url->path += "/api/v2/alerts";
    urls_.push_back(std::move(*url));
  }
}

DeliveryOutcome AlertmanagerNotifier::deliver(const Notification& notification) {
  const std::string body = alertmanager_payload(notification, context_, generator_url_, resend_);
  DeliveryOutcome combined{false, false, {}};
  for (const HttpUrl& url : urls_) {
    const DeliveryOutcome outcome = outcome_of(http_post(url, "application/json", body, timeout_));
    if (outcome.delivered) {
      combined.delivered = true;
      continue;
    }
    combined.retryable = combined.retryable || outcome.retryable;
    if (!combined.error.empty()) combined.error += "; ";
    combined.error += url.host + ":" + url.port + ": " + outcome.error;
  }
  if (combined.delivered) combined.error.clear();
  return combined;
}

}  // namespace floorwatch::alerts
