#pragma once
// How one alert is shown to its readers: JSON for the control socket (`floorwatchctl alerts`,
// ack replies) and a FeedAlert for the wallboards.
#include <string>

#include <nlohmann/json.hpp>

#include "alerts/alert_engine.h"
#include "daemon/feed_publisher.h"

namespace floorwatch::daemon {

/// The label's value, or "" when the alert has no such label.
std::string label_or_empty(const alerts::Labels& labels, const std::string& name);
/// Every field of `alert`, times in RFC 3339, absent figures as null.
nlohmann::json alert_json(const alerts::Alert& alert);
/// What a board shows of `alert`.
FeedAlert to_feed_alert(const alerts::Alert& alert);

}  // namespace floorwatch::daemon
