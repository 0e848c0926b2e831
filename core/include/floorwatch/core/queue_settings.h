#pragma once
// Per-queue service-level settings (config `defaults:` and `queues:`).
#include <optional>
#include <string_view>

#include "floorwatch/core/event.h"
#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// Which service-level definition a queue reports; formulas in docs/metrics.md.
enum class ServiceLevelFormula {
  AnsweredOnly,           ///< A_in / A                        (Asterisk SL)
  AbandonsPositive,       ///< (A_in + Ab_in) / (A + Ab)        (Asterisk SL2)
  AbandonsNegative,       ///< A_in / (A + Ab + X)
  AbandonsIgnored,        ///< A_in / (A + Ab + X - Ab_in)
  ShortAbandonsExcluded,  ///< A_in / (A + Ab + X - Ab_short)
};

std::string_view to_string(ServiceLevelFormula formula);
/// Human wording for wallboards, e.g. "short abandons excluded".
std::string_view describe(ServiceLevelFormula formula);
std::optional<ServiceLevelFormula> parse_service_level_formula(std::string_view text);

/// Settings of one queue. Plain value type.
struct QueueSettings {
  Duration answer_target = Duration{90'000};
  double service_level_target = 0.80;
  Duration short_abandon = Duration{5'000};
  ServiceLevelFormula formula = ServiceLevelFormula::ShortAbandonsExcluded;
  Channel channel = Channel::Voice;  ///< what the queue serves; reported in floorwatch_queue_info
};

}  // namespace floorwatch::core
