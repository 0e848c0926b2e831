#include "alerts/rule_condition.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace floorwatch::alerts {
namespace {

double threshold_of(const Rule& rule, std::size_t term_index, bool clearing) {
  if (clearing && term_index == 0 && rule.clear_threshold) return *rule.clear_threshold;
  return rule.terms[term_index].threshold;
}

bool term_holds(const Term& term, double threshold, const TermValue& value, core::Timestamp t) {
  if (value.constant) return compare(*value.constant, term.comparison, threshold);
  if (value.counts_steps)
    return compare(static_cast<double>(value.steps_at(t)), term.comparison, threshold);
  if (value.anchor) {
    // Compared in whole milliseconds so the crossing instant is exact (90 s -> 90000 ms).
    const double value_ms = static_cast<double>(value.slope) * (t - *value.anchor).count();
    return compare(value_ms, term.comparison, threshold * 1000.0);
  }
  return false;  // absent figures never satisfy a condition
}

std::int64_t calls_left_queue(const core::OutcomeCounters& counts) {
  std::int64_t exited = 0;
  for (const std::int64_t n : counts.exited_by_reason) exited += n;
  return counts.answered + counts.abandoned + exited;
}

}  // namespace

bool condition_holds(const Rule& rule, const std::vector<TermValue>& values, bool clearing,
                     core::Timestamp t) {
  for (std::size_t i = 0; i < rule.terms.size(); ++i)
    if (!term_holds(rule.terms[i], threshold_of(rule, i, clearing), values[i], t)) return false;
  return true;
}

std::optional<core::Timestamp> next_condition_change(const Rule& rule,
                                                     const std::vector<TermValue>& values,
                                                     bool clearing, core::Timestamp now) {
  // Each linear term can only change next to where it crosses its threshold: try the
  // milliseconds around each crossing (rounding), in order.
  std::array<std::int64_t, 4 * kMaxTerms> candidates;  // evaluated on every visit: no heap
  std::size_t count = 0;
  for (std::size_t i = 0; i < rule.terms.size(); ++i) {
    const TermValue& value = values[i];
    if (!value.anchor) continue;
    const double crossing_ms = static_cast<double>(core::to_epoch_ms(*value.anchor)) +
                               value.slope * threshold_of(rule, i, clearing) * 1000.0;
    const auto base = static_cast<std::int64_t>(std::floor(crossing_ms));
    for (std::int64_t candidate = base - 1; candidate <= base + 2; ++candidate)
      if (candidate > core::to_epoch_ms(now) && count < candidates.size())
        candidates[count++] = candidate;
  }
  const bool holds_now = condition_holds(rule, values, clearing, now);
  std::optional<core::Timestamp> change;
  if (count > 0) {
    std::sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(count));
    for (std::size_t c = 0; c < count && !change; ++c) {
      const core::Timestamp at = core::from_epoch_ms(candidates[c]);
      if (condition_holds(rule, values, clearing, at) != holds_now) change = at;
    }
  }
  // A count of agents over their limit moves only at its steps: the first one at which the
  // condition turns, if it turns before any linear term does.
  for (const TermValue& value : values) {
    if (!value.counts_steps) continue;
    for (auto at = std::upper_bound(value.steps.begin(), value.steps.end(), now);
         at != value.steps.end() && (!change || *at < *change); ++at)
      if (condition_holds(rule, values, clearing, *at) != holds_now) change = *at;
  }
  return change;
}

namespace {

// The first millisecond from which a time-driven term holds, if it started to hold at some
// instant (a wait going over, a breach coming within); nullopt for a term that has held
// forever (a wait under a threshold) or does not hold at `now`.
std::optional<core::Timestamp> term_start(const Term& term, const TermValue& value,
                                          core::Timestamp now) {
  const double crossing_ms =
      static_cast<double>(core::to_epoch_ms(*value.anchor)) + value.slope * term.threshold * 1000.0;
  const auto base = static_cast<std::int64_t>(std::floor(crossing_ms));
  const auto holds = [&](std::int64_t ms) {
    return term_holds(term, term.threshold, value, core::from_epoch_ms(ms));
  };
  for (std::int64_t candidate = base - 1; candidate <= base + 2; ++candidate)
    if (candidate <= core::to_epoch_ms(now) && holds(candidate) && !holds(candidate - 1))
      return core::from_epoch_ms(candidate);
  return std::nullopt;
}

// The step at which a count started to hold (the agent whose crossing made it so), if it did
// at some step at or before `now`; nullopt when it held before every step or does not hold.
std::optional<core::Timestamp> step_term_start(const Term& term, const TermValue& value,
                                               core::Timestamp now) {
  const auto holds = [&](core::Timestamp t) { return term_holds(term, term.threshold, value, t); };
  if (!holds(now)) return std::nullopt;
  std::optional<core::Timestamp> start;
  for (const core::Timestamp step : value.steps) {
    if (step > now) break;
    if (holds(step) && !holds(step - core::Duration{1})) start = step;
  }
  return start;
}

}  // namespace

