#include "floorwatch/core/erlang_c.h"

#include <cmath>

namespace floorwatch::core::erlang {
namespace {

// One step of the Erlang-B recursion B(n) = A·B(n−1) / (n + A·B(n−1)); stays in [0, 1].
double next_erlang_b(int n, double traffic, double previous) {
  return traffic * previous / (n + traffic * previous);
}

// Erlang C from Erlang B: C = N·B / (N − A·(1 − B)); only meaningful for N > A.
double erlang_c_from_b(int agents, double traffic, double blocking) {
  return agents * blocking / (agents - traffic * (1.0 - blocking));
}

StaffingRow row_from_b(int agents, double traffic, double blocking, double answer_target_seconds,
                       double handle_time_seconds) {
  StaffingRow row;
  row.agents = agents;
  if (agents <= 0 || agents <= traffic) {
    row.probability_of_waiting = 1.0;
    row.service_level = 0.0;
    row.occupancy = 1.0;
    return row;
  }
  row.probability_of_waiting = erlang_c_from_b(agents, traffic, blocking);
  row.service_level =
      1.0 - row.probability_of_waiting *
                std::exp(-(agents - traffic) * answer_target_seconds / handle_time_seconds);
  row.average_speed_of_answer_seconds =
      row.probability_of_waiting * handle_time_seconds / (agents - traffic);
  row.occupancy = traffic / agents;
  return row;
}

}  // namespace

double erlang_b(int agents, double traffic_erlangs) {
  double blocking = 1.0;
  for (int n = 1; n <= agents; ++n) blocking = next_erlang_b(n, traffic_erlangs, blocking);
  return blocking;
}

double probability_of_waiting(int agents, double traffic_erlangs) {
  if (agents <= 0 || agents <= traffic_erlangs) return 1.0;
  return erlang_c_from_b(agents, traffic_erlangs, erlang_b(agents, traffic_erlangs));
}

double service_level(int agents, double traffic_erlangs, double answer_target_seconds,
                     double handle_time_seconds) {
  return row_from_b(agents, traffic_erlangs, erlang_b(agents, traffic_erlangs),
                    answer_target_seconds, handle_time_seconds)
      .service_level;
}

std::optional<double> average_speed_of_answer(int agents, double traffic_erlangs,
                                              double handle_time_seconds) {
  return row_from_b(agents, traffic_erlangs, erlang_b(agents, traffic_erlangs), 0.0,
                    handle_time_seconds)
      .average_speed_of_answer_seconds;
}

StaffingRow evaluate(const Workload& workload, int agents, double answer_target_seconds) {
  const double traffic = workload.traffic_erlangs();
  return row_from_b(agents, traffic, erlang_b(agents, traffic), answer_target_seconds,
                    workload.handle_time_seconds);
}

std::optional<int> agents_required(const Workload& workload, double answer_target_seconds,
                                   double service_level_target, int max_agents) {
  const double traffic = workload.traffic_erlangs();
  if (!(traffic > 0) || !(workload.handle_time_seconds > 0)) return std::nullopt;
  // Walk the recursion once, testing each agent count: O(N) instead of O(N²).
  double blocking = 1.0;
  for (int n = 1; n <= max_agents; ++n) {
    blocking = next_erlang_b(n, traffic, blocking);
    if (n <= traffic) continue;
    const StaffingRow row =
        row_from_b(n, traffic, blocking, answer_target_seconds, workload.handle_time_seconds);
    if (row.service_level >= service_level_target) return n;
  }
  return std::nullopt;
}

}  // namespace floorwatch::core::erlang
