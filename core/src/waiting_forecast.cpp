#include "floorwatch/core/waiting_forecast.h"

#include <algorithm>
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

std::vector<CallerForecast> forecast_waiting_callers(const std::vector<Timestamp>& enqueued_at,
                                                     Duration answer_target,
                                                     const std::vector<Timestamp>& free_at,
                                                     std::optional<double> handle_time_seconds,
                                                     Timestamp now) {
  // The agents' next releases, earliest on top.
  std::priority_queue<Timestamp, std::vector<Timestamp>, std::greater<>> releases(free_at.begin(),
                                                                                  free_at.end());
  const bool repeats = handle_time_seconds && *handle_time_seconds > 0;
  const Duration handle_time = repeats ? seconds_to_duration(*handle_time_seconds) : Duration{0};
  std::vector<CallerForecast> result;
  result.reserve(enqueued_at.size());
  for (const Timestamp enqueued : enqueued_at) {
    CallerForecast forecast;
    forecast.breach_at = enqueued + answer_target;
    if (!releases.empty()) {
      const Timestamp answer_at = std::max(now, releases.top());
      releases.pop();
      forecast.predicted_answer_at = answer_at;
      if (repeats) releases.push(answer_at + handle_time);
    }
    forecast.breach_predicted = now > forecast.breach_at || !forecast.predicted_answer_at ||
                                *forecast.predicted_answer_at > forecast.breach_at;
    result.push_back(forecast);
  }
  return result;
}

}  // namespace floorwatch::core
