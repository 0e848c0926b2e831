#include "floorwatch/core/event.h"

#include <array>
#include <charconv>
#include <cstdio>

#include <date/date.h>

namespace floorwatch::core {
namespace {

constexpr std::array<std::string_view, 6> kEventTypeNames{"call_enqueued",  "call_answered",
                                                          "call_abandoned", "call_exited",
                                                          "call_completed", "agent_state"};
constexpr std::array<std::string_view, 4> kChannelNames{"voice", "chat", "email", "callback"};
constexpr std::array<std::string_view, kExitReasonCount> kExitReasonNames{"timeout", "no_agents",
                                                                          "key", "transfer"};
constexpr std::array<std::string_view, kAgentStatusCount> kAgentStatusNames{
    "available", "ringing", "busy", "wrapup", "paused", "offline"};

template <typename Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<std::string_view, N>& names,
                               std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

// Reads exactly `width` decimal digits at text[pos]; -1 when they are not all digits.
int read_digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  if (text.size() < 20) return std::nullopt;
  const int year = read_digits(text, 0, 4);
  const int month = read_digits(text, 5, 2);
  const int day = read_digits(text, 8, 2);
  const int hour = read_digits(text, 11, 2);
  const int minute = read_digits(text, 14, 2);
  const int second = read_digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':')
    return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;

  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  if (pos >= text.size()) return std::nullopt;
  std::int64_t offset_minutes = 0;
  const char zone = text[pos];
  if (zone == 'Z' || zone == 'z') {
    ++pos;
  } else if (zone == '+' || zone == '-') {
    const int offset_hours = read_digits(text, pos + 1, 2);
    const int offset_mins = read_digits(text, pos + 4, 2);
    if (offset_hours < 0 || offset_mins < 0 || text[pos + 3] != ':') return std::nullopt;
    offset_minutes = offset_hours * 60 + offset_mins;
    if (zone == '-') offset_minutes = -offset_minutes;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const auto days = date::sys_days{ymd};
  Timestamp ts = std::chrono::time_point_cast<Duration>(days) + std::chrono::hours{hour} +
                 std::chrono::minutes{minute} + std::chrono::seconds{second} + Duration{millis};
  return ts - std::chrono::minutes{offset_minutes};
}

}  // namespace

std::string_view to_string(EventType type) {
  return kEventTypeNames[static_cast<std::size_t>(type)];
}
std::string_view to_string(Channel channel) {
  return kChannelNames[static_cast<std::size_t>(channel)];
}
std::string_view to_string(ExitReason reason) {
  return kExitReasonNames[static_cast<std::size_t>(reason)];
}
std::string_view to_string(AgentStatus status) {
  return kAgentStatusNames[static_cast<std::size_t>(status)];
}

std::optional<EventType> parse_event_type(std::string_view text) {
  return parse_name<EventType>(kEventTypeNames, text);
}
std::optional<Channel> parse_channel(std::string_view text) {
  return parse_name<Channel>(kChannelNames, text);
}
std::optional<ExitReason> parse_exit_reason(std::string_view text) {
  return parse_name<ExitReason>(kExitReasonNames, text);
}
std::optional<AgentStatus> parse_agent_status(std::string_view text) {
  return parse_name<AgentStatus>(kAgentStatusNames, text);
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const bool all_digits = text.find_first_not_of("0123456789") == std::string_view::npos ||
                          (text[0] == '-' && text.size() > 1 &&
                           text.find_first_not_of("0123456789", 1) == std::string_view::npos);
  if (all_digits) {
    std::int64_t ms = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return from_epoch_ms(ms);
  }
  return parse_rfc3339(text);
}

std::string format_timestamp(Timestamp ts) {
  const auto days = std::chrono::floor<date::days>(ts);
  const date::year_month_day ymd{days};
  const std::int64_t ms_of_day = (ts - days).count();
  const std::int64_t hours = ms_of_day / 3'600'000;
  const std::int64_t minutes = ms_of_day / 60'000 % 60;
  const std::int64_t seconds = ms_of_day / 1000 % 60;
  const std::int64_t millis = ms_of_day % 1000;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long long>(hours),
                static_cast<long long>(minutes), static_cast<long long>(seconds),
                static_cast<long long>(millis));
  return buffer;
}

}  // namespace floorwatch::core
