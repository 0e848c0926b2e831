#pragma once
// Raw counts of what happened to calls, kept per window. Every service-level formula is
// evaluated from these at read time, so a formula change applies retroactively and the raw
// components stay visible.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "floorwatch/core/byte_codec.h"
#include "floorwatch/core/event.h"
#include "floorwatch/core/queue_settings.h"
#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// Additive counters for one window. Plain value type; `+=`/`-=` keep sums exact, so rolling
/// windows add and subtract them. `max_wait` is not subtractable: windows recompute it.
struct OutcomeCounters {
  std::int64_t offered = 0;  ///< calls that entered the queue (counted at enqueue time)
  std::int64_t answered = 0;
  std::int64_t answered_within_target = 0;  ///< wait <= answer_target
  std::int64_t abandoned = 0;
  std::int64_t abandoned_within_target = 0;  ///< wait <= answer_target
  std::int64_t abandoned_short = 0;          ///< wait < short_abandon
  std::array<std::int64_t, kExitReasonCount> exited_by_reason{};
  std::int64_t answered_wait_sum_ms = 0;   ///< for ASA
  std::int64_t abandoned_wait_sum_ms = 0;  ///< for the callers' patience
  std::int64_t exited_wait_sum_ms = 0;     ///< for the callers' patience
  std::int64_t handled = 0;                ///< calls whose handle time ended (wrap-up ended)
  std::int64_t handle_time_sum_ms = 0;     ///< for AHT
  std::int64_t max_wait_ms = -1;           ///< longest wait of any call leaving the queue; -1 none

  std::int64_t exited() const;
  OutcomeCounters& operator+=(const OutcomeCounters& other);  ///< max_wait takes the max
  OutcomeCounters& operator-=(const OutcomeCounters& other);  ///< max_wait left unchanged
  bool operator==(const OutcomeCounters&) const = default;
};

/// How counters were saved: snapshots written before the abandoned/exited wait sums lack them.
enum class CountersFormat { WithoutLeaveWaits, Current };

void save(ByteWriter& out, const OutcomeCounters& counts);
/// Reads counters written by save() in `format`; sums the format lacks are 0.
OutcomeCounters load_outcome_counters(ByteReader& in,
                                      CountersFormat format = CountersFormat::Current);

/// What one call contributed when it left the queue, or when its handle time ended.
/// Built by the classify_* helpers so the "within target" rules live in one place.
OutcomeCounters classify_enqueue();
OutcomeCounters classify_answer(Duration wait, const QueueSettings& settings);
OutcomeCounters classify_abandon(Duration wait, const QueueSettings& settings);
OutcomeCounters classify_exit(Duration wait, ExitReason reason);
OutcomeCounters classify_handle_end(Duration handle_time);

/// The two counts a service-level formula divides. Exported per window so Prometheus can add
/// queues and sites before dividing: a sum of ratios, or their mean, is no service level.
struct ServiceLevelTerms {
  std::int64_t numerator = 0;    ///< calls that count as served in time
  std::int64_t denominator = 0;  ///< calls the formula judges
};
ServiceLevelTerms service_level_terms(const OutcomeCounters& counts, ServiceLevelFormula formula);

/// Derived figures; each returns nullopt when its denominator is zero (omitted, never 0/NaN).
std::optional<double> service_level(const OutcomeCounters& counts, ServiceLevelFormula formula);
std::optional<double> average_speed_of_answer_seconds(const OutcomeCounters& counts);
std::optional<double> average_handle_time_seconds(const OutcomeCounters& counts);
/// Abandoned share of calls that left the queue in the window: Ab / (A + Ab + X).
std::optional<double> abandon_ratio(const OutcomeCounters& counts);
std::optional<double> max_wait_seconds(const OutcomeCounters& counts);
/// Time waited by every call that left the queue (answered, abandoned or exited).
Duration total_leave_wait(const OutcomeCounters& counts);

}  // namespace floorwatch::core
