#include "floorwatch/core/erlang_a.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

// Notation of Mandelbaum & Zeltyn ("The Palm/Erlang-A Queue, with Applications to Call
// Centers"): arrival rate λ, service rate μ = 1/AHT, abandonment rate θ = 1/patience, n agents,
// x = nμ/θ, y = λ/θ, a = λ/μ. Formulas and their derivation: docs/metrics.md, "Erlang A".
namespace floorwatch::core::erlang_a {
namespace {

// Relative size below which the rest of a series no longer changes a double.
constexpr double kSeriesTolerance = 1e-17;
// Terms are divided by this whenever they exceed it, so heavy overload (y ≫ x) cannot overflow.
constexpr double kRescale = 1e150;
// Beyond this many callers arriving within one mean patience the series gets too long to sum
// on every tick; such patience is indistinguishable from Erlang C's infinite patience anyway.
constexpr double kMaxArrivalsPerPatience = 1e8;

struct Rates {
  double arrival = 0;  // λ, per second
  double service = 0;  // μ, per second
  double abandon = 0;  // θ, per second
};

// Sums over j, the number of callers a delayed arrival finds ahead of it, with weights
// t_j = y^j / ((x+1)(x+2)…(x+j)): P(n + j in system) = πₙ·t_j. Moments are per unit of Σ t_j.
struct QueueSeries {
  double log_total = 0;         // ln A(x, y) = ln Σ t_j
  double mean_ahead = 0;        // Σ j·t_j / Σ t_j
  double served_wait_rate = 0;  // Σ t_j·P(served | j)·E[θW | served, j] / Σ t_j
};

// Sums the series term by term from j = 0. Terms rise while y > x + j and fall after it; once
// falling, the remainder is bounded by a geometric tail, which decides when to stop.
QueueSeries sum_queue_series(double x, double y) {
  double term = 1, total = 0, ahead = 0, served_wait = 0, log_scale = 0;
  double harmonic = 0;  // Σ_{k=1..j+1} 1/(x+k): θ·E[wait | served, j ahead]
  for (double j = 0;; ++j) {
    harmonic += 1.0 / (x + j + 1);
    total += term;
    ahead += j * term;
    served_wait += term * (x / (x + j + 1)) * harmonic;
    const double ratio = y / (x + j + 1);  // t_{j+1} / t_j
    if (ratio < 1) {
      const double tail = term * ratio / (1 - ratio) * (j + 1 + 1 / (1 - ratio));
      if (tail <= kSeriesTolerance * total) break;
    }
    term *= ratio;
    if (term > kRescale) {
      term /= kRescale, total /= kRescale, ahead /= kRescale, served_wait /= kRescale;
      log_scale += std::log(kRescale);
    }
  }
  return {log_scale + std::log(total), ahead / total, served_wait / total};
}

// P(W > 0) = A·E / (1 + (A − 1)·E) with E = Erlang B(n, a), written so that a huge A (log form)
// or a vanishing E cannot overflow.
double probability_of_waiting(double log_a, double blocking) {
  if (!(blocking > 0)) return 0;
  if (blocking >= 1) return 1;
  return 1 / (1 + (1 - blocking) * std::exp(-log_a - std::log(blocking)));
}

// P(served after waiting longer than t | W > 0) =
//   γ(x+1, y·e^{−θt}) / (y·γ(x, y)) = x/(x+1) · e^{y − z} (z/y)^{x+1} · A(x+1, z) / A(x, y),
// z = y·e^{−θt}, evaluated in logarithms.
double served_late_given_wait(double x, double y, double log_a, double abandon_times_target) {
  const double z = y * std::exp(-abandon_times_target);
  const double log_late = std::log(x / (x + 1)) - (x + 1) * abandon_times_target -
                          y * std::expm1(-abandon_times_target) +
                          sum_queue_series(x + 1, z).log_total - log_a;
  return std::exp(log_late);
}

StaffingRow row_without_agents(int agents, double mean_patience_seconds) {
  StaffingRow row;  // everyone waits and hangs up after their patience
  row.agents = agents;
  row.average_wait_seconds = mean_patience_seconds;
  return row;
}

StaffingRow row_without_traffic(int agents) {
  StaffingRow row;
  row.agents = agents;
  row.probability_of_waiting = 0;
  row.probability_of_abandoning = 0;
  row.service_level = 1;
  row.average_speed_of_answer_seconds = 0.0;
  row.occupancy = 0;
  return row;
}

StaffingRow row_from_b(const Rates& rates, int agents, double blocking,
                       double answer_target_seconds) {
  if (agents <= 0) return row_without_agents(agents, 1 / rates.abandon);
  if (!(rates.arrival > 0)) return row_without_traffic(agents);
  const double x = agents * rates.service / rates.abandon;
  const double y = rates.arrival / rates.abandon;
  const QueueSeries series = sum_queue_series(x, y);

  StaffingRow row;
  row.agents = agents;
  row.probability_of_waiting = probability_of_waiting(series.log_total, blocking);
  // P(Ab | W > 0) = θ·E[Q | W > 0] / λ = Σ j·t_j / (y·A).
  row.probability_of_abandoning = row.probability_of_waiting * series.mean_ahead / y;
  const double served = 1 - row.probability_of_abandoning;
  const double served_late =
      row.probability_of_waiting *
      served_late_given_wait(x, y, series.log_total,
                             rates.abandon * std::max(0.0, answer_target_seconds));
  row.service_level = std::clamp(served - served_late, 0.0, 1.0);
  // Little's law on the queue: E[W] = E[Q] / λ = P(Ab) / θ.
  row.average_wait_seconds = row.probability_of_abandoning / rates.abandon;
  if (served > 0) {
    row.average_speed_of_answer_seconds =
        row.probability_of_waiting * series.served_wait_rate / rates.abandon / served;
  }
  row.occupancy = rates.arrival * served / (agents * rates.service);
  return row;
}

Rates rates_of(const Workload& workload, double mean_patience_seconds) {
  const auto positive = [](double value) { return std::isfinite(value) && value > 0; };
  if (!positive(workload.handle_time_seconds) || !positive(workload.period_seconds) ||
      !positive(mean_patience_seconds) || !std::isfinite(workload.calls) || workload.calls < 0) {
    throw std::invalid_argument(
        "Erlang A needs a positive handle time, period and patience and a call count >= 0");
  }
  const Rates rates{workload.calls / workload.period_seconds, 1 / workload.handle_time_seconds,
                    1 / mean_patience_seconds};
  if (rates.arrival / rates.abandon > kMaxArrivalsPerPatience) {
    throw std::invalid_argument("Erlang A: patience too long for the arrival rate; use Erlang C");
  }
  return rates;
}

}  // namespace

StaffingRow evaluate(const Workload& workload, double mean_patience_seconds, int agents,
                     double answer_target_seconds) {
  const Rates rates = rates_of(workload, mean_patience_seconds);
  const double traffic = rates.arrival / rates.service;
  return row_from_b(rates, agents, erlang::erlang_b(std::max(agents, 0), traffic),
                    answer_target_seconds);
}

std::optional<int> agents_required(const Workload& workload, double mean_patience_seconds,
                                   const StaffingTarget& target, int max_agents) {
  const Rates rates = rates_of(workload, mean_patience_seconds);
  if (!(rates.arrival > 0)) return std::nullopt;
  const double traffic = rates.arrival / rates.service;
  // Callers who hang up free the agents, so fewer agents than Erlang's traffic can already
  // meet a modest target: start at one agent. One pass of the Erlang-B recursion.
  double blocking = 1.0;
  for (int agents = 1; agents <= max_agents; ++agents) {
    blocking = traffic * blocking / (agents + traffic * blocking);
    const StaffingRow row = row_from_b(rates, agents, blocking, target.answer_target_seconds);
    const bool abandons_ok = !target.max_probability_of_abandoning ||
                             row.probability_of_abandoning <= *target.max_probability_of_abandoning;
    if (row.service_level >= target.service_level && abandons_ok) return agents;
  }
  return std::nullopt;
}

}  // namespace floorwatch::core::erlang_a
