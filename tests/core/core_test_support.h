#pragma once
// Shared helpers for the core tests: readable UTC timestamps and event builders, so a test reads
// like the event log a supervisor would check by hand. It also teaches Catch to print
// timestamps, durations and optionals, so a failure shows values instead of "{?}".
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "floorwatch/core/event.h"
#include "floorwatch/core/outcome_counters.h"
#include "floorwatch/core/time.h"

#if !defined(CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER)
// A missing figure prints as "{ }"; a present one as its value.
template <typename T>
struct Catch::StringMaker<std::optional<T>> {
  static std::string convert(const std::optional<T>& value) {
    return value ? ::Catch::Detail::stringify(*value) : std::string("{ }");
  }
};
#endif

// Failure messages show timestamps as "2026-11-24T09:30:00.250Z" and durations as "1500 ms".
template <>
struct Catch::StringMaker<floorwatch::core::Timestamp> {
  static std::string convert(floorwatch::core::Timestamp t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day date{day};
    const std::chrono::hh_mm_ss<floorwatch::core::Duration> time{t - day};
    char text[40];
    std::snprintf(
        text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
        static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
        static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
    return text;
  }
};
template <>
struct Catch::StringMaker<floorwatch::core::Duration> {
  static std::string convert(floorwatch::core::Duration d) {
    return std::to_string(d.count()) + " ms";
  }
};

namespace floorwatch::core::testing {

/// "2026-11-24T09:30:00Z" or "2026-11-24T09:30:00.250Z" as a Timestamp. Read by hand here, not
/// with core::parse_timestamp, so the helpers do not depend on the code under test.
inline Timestamp utc(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0, used = 0;
  const bool whole = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day,
                                 &hour, &minute, &second, &used) == 6;
  const char* rest = text.c_str() + used;
  int fraction_used = 0;
  if (whole && *rest == '.' && std::sscanf(rest, ".%3d%n", &millis, &fraction_used) == 1 &&
      fraction_used == 4)
    rest += fraction_used;
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!whole || std::string(rest) != "Z" || !date.ok())
    throw std::invalid_argument("bad test timestamp: " + text);
  return Timestamp{std::chrono::sys_days{date}.time_since_epoch()} + std::chrono::hours{hour} +
         std::chrono::minutes{minute} + std::chrono::seconds{second} + Duration{millis};
}

inline Duration seconds(double s) {
  return seconds_to_duration(s);
}
inline Duration minutes(int m) {
  return Duration{m * 60'000LL};
}
inline Duration hours(int h) {
  return Duration{h * 3'600'000LL};
}

inline Event enqueued(Timestamp ts, std::string call, std::string queue,
                      Channel channel = Channel::Voice, std::string caller = {}) {
  Event e;
  e.type = EventType::CallEnqueued;
  e.ts = ts;
  e.call = std::move(call);
  e.queue = std::move(queue);
  e.channel = channel;
  e.caller = std::move(caller);
  return e;
}

inline Event answered(Timestamp ts, std::string call, std::string agent) {
  Event e;
  e.type = EventType::CallAnswered;
  e.ts = ts;
  e.call = std::move(call);
  e.agent = std::move(agent);
  return e;
}

inline Event abandoned(Timestamp ts, std::string call) {
  Event e;
  e.type = EventType::CallAbandoned;
  e.ts = ts;
  e.call = std::move(call);
  return e;
}

inline Event exited(Timestamp ts, std::string call, ExitReason reason) {
  Event e;
  e.type = EventType::CallExited;
  e.ts = ts;
  e.call = std::move(call);
  e.exit_reason = reason;
  return e;
}

inline Event completed(Timestamp ts, std::string call) {
  Event e;
  e.type = EventType::CallCompleted;
  e.ts = ts;
  e.call = std::move(call);
  return e;
}

inline Event agent_state(Timestamp ts, std::string agent, AgentStatus state,
                         std::optional<std::vector<std::string>> queues = std::nullopt,
                         std::string reason = {}) {
  Event e;
  e.type = EventType::AgentState;
  e.ts = ts;
  e.agent = std::move(agent);
  e.state = state;
  e.queues = std::move(queues);
  e.reason = std::move(reason);
  return e;
}

/// Sum of several contributions, as a window would hold them.
inline OutcomeCounters sum_of(std::initializer_list<OutcomeCounters> parts) {
  OutcomeCounters total;
  for (const auto& part : parts) total += part;
  return total;
}

/// `count` copies of one contribution added together.
inline OutcomeCounters times(int count, const OutcomeCounters& one) {
  OutcomeCounters total;
  for (int i = 0; i < count; ++i) total += one;
  return total;
}

inline std::size_t index_of(AgentStatus status) {
  return static_cast<std::size_t>(status);
}
inline std::size_t index_of(ExitReason reason) {
  return static_cast<std::size_t>(reason);
}

}  // namespace floorwatch::core::testing

namespace floorwatch::core {
namespace test = testing;  // the short spelling, used by state_snapshot_test.cpp
}
