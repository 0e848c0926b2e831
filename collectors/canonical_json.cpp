#include "canonical_json.h"

#include <simdjson.h>

#include <charconv>
#include <cstring>

namespace floorwatch::collectors {
namespace {

using simdjson::dom::element_type;

JsonLineResult failure(std::string message) {
  return {std::nullopt, std::move(message)};
}

std::string field_message(std::string_view field, std::string_view what) {
  std::string message = "field \"";
  message += field;
  message += "\": ";
  message += what;
  return message;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned month_index = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * month_index + 2) / 5 + 1;
  const unsigned month = month_index < 10 ? month_index + 3 : month_index - 9;
  return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2), month, day};
}

bool is_leap(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Reads `count` ASCII digits at text[pos]; -1 when any is not a digit.
int digits(std::string_view text, std::size_t pos, std::size_t count) {
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

void append_digits(std::string& out, std::int64_t value, int width) {
  char buffer[24];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<std::size_t>(width));
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void append_string_field(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, value);
}

// Reads an optional string field; null counts as absent. Returns an error message or "".
std::string read_string(simdjson::dom::element value, std::string_view field, std::string& out) {
  if (value.is_null()) return {};
  std::string_view text;
  if (value.get_string().get(text)) return field_message(field, "must be a string");
  out.assign(text);
  return {};
}

}  // namespace

std::optional<core::Timestamp> parse_canonical_utc_timestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SSZ (20 chars) or YYYY-MM-DDTHH:MM:SS.mmmZ (24 chars).
  if (text.size() != 20 && text.size() != 24) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z')
    return std::nullopt;
  const int year = digits(text, 0, 4);
  const int month = digits(text, 5, 2);
  const int day = digits(text, 8, 2);
  const int hour = digits(text, 11, 2);
  const int minute = digits(text, 14, 2);
  const int second = digits(text, 17, 2);
  int millis = 0;
  if (text.size() == 24) {
    if (text[19] != '.') return std::nullopt;
    millis = digits(text, 20, 3);
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 59 || millis < 0)
    return std::nullopt;
  if (static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month)))
    return std::nullopt;
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  return core::from_epoch_ms(seconds * 1000 + millis);
}

