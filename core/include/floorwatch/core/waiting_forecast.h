#pragma once
// When each waiting caller will be answered, and who will breach the answer target first: a
// schedule of the agents who can answer the queue (docs/metrics.md, "Waiting callers"). Pure:
// takes the callers, the agents and `now`.
#include <optional>
#include <vector>

#include "floorwatch/core/event.h"
#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// What the forecast knows of one staffed member agent of the queue. Plain value type.
struct AnsweringAgent {
  AgentStatus state = AgentStatus::Available;
  /// Busy: when its current call was answered (the state's start when the source named no
  /// call): its talk so far counts against the queue's handle time.
  Timestamp busy_since{};
};

/// When each agent can take its next caller: available, ringing and wrap-up agents now; busy
/// ones once their current call has lasted `handle_time_seconds` (now when it already has).
/// Without a handle time busy agents are left out: nobody can say when they free up. Paused
/// and offline agents are never counted. Sorted, earliest first.
std::vector<Timestamp> agents_free_at(const std::vector<AnsweringAgent>& agents,
                                      std::optional<double> handle_time_seconds, Timestamp now);

/// The forecast for one waiting caller. Plain value type.
struct CallerForecast {
  Timestamp breach_at{};  ///< enqueued + the answer target
  /// When an agent is expected to take this caller; nullopt when no agent can be foreseen.
  std::optional<Timestamp> predicted_answer_at;
  /// Already over the target, expected to be answered after breach_at, or nobody to answer.
  bool breach_predicted = false;
};

/// Forecasts for callers in queue order (oldest first: they are answered first come, first
/// served). Caller k takes the k-th agent release of the schedule: each agent frees up at its
/// `free_at` time (never before `now`) and again every `handle_time_seconds` after each caller
/// it takes. With `mean_patience_seconds` (the queue's measured 1/θ) callers beyond the first
/// round (the first free_at.size() callers, who keep their release) expect some callers ahead
/// to hang up: Ibrahim & Whitt's QL_m estimator for M/M/s+M, read off the same schedule
/// (docs/metrics.md, "Waiting callers"). Without it callers ahead are assumed to stay. The
/// agents are assumed to serve this queue only. A caller's own patience never marks it.
std::vector<CallerForecast> forecast_waiting_callers(
    const std::vector<Timestamp>& enqueued_at, Duration answer_target,
    const std::vector<Timestamp>& free_at, std::optional<double> handle_time_seconds, Timestamp now,
    std::optional<double> mean_patience_seconds = std::nullopt);

}  // namespace floorwatch::core
