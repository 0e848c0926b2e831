#pragma once
// A pair-wide name for one alert episode. Two daemons fed the same events (an HA pair) number
// their alerts each in its own order, but derive the same (rule, subject, start) from the
// floor's data, so this hash names the same episode on both: it is the id Alertmanager sees
// (`floorwatch_alert_id`) and the key under which the pair shares acknowledgements.
#include <string>

#include "alerts/alert_state.h"

namespace floorwatch::alerts {

/// 16 lowercase hex digits of a 64-bit FNV-1a hash of rule, subject and the episode's start
/// in epoch milliseconds. Stable across builds and machines (no std::hash).
std::string alert_fingerprint(const std::string& rule, const std::string& subject,
                              core::Timestamp active_since);
inline std::string alert_fingerprint(const Alert& alert) {
  return alert_fingerprint(alert.rule, alert.subject, alert.active_since);
}

}  // namespace floorwatch::alerts
