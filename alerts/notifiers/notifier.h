#pragma once
// The one interface every notifier implements: deliver one notification, say whether it
// worked and whether trying again could help. Retries, backoff and queueing live in the
// dispatcher, so a notifier is only the wire format and the transport.
#include <functional>
#include <memory>
#include <string>

#include "alerts/notification.h"
#include "alerts/rule_config.h"

namespace floorwatch::alerts {

/// The result of one delivery attempt.
struct DeliveryOutcome {
  bool delivered = false;
  bool retryable = true;  ///< false for a permanent refusal (HTTP 4xx): no retry
  std::string error;      ///< why it failed, for logs and counters
};

/// Sends notifications somewhere. deliver() may block (network); the dispatcher calls it from
/// the notifier's own worker thread only, so implementations need not be thread-safe.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual DeliveryOutcome deliver(const Notification& notification) = 0;
};

/// Who is sending: labels put on every notification (`site`, `daemon`) and the default link
/// back to floorwatch (Alertmanager's generatorURL).
struct NotifierContext {
  std::string site = "default";
  std::string daemon_id;
  std::string generator_url = "http://127.0.0.1:9464/metrics";
};

/// Where log notifiers write their lines (the daemon passes spdlog; default: stderr).
using LogSink = std::function<void(const std::string& line)>;

/// RFC 3339 UTC with milliseconds, e.g. "2026-11-24T09:30:00.250Z" (Alertmanager's format).
std::string format_rfc3339(core::Timestamp at);

/// Builds the notifier a config entry describes.
std::unique_ptr<Notifier> make_notifier(const NotifierConfig& config,
                                        const NotifierContext& context, LogSink log_sink = {});

}  // namespace floorwatch::alerts
