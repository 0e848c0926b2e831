#pragma once
// A rule's condition for one subject (a queue or a source) as a function of time. The engine
// sleeps until the next instant a condition can change instead of polling, so each figure is
// kept as "constant" or "linear in time" and crossings are computed, not sampled.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "alerts/rule.h"
#include "floorwatch/core/floor_snapshot.h"
#include "floorwatch/core/time.h"

namespace floorwatch::alerts {

/// A term's metric for one subject: either a constant (from the snapshot), or linear in time
/// with slope +-1 s/s (waits, silence), or a count that steps up by one at each of `steps`
/// (agents going over their limit), or absent.
struct TermValue {
  std::optional<double> constant;
  std::optional<core::Timestamp> anchor;  ///< value(t) = slope * (t - anchor)
  int slope = 0;
  bool counts_steps = false;           ///< value(t) = number of `steps` at or before t
  std::vector<core::Timestamp> steps;  ///< sorted

  std::optional<double> seconds_at(core::Timestamp t) const {
    if (constant) return constant;
    if (anchor) return slope * core::to_seconds(t - *anchor);
    if (counts_steps) return static_cast<double>(steps_at(t));
    return std::nullopt;
  }
  std::size_t steps_at(core::Timestamp t) const {
    return static_cast<std::size_t>(std::upper_bound(steps.begin(), steps.end(), t) -
                                    steps.begin());
  }
};

/// Does the condition hold at `t`? `clearing`: the hold condition of a firing alert (the
/// first term against the rule's `clear` threshold, for hysteresis).
bool condition_holds(const Rule& rule, const std::vector<TermValue>& values, bool clearing,
                     core::Timestamp t);

/// First millisecond after `now` at which the condition's truth differs from now, given that
/// only time moves; nullopt when time alone cannot change it.
std::optional<core::Timestamp> next_condition_change(const Rule& rule,
                                                     const std::vector<TermValue>& values,
                                                     bool clearing, core::Timestamp now);

/// When this episode of the condition began, from the floor's own data, so every daemon fed
/// the same events finds the same instant however late it evaluates: the latest of the
/// instants each time-driven term started to hold (exact to the millisecond) and, when a term
/// is a plain figure, `last_event_at` (the event that last changed the subject). `now` when
/// neither says anything or the instant is more than a minute ahead of `now`.
core::Timestamp condition_onset(const Rule& rule, const std::vector<TermValue>& values,
                                std::optional<core::Timestamp> last_event_at, core::Timestamp now);

/// One term's figure for a queue; windowed ratios are absent below the rule's `min_calls`.
TermValue queue_term_value(const MetricSelector& selector, const core::QueueSnapshot& queue,
                           std::int64_t min_calls);

/// Every term of a source rule reads the seconds since the source's last event.
std::vector<TermValue> source_term_values(const Rule& rule, core::Timestamp last_event_at);

}  // namespace floorwatch::alerts
