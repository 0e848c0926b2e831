#pragma once
// Erlang A staffing model (Palm's M/M/n+M queue: callers hang up after an exponentially
// distributed patience). Pure: no I/O, no clock. Erlang-B recursion for the agents and a
// rescaled series for the incomplete-gamma terms: no factorial or power ever overflows.
#include <optional>

#include "floorwatch/core/erlang_c.h"

namespace floorwatch::core::erlang_a {

using erlang::Workload;

/// Erlang A figures for one agent count. Plain value type.
struct StaffingRow {
  int agents = 0;
  /// Share of callers who find every agent busy and queue.
  double probability_of_waiting = 1;
  /// Share of callers who hang up before an agent answers.
  double probability_of_abandoning = 1;
  /// Answered within the target over all callers (abandons count as failures).
  double service_level = 0;
  /// Mean wait over all callers, answered and abandoned (time until answer or hang-up).
  double average_wait_seconds = 0;
  /// Mean wait of the answered callers only (ASA); nullopt when nobody is answered.
  std::optional<double> average_speed_of_answer_seconds;
  /// Served load per agent: arrivals that are answered × handle time / agents.
  double occupancy = 1;
};

/// Erlang A row for `agents` agents. Throws std::invalid_argument unless the handle time and
/// `mean_patience_seconds` are positive and finite and the workload's calls are not negative.
StaffingRow evaluate(const Workload& workload, double mean_patience_seconds, int agents,
                     double answer_target_seconds);

/// What a staffing answer must reach. Plain value type.
struct StaffingTarget {
  double answer_target_seconds = 20;
  double service_level = 0.8;
  /// Optional ceiling on the share of callers who hang up.
  std::optional<double> max_probability_of_abandoning;
};

/// Smallest agent count reaching `target`; nullopt when the workload is empty or no count up to
/// `max_agents` reaches it. Throws like evaluate().
std::optional<int> agents_required(const Workload& workload, double mean_patience_seconds,
                                   const StaffingTarget& target, int max_agents = 100000);

}  // namespace floorwatch::core::erlang_a
