#pragma once
// Generic webhook: POST a JSON object with a Slack/Teams-compatible `text` line plus the
// structured alert (status, labels, annotations, times), for chat tools and custom receivers.
#include "alerts/notifiers/http_post.h"
#include "alerts/notifiers/notifier.h"

namespace floorwatch::alerts {

/// One human line, e.g. "[FIRING] critical OldestWaitOver90s on queue sales: ... (tier
/// floor-lead)".
std::string notification_text(const Notification& notification);
/// The JSON body: text, status, alert_id, alertname, severity, tier, tier_index, policy,
/// labels, annotations, starts_at, ends_at, sent_at, site, daemon.
std::string webhook_payload(const Notification& notification, const NotifierContext& context);

/// Not thread-safe (one worker thread uses it).
class WebhookNotifier final : public Notifier {
 public:
  /// Throws std::invalid_argument for a URL that is not http://.
  WebhookNotifier(const std::string& url, NotifierContext context,
                  std::chrono::milliseconds timeout);
  DeliveryOutcome deliver(const Notification& notification) override;

 private:
  HttpUrl url_;
  NotifierContext context_;
  std::chrono::milliseconds timeout_;
};

/// Maps an HTTP result to a delivery outcome: 2xx delivered; 408, 429, 5xx and transport
/// errors retryable; other statuses permanent.
DeliveryOutcome outcome_of(const HttpResponse& response);

}  // namespace floorwatch::alerts
