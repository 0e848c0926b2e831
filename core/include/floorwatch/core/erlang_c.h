#pragma once
// Erlang C staffing model (no I/O). Stable Erlang-B recursion: no factorials, no overflow.
#include <optional>
#include <vector>

namespace floorwatch::core::erlang {

/// Erlang B blocking probability for `agents` servers and `traffic_erlangs` offered load.
double erlang_b(int agents, double traffic_erlangs);
/// Probability that a caller has to wait (Erlang C); 1.0 when agents <= traffic.
double probability_of_waiting(int agents, double traffic_erlangs);
/// Fraction of callers answered within `answer_target_seconds`; 0 when agents <= traffic.
double service_level(int agents, double traffic_erlangs, double answer_target_seconds,
                     double handle_time_seconds);
/// Mean wait over all callers (ASA); nullopt (infinite) when agents <= traffic.
std::optional<double> average_speed_of_answer(int agents, double traffic_erlangs,
                                              double handle_time_seconds);

/// Inputs for staffing: arrivals over a period and the handle time.
struct Workload {
  double calls = 0;
  double period_seconds = 1800;
  double handle_time_seconds = 180;
  double traffic_erlangs() const { return calls * handle_time_seconds / period_seconds; }
};

/// One row of a staffing table.
struct StaffingRow {
  int agents = 0;
  double probability_of_waiting = 1;
  double service_level = 0;
  std::optional<double> average_speed_of_answer_seconds;
  double occupancy = 1;
};

StaffingRow evaluate(const Workload& workload, int agents, double answer_target_seconds);
/// Smallest agent count whose service level reaches `service_level_target`; nullopt when the
/// workload is empty or no count up to `max_agents` reaches it.
std::optional<int> agents_required(const Workload& workload, double answer_target_seconds,
                                   double service_level_target, int max_agents = 100000);

}  // namespace floorwatch::core::erlang
