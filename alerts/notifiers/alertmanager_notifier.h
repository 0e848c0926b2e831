#pragma once
// Prometheus Alertmanager v2: POST /api/v2/alerts with a JSON array of one alert per tier.
// Alertmanager then routes by the `tier` label to email, SMS, chat (config/alertmanager.yml).
#include "alerts/notifiers/http_post.h"
#include "alerts/notifiers/notifier.h"

namespace floorwatch::alerts {

/// The request body: labels alertname, queue|source, severity, tier, site, daemon;
/// annotations summary, values, expression (+ acknowledged_by); startsAt; endsAt once
/// resolved; generatorURL.
std::string alertmanager_payload(const Notification& notification, const NotifierContext& context,
                                 const std::string& generator_url);

/// Not thread-safe (one worker thread uses it).
class AlertmanagerNotifier final : public Notifier {
 public:
  /// `base_url`: http://HOST:PORT[/prefix]; /api/v2/alerts is appended. Throws
  /// std::invalid_argument for a URL that is not http://.
  AlertmanagerNotifier(const std::string& base_url, NotifierContext context,
                       std::string generator_url, std::chrono::milliseconds timeout);
  DeliveryOutcome deliver(const Notification& notification) override;

 private:
  HttpUrl url_;
  NotifierContext context_;
  std::string generator_url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace floorwatch::alerts
