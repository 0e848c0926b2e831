#include "floorwatch/core/waiting_forecast.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>

namespace floorwatch::core {

std::vector<Timestamp> agents_free_at(const std::vector<AnsweringAgent>& agents,
                                      std::optional<double> handle_time_seconds, Timestamp now) {
  std::vector<Timestamp> result;
  result.reserve(agents.size());
  for (const AnsweringAgent& agent : agents) {
    switch (agent.state) {
      case AgentStatus::Available:
      case AgentStatus::Ringing:  // about to take the caller at the head of the queue
      case AgentStatus::Wrapup:   // its wrap-up end is unknown: the optimistic end is now
        result.push_back(now);
        break;
      case AgentStatus::Busy:
        if (handle_time_seconds)
          result.push_back(
              std::max(now, agent.busy_since + seconds_to_duration(*handle_time_seconds)));
        break;
      case AgentStatus::Paused:
      case AgentStatus::Offline:
        break;
    }
  }
  std::sort(result.begin(), result.end());
  return result;
}

namespace {

// The first `count` agent releases, earliest first, if every caller stays: each agent frees up
// at its `free_at` time (never before `now`) and, when it `repeats`, again `handle_time` after
// each caller it takes. Otherwise each agent releases once: the schedule may be shorter.
std::vector<Timestamp> release_schedule(const std::vector<Timestamp>& free_at, bool repeats,
                                        Duration handle_time, std::size_t count, Timestamp now) {
  std::priority_queue<Timestamp, std::vector<Timestamp>, std::greater<>> next(free_at.begin(),
                                                                              free_at.end());
  std::vector<Timestamp> schedule;
  schedule.reserve(count);
  while (schedule.size() < count && !next.empty()) {
    const Timestamp release = std::max(now, next.top());
    next.pop();
    schedule.push_back(release);
    if (repeats) next.push(release + handle_time);
  }
  return schedule;
}

// The schedule's time at a fractional release index: linear between the two releases around it
// (the expected number of releases a caller needs is rarely whole). Rounded to the millisecond.
Timestamp time_at_release(const std::vector<Timestamp>& schedule, double index) {
  const auto below = static_cast<std::size_t>(std::floor(index));
  const double fraction = index - static_cast<double>(below);
  if (below + 1 >= schedule.size() || fraction <= 0.0) return schedule[below];
  const double gap_ms = static_cast<double>((schedule[below + 1] - schedule[below]).count());
  return schedule[below] + Duration{std::llround(fraction * gap_ms)};
}

// Ibrahim & Whitt's QL_m estimator (M/M/s+M) applied from the end of the first round: the caller
// at `position` (0 = head) finds n = position - s callers ahead once all s agents have taken one
// caller. With i callers ahead its turn advances at rate sμ + iθ (a release, or one of them hanging
// up); only the releases use agents, sμ/(sμ + iθ) of the advances on average, so it needs
// Σ_{i=0..n} sμ/(sμ + iθ) releases instead of n + 1. That count is read off the release schedule,
// which keeps each agent's known timing; on evenly spaced releases (1/sμ apart) it is exactly
// E[W] = Σ_{i=0..n} 1/(sμ + iθ). Ahead of the first round nobody is assumed to hang up.
void account_for_abandons(std::vector<Timestamp>& answers, std::size_t agents,
                          double handle_time_seconds, double mean_patience_seconds) {
  const std::vector<Timestamp> schedule = answers;  // every caller stays
  // θ/(sμ) = (AHT / s) / mean patience: abandons per release, for each caller ahead.
  const double abandons_per_release =
      handle_time_seconds / static_cast<double>(agents) / mean_patience_seconds;
  double releases_needed = 0.0;
  for (std::size_t position = agents; position < answers.size(); ++position) {
    const auto ahead = static_cast<double>(position - agents);  // the i = n term, n = ahead
    releases_needed += 1.0 / (1.0 + ahead * abandons_per_release);
    answers[position] =
        time_at_release(schedule, static_cast<double>(agents - 1) + releases_needed);
  }
}

}  // namespace

std::vector<CallerForecast> forecast_waiting_callers(const std::vector<Timestamp>& enqueued_at,
                                                     Duration answer_target,
                                                     const std::vector<Timestamp>& free_at,
                                                     std::optional<double> handle_time_seconds,
                                                     Timestamp now,
                                                     std::optional<double> mean_patience_seconds) {
  const bool repeats = handle_time_seconds && *handle_time_seconds > 0;
  const Duration handle_time = repeats ? seconds_to_duration(*handle_time_seconds) : Duration{0};
  std::vector<Timestamp> answers =
      release_schedule(free_at, repeats, handle_time, enqueued_at.size(), now);
  // Without a measured patience (or an AHT) callers ahead are taken to stay: the schedule as is.
  if (repeats && mean_patience_seconds && *mean_patience_seconds > 0 &&
      answers.size() > free_at.size())
    account_for_abandons(answers, free_at.size(), *handle_time_seconds, *mean_patience_seconds);

  std::vector<CallerForecast> result;
  result.reserve(enqueued_at.size());
  for (std::size_t k = 0; k < enqueued_at.size(); ++k) {
    CallerForecast forecast;
    forecast.breach_at = enqueued_at[k] + answer_target;
    if (k < answers.size()) forecast.predicted_answer_at = answers[k];
    // A caller's own patience is no reason to mark them: the mark is about the answer target.
    forecast.breach_predicted = now > forecast.breach_at || !forecast.predicted_answer_at ||
                                *forecast.predicted_answer_at > forecast.breach_at;
    result.push_back(forecast);
  }
  return result;
}

}  // namespace floorwatch::core
