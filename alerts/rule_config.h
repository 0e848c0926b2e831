#pragma once
// The `alerts:` section of floorwatchd's config: rules, escalation policies and notifiers,
// parsed from a yaml-cpp node with errors worded `FILE:LINE: key: problem` (docs/alerts.md).
#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/escalation.h"
#include "alerts/rule.h"
#include "yaml_config/config_file_error.h"

namespace YAML {
class Node;
}

namespace floorwatch::alerts {

/// A configuration problem, worded `FILE:LINE: key: problem` (the shared config error type).
using AlertConfigError = yaml_config::ConfigFileError;

/// How a notifier retries a failed delivery: exponential backoff, doubling up to max_backoff.
struct RetryPolicy {
  int max_attempts = 5;  ///< including the first; then the notification is given up (counted)
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
};

enum class NotifierType { Alertmanager, Webhook, Log };
std::string_view to_string(NotifierType type);

/// One configured notifier. Plain value type.
struct NotifierConfig {
  std::string name;  ///< referenced by escalation tiers; label `notifier` on counters
  NotifierType type = NotifierType::Log;
  std::string url;  ///< alertmanager: base URL (…/api/v2/alerts is added); webhook: full URL
  /// alertmanager: every instance of the cluster, each sent every notice (`urls:`, or `url`).
  std::vector<std::string> urls;
  /// alertmanager: firing alerts are re-sent this often with endsAt = 4 x this ahead, so an
  /// alert whose daemons all stopped ends by itself (Prometheus's resend rule).
  std::chrono::milliseconds resend{60000};
  std::string generator_url;  ///< alertmanager: link back to floorwatch; empty = daemon's default
  std::chrono::milliseconds timeout{5000};  ///< connect + send + response, per attempt
  RetryPolicy retry;
};

/// An alertmanager notifier's instances: `urls`, else the one `url`.
std::vector<std::string> instance_urls(const NotifierConfig& notifier);

/// Everything under `alerts:`. Plain value type.
struct AlertsConfig {
  std::vector<Rule> rules;
  std::vector<EscalationPolicy> policies;
  std::vector<NotifierConfig> notifiers;
  std::size_t notification_queue_capacity = 1000;  ///< per notifier; oldest dropped when full
};

/// Parses the `alerts:` mapping. `key_prefix` starts every key path in messages. Throws
/// AlertConfigError for unknown keys, wrong types, bad expressions and dangling references.
AlertsConfig parse_alerts_config(const YAML::Node& alerts, const std::string& file_name,
                                 const std::string& key_prefix = "alerts");
/// Parses a YAML document whose top level is the `alerts:` mapping (tests, tools).
AlertsConfig parse_alerts_config_text(const std::string& yaml_text, const std::string& file_name);

/// Cross-reference problems (unknown policy or notifier, duplicate names, bad thresholds) of a
/// config built in code; empty when consistent. The YAML parser reports the same with lines.
std::string validate(const AlertsConfig& config);

/// "90s", "3m", "1.5h", "500ms", or a bare number of seconds. nullopt when malformed/negative.
std::optional<core::Duration> parse_duration(std::string_view text);
/// "HH:MM" (00:00-23:59) as minutes after midnight; nullopt when malformed.
std::optional<int> parse_local_time(std::string_view text);

}  // namespace floorwatch::alerts
