#pragma once
// Business hours of a rule, in the site's local time (IANA zone, DST-aware). Pure functions.
#include "alerts/rule.h"

namespace date {
class time_zone;
}

namespace floorwatch::alerts {

/// Whether `now` falls inside one of the rule's local-time spans.
bool within_active_hours(const ActiveHours& hours, const date::time_zone& zone,
                         core::Timestamp now);
/// The first instant after `now` at which within_active_hours() changes (a span starts or
/// ends). A start or end that falls in a DST gap happens at the transition.
core::Timestamp next_active_hours_change(const ActiveHours& hours, const date::time_zone& zone,
                                         core::Timestamp now);

}  // namespace floorwatch::alerts