void append_rfc3339(std::string& out, core::Timestamp ts) {
  const std::int64_t ms = core::to_epoch_ms(ts);
  std::int64_t days = ms / 86'400'000;
  std::int64_t ms_of_day = ms % 86'400'000;
  if (ms_of_day < 0) {  // before 1970: floor, not truncate
    ms_of_day += 86'400'000;
    --days;
  }
  const CivilDate date = civil_from_days(days);
  append_digits(out, date.year, 4);
  out.push_back('-');
  append_digits(out, date.month, 2);
  out.push_back('-');
  append_digits(out, date.day, 2);
  out.push_back('T');
  append_digits(out, ms_of_day / 3'600'000, 2);
  out.push_back(':');
  append_digits(out, ms_of_day / 60'000 % 60, 2);
  out.push_back(':');
  append_digits(out, ms_of_day / 1000 % 60, 2);
  out.push_back('.');
  append_digits(out, ms_of_day % 1000, 3);
  out.push_back('Z');
}

struct JsonLineParser::Impl {
  // The DOM parser dispatches at run time to the best SIMD kernel of this CPU (the header-only
  // On Demand API would be fixed to the compile-time target, i.e. the slow fallback on x86-64).
  simdjson::dom::parser parser;
  std::string copy;  // a padded copy for lines that cannot be parsed in place
};

std::size_t JsonLineParser::padding() {
  return simdjson::SIMDJSON_PADDING;
}

JsonLineParser::JsonLineParser() : impl_(std::make_unique<Impl>()) {}
JsonLineParser::~JsonLineParser() = default;

JsonLineResult JsonLineParser::parse(std::string_view line, std::size_t bytes_readable_after_line) {
  const char* data = line.data();
  if (bytes_readable_after_line < padding()) {
    impl_->copy.assign(line);
    impl_->copy.resize(line.size() + padding(), ' ');
    data = impl_->copy.data();
  }
  simdjson::dom::element document;
  if (impl_->parser.parse(data, line.size(), false).get(document)) return failure("not valid JSON");
  simdjson::dom::object object;
  if (document.get_object().get(object)) return failure("not a JSON object");

  core::Event event;
  bool has_ts = false;
  std::optional<core::EventType> type;
  std::string reason;
  bool has_reason = false;
  std::string state_text;
  bool has_state = false;

  for (const auto [key, value] : object) {
    std::string error;
    if (key == "ts") {
      const std::string_view kBadTs = "not an RFC 3339 timestamp or epoch milliseconds";
      const element_type value_type = value.type();
      if (value_type == element_type::INT64 || value_type == element_type::UINT64) {
        std::int64_t ms;
        if (value.get_int64().get(ms)) return failure(field_message("ts", kBadTs));
        event.ts = core::from_epoch_ms(ms);
      } else if (value_type == element_type::STRING) {
        std::string_view text;
        if (value.get_string().get(text)) return failure(field_message("ts", kBadTs));
        auto ts = parse_canonical_utc_timestamp(text);
        if (!ts) ts = core::parse_timestamp(text);
        if (!ts) return failure(field_message("ts", kBadTs));
        event.ts = *ts;
      } else {
        return failure(field_message("ts", kBadTs));
      }
      has_ts = true;
    } else if (key == "type") {
      std::string text;
      if (!(error = read_string(value, "type", text)).empty()) return failure(error);
      type = core::parse_event_type(text);
      if (!type) return failure(field_message("type", "unknown event type \"" + text + "\""));
    } else if (key == "call") {
      error = read_string(value, key, event.call);
    } else if (key == "queue") {
      error = read_string(value, key, event.queue);
    } else if (key == "agent") {
      error = read_string(value, key, event.agent);
    } else if (key == "caller") {
      error = read_string(value, key, event.caller);
    } else if (key == "channel") {
      std::string text;
      if (!(error = read_string(value, key, text)).empty()) return failure(error);
      if (!text.empty()) {
        const auto channel = core::parse_channel(text);
        if (!channel)
          return failure(field_message(
              "channel", "unknown channel \"" + text + "\" (voice|chat|email|callback)"));
        event.channel = *channel;
      }
    } else if (key == "reason") {
      error = read_string(value, key, reason);
      has_reason = !reason.empty();
    } else if (key == "state") {
      error = read_string(value, key, state_text);
      has_state = !state_text.empty();
    } else if (key == "queues") {
      if (value.is_null()) continue;
      simdjson::dom::array array;
      if (value.get_array().get(array))
        return failure(field_message("queues", "must be an array of strings"));
      std::vector<std::string> queues;
      queues.reserve(array.size());
      for (const auto element : array) {
        std::string_view name;
        if (element.get_string().get(name))
          return failure(field_message("queues", "must be an array of strings"));
        queues.emplace_back(name);
      }
      event.queues = std::move(queues);
    }
    // Unknown fields are ignored so newer producers can add fields.
    if (!error.empty()) return failure(error);
  }

  if (!has_ts) return failure(field_message("ts", "required"));
  if (!type) return failure(field_message("type", "required"));
  event.type = *type;
  if (event.type == core::EventType::CallExited) {
    if (!has_reason)
      return failure(
          field_message("reason", "required for call_exited (timeout|no_agents|key|transfer)"));
    const auto exit_reason = core::parse_exit_reason(reason);
    if (!exit_reason)
      return failure(field_message(
          "reason", "unknown exit reason \"" + reason + "\" (timeout|no_agents|key|transfer)"));
    event.exit_reason = *exit_reason;
  } else if (event.type == core::EventType::AgentState) {
    if (!has_state)
      return failure(field_message(
          "state", "required for agent_state (available|ringing|busy|wrapup|paused|offline)"));
    const auto state = core::parse_agent_status(state_text);
    if (!state)
      return failure(
          field_message("state", "unknown agent state \"" + state_text +
                                     "\" (available|ringing|busy|wrapup|paused|offline)"));
    event.state = *state;
  }
  // For call_exited `reason` is the exit reason; otherwise it is free text (agent_state).
  if (event.type != core::EventType::CallExited) event.reason = std::move(reason);
  return {std::move(event), {}};
}

JsonLineResult parse_json_line(std::string_view line) {
  JsonLineParser parser;
  return parser.parse(line);
}

void append_json_line(std::string& out, const core::Event& event, JsonTimestampStyle style) {
  out += "{\"ts\":";
  if (style == JsonTimestampStyle::Rfc3339) {
    out.push_back('"');
    append_rfc3339(out, event.ts);
    out.push_back('"');
  } else {
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, core::to_epoch_ms(event.ts)).ptr;
    out.append(buffer, end);
  }
  append_string_field(out, "type", core::to_string(event.type));
  if (!event.call.empty()) append_string_field(out, "call", event.call);
  if (!event.queue.empty()) append_string_field(out, "queue", event.queue);
  if (!event.agent.empty()) append_string_field(out, "agent", event.agent);
  if (event.type == core::EventType::CallEnqueued && event.channel != core::Channel::Voice)
    append_string_field(out, "channel", core::to_string(event.channel));
  if (!event.caller.empty()) append_string_field(out, "caller", event.caller);
  if (event.type == core::EventType::AgentState)
    append_string_field(out, "state", core::to_string(event.state));
  if (event.type == core::EventType::CallExited)
    append_string_field(out, "reason", core::to_string(event.exit_reason));
  else if (!event.reason.empty())
    append_string_field(out, "reason", event.reason);
  if (event.queues) {
    out += ",\"queues\":[";
    for (std::size_t i = 0; i < event.queues->size(); ++i) {
      if (i > 0) out.push_back(',');
      append_json_string(out, (*event.queues)[i]);
    }
    out.push_back(']');
  }
  out += "}\n";
}

std::string to_json_line(const core::Event& event, JsonTimestampStyle style) {
  std::string out;
  append_json_line(out, event, style);
  out.pop_back();
  return out;
}

}  // namespace floorwatch::collectors
