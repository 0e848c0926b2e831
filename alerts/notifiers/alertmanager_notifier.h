#pragma once
// Prometheus Alertmanager v2: POST /api/v2/alerts with a JSON array of one alert per tier, to
// every instance of the cluster. Alertmanager then routes by the `tier` label to email, SMS,
// chat (config/alertmanager.yml). Both daemons of an HA pair send the same alert (labels,
// annotations, startsAt), so the cluster deduplicates them (docs/ha.md).
#include <vector>

#include "alerts/notifiers/http_post.h"
#include "alerts/notifiers/notifier.h"

namespace floorwatch::alerts {

/// The request body: labels alertname, queue|source, severity, tier, site (never the daemon,
/// so a pair's alerts are one); annotations summary, values, expression (+ acknowledged_by)
/// and floorwatch_alert_id (the pair-wide fingerprint); startsAt; endsAt: the resolution, or
/// for an alert still firing `at + 4 x resend` (Prometheus's rule: if nobody re-sends it,
/// Alertmanager ends it by itself); generatorURL.
std::string alertmanager_payload(const Notification& notification, const NotifierContext& context,
                                 const std::string& generator_url,
                                 std::chrono::milliseconds resend = std::chrono::minutes(1));

/// Not thread-safe (one worker thread uses it).
class AlertmanagerNotifier final : public Notifier {
 public:
  /// `base_urls`: http://HOST:PORT[/prefix] of each instance; /api/v2/alerts is appended.
  /// Throws std::invalid_argument for an empty list or a URL that is not http://.
  AlertmanagerNotifier(const std::vector<std::string>& base_urls, NotifierContext context,
                       std::string generator_url, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds resend = std::chrono::minutes(1));
  /// Posts to every instance. Delivered when at least one accepted it: the cluster gossips
  /// alerts' notification state, and the next refresh reaches the others again.
  DeliveryOutcome deliver(const Notification& notification) override;

 private:
  std::vector<HttpUrl> urls_;
  NotifierContext context_;
  std::string generator_url_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds resend_;
};

}  // namespace floorwatch::alerts