core::Timestamp condition_onset(const Rule& rule, const std::vector<TermValue>& values,
                                std::optional<core::Timestamp> last_event_at, core::Timestamp now) {
  constexpr core::Duration kMaxClockLead{60'000};
  std::optional<core::Timestamp> onset;
  const auto note = [&](core::Timestamp at) {
    if (!onset || at > *onset) onset = at;
  };
  for (std::size_t i = 0; i < rule.terms.size() && i < values.size(); ++i) {
    if (values[i].anchor) {
      if (const auto start = term_start(rule.terms[i], values[i], now)) note(*start);
    } else if (const auto step = values[i].counts_steps
                                     ? step_term_start(rule.terms[i], values[i], now)
                                     : std::nullopt) {
      note(*step);
    } else if (last_event_at) {
      note(*last_event_at);
    }
  }
  // An event stamped a little ahead of this daemon's clock (the ACD's clock runs ahead) still
  // names the start: both daemons of a pair must agree, so it is not cut to `now`. Only a
  // clock far ahead is ignored, so that it cannot hold the pages back.
  if (!onset || *onset > now + kMaxClockLead) return now;
  return *onset;
}

TermValue queue_term_value(const MetricSelector& selector, const core::QueueSnapshot& queue,
                           std::int64_t min_calls) {
  TermValue value;
  const auto windowed = [&](auto figure, std::int64_t calls) {
    if (calls >= min_calls) value.constant = figure;
  };
  const auto& window = queue.window(selector.window);
  switch (selector.metric) {
    case Metric::OldestWaitSeconds:
      if (queue.oldest_enqueued_at) {
        value.anchor = *queue.oldest_enqueued_at;
        value.slope = 1;
      }
      break;
    case Metric::CallsWaiting:
      value.constant = static_cast<double>(queue.calls_waiting);
      break;
    case Metric::ServiceLevelRatio:
      windowed(window.service_level, calls_left_queue(window.counts));
      break;
    case Metric::AbandonRatio:
      windowed(window.abandon_ratio, calls_left_queue(window.counts));
      break;
    case Metric::AsaSeconds:
      windowed(window.average_speed_of_answer_seconds, window.counts.answered);
      break;
    case Metric::Agents:
      value.constant = static_cast<double>(
          selector.agent_state
              ? queue.agents_by_state[static_cast<std::size_t>(*selector.agent_state)]
              : queue.staffed_agents);
      break;
    case Metric::PredictedServiceLevelRatio:
      value.constant = queue.predicted_service_level;
      break;
    case Metric::BreachWithinSeconds: {
      // Only meaningful when nobody can take the call: otherwise the wait is about to end.
      const auto available =
          queue.agents_by_state[static_cast<std::size_t>(core::AgentStatus::Available)];
      if (queue.oldest_enqueued_at && available == 0) {
        value.anchor = *queue.oldest_enqueued_at + queue.settings.answer_target;
        value.slope = -1;
      }
      break;
    }
    case Metric::AgentsOverLimit:
      value.counts_steps = true;
      for (const core::AgentLimitCrossing& crossing : queue.agent_limit_crossings) {
        if (selector.agent_state && crossing.state != *selector.agent_state) continue;
        if (!selector.reason.empty() && crossing.reason != selector.reason) continue;
        value.steps.push_back(crossing.critical_at);
      }
      std::sort(value.steps.begin(), value.steps.end());
      break;
    case Metric::SourceSilentSeconds:
      break;
  }
  return value;
}

std::vector<TermValue> source_term_values(const Rule& rule, core::Timestamp last_event_at) {
  std::vector<TermValue> values(rule.terms.size());
  for (auto& value : values) {
    value.anchor = last_event_at;
    value.slope = 1;
  }
  return values;
}

}  // namespace floorwatch::alerts
