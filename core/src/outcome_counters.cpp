#include "floorwatch/core/outcome_counters.h"

#include <numeric>

namespace floorwatch::core {

std::int64_t OutcomeCounters::exited() const {
  return std::accumulate(exited_by_reason.begin(), exited_by_reason.end(), std::int64_t{0});
}

OutcomeCounters& OutcomeCounters::operator+=(const OutcomeCounters& other) {
  offered += other.offered;
  answered += other.answered;
  answered_within_target += other.answered_within_target;
  abandoned += other.abandoned;
  abandoned_within_target += other.abandoned_within_target;
  abandoned_short += other.abandoned_short;
  for (std::size_t i = 0; i < exited_by_reason.size(); ++i) {
    exited_by_reason[i] += other.exited_by_reason[i];
  }
  answered_wait_sum_ms += other.answered_wait_sum_ms;
  abandoned_wait_sum_ms += other.abandoned_wait_sum_ms;
  exited_wait_sum_ms += other.exited_wait_sum_ms;
  handled += other.handled;
  handle_time_sum_ms += other.handle_time_sum_ms;
  max_wait_ms = std::max(max_wait_ms, other.max_wait_ms);
  return *this;
}

OutcomeCounters& OutcomeCounters::operator-=(const OutcomeCounters& other) {
  offered -= other.offered;
  answered -= other.answered;
  answered_within_target -= other.answered_within_target;
  abandoned -= other.abandoned;
  abandoned_within_target -= other.abandoned_within_target;
  abandoned_short -= other.abandoned_short;
  for (std::size_t i = 0; i < exited_by_reason.size(); ++i) {
    exited_by_reason[i] -= other.exited_by_reason[i];
  }
  answered_wait_sum_ms -= other.answered_wait_sum_ms;
  abandoned_wait_sum_ms -= other.abandoned_wait_sum_ms;
  exited_wait_sum_ms -= other.exited_wait_sum_ms;
  handled -= other.handled;
  handle_time_sum_ms -= other.handle_time_sum_ms;
  return *this;
}

OutcomeCounters classify_enqueue() {
  OutcomeCounters counts;
  counts.offered = 1;
  return counts;
}

OutcomeCounters classify_answer(Duration wait, const QueueSettings& settings) {
  OutcomeCounters counts;
  counts.answered = 1;
  counts.answered_within_target = wait <= settings.answer_target ? 1 : 0;
  counts.answered_wait_sum_ms = wait.count();
  counts.max_wait_ms = wait.count();
  return counts;
}

OutcomeCounters classify_abandon(Duration wait, const QueueSettings& settings) {
  OutcomeCounters counts;
  counts.abandoned = 1;
  counts.abandoned_within_target = wait <= settings.answer_target ? 1 : 0;
  counts.abandoned_short = wait < settings.short_abandon ? 1 : 0;
  counts.abandoned_wait_sum_ms = wait.count();
  counts.max_wait_ms = wait.count();
  return counts;
}

OutcomeCounters classify_exit(Duration wait, ExitReason reason) {
  OutcomeCounters counts;
  counts.exited_by_reason[static_cast<std::size_t>(reason)] = 1;
  counts.exited_wait_sum_ms = wait.count();
  counts.max_wait_ms = wait.count();
  return counts;
}

OutcomeCounters classify_handle_end(Duration handle_time) {
  OutcomeCounters counts;
  counts.handled = 1;
  counts.handle_time_sum_ms = handle_time.count();
  return counts;
}

namespace {
std::optional<double> ratio(std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}
}  // namespace

ServiceLevelTerms service_level_terms(const OutcomeCounters& c, ServiceLevelFormula formula) {
  const std::int64_t exited = c.exited();
  switch (formula) {
    case ServiceLevelFormula::AnsweredOnly:
      return {c.answered_within_target, c.answered};
    case ServiceLevelFormula::AbandonsPositive:
      return {c.answered_within_target + c.abandoned_within_target, c.answered + c.abandoned};
    case ServiceLevelFormula::AbandonsNegative:
      return {c.answered_within_target, c.answered + c.abandoned + exited};
    case ServiceLevelFormula::AbandonsIgnored:
      return {c.answered_within_target,
              c.answered + c.abandoned + exited - c.abandoned_within_target};
    case ServiceLevelFormula::ShortAbandonsExcluded:
      return {c.answered_within_target, c.answered + c.abandoned + exited - c.abandoned_short};
  }
  return {};
}

std::optional<double> service_level(const OutcomeCounters& c, ServiceLevelFormula formula) {
  const ServiceLevelTerms terms = service_level_terms(c, formula);
  return ratio(terms.numerator, terms.denominator);
}

std::optional<double> average_speed_of_answer_seconds(const OutcomeCounters& c) {
  auto value = ratio(c.answered_wait_sum_ms, c.answered);
  if (value) *value /= 1000.0;
  return value;
}

std::optional<double> average_handle_time_seconds(const OutcomeCounters& c) {
  auto value = ratio(c.handle_time_sum_ms, c.handled);
  if (value) *value /= 1000.0;
  return value;
}

std::optional<double> abandon_ratio(const OutcomeCounters& c) {
  return ratio(c.abandoned, c.answered + c.abandoned + c.exited());
}

std::optional<double> max_wait_seconds(const OutcomeCounters& c) {
  if (c.max_wait_ms < 0) return std::nullopt;
  return static_cast<double>(c.max_wait_ms) / 1000.0;
}

Duration total_leave_wait(const OutcomeCounters& c) {
  return Duration{c.answered_wait_sum_ms + c.abandoned_wait_sum_ms + c.exited_wait_sum_ms};
}

}  // namespace floorwatch::core

namespace floorwatch::core {

void save(ByteWriter& out, const OutcomeCounters& c) {
  for (std::int64_t value : {c.offered, c.answered, c.answered_within_target, c.abandoned,
                             c.abandoned_within_target, c.abandoned_short, c.answered_wait_sum_ms,
                             c.handled, c.handle_time_sum_ms, c.max_wait_ms}) {
    out.i64(value);
  }
  for (std::int64_t value : c.exited_by_reason) out.i64(value);
  out.i64(c.abandoned_wait_sum_ms);
  out.i64(c.exited_wait_sum_ms);
}

OutcomeCounters load_outcome_counters(ByteReader& in, CountersFormat format) {
  OutcomeCounters c;
  for (std::int64_t* field :
       {&c.offered, &c.answered, &c.answered_within_target, &c.abandoned,
        &c.abandoned_within_target, &c.abandoned_short, &c.answered_wait_sum_ms, &c.handled,
        &c.handle_time_sum_ms, &c.max_wait_ms}) {
    *field = in.i64();
  }
  for (std::int64_t& value : c.exited_by_reason) value = in.i64();
  if (format == CountersFormat::Current) {
    c.abandoned_wait_sum_ms = in.i64();
    c.exited_wait_sum_ms = in.i64();
  }
  return c;
}

}  // namespace floorwatch::core
