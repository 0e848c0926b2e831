#include "text.h"

#include <cctype>

namespace floorwatch::asterisk::text {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at `bytes[i]`, or 0 when it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are rejected, as RFC 3629 says).
std::size_t valid_sequence_length(std::string_view bytes, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return lead == 0 ? 0 : 1;
  std::size_t length = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (i + length > bytes.size()) return 0;
  if (byte(i + 1) < second_min || byte(i + 1) > second_max) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string to_valid_utf8(std::string_view bytes, bool* repaired) {
  // Fast path: queue_log fields are almost always printable ASCII.
  std::size_t i = 0;
  while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) - 1u < 0x7Fu) ++i;
  if (i == bytes.size()) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() + 8);
  out.append(bytes.substr(0, i));
  while (i < bytes.size()) {
    const std::size_t length = valid_sequence_length(bytes, i);
    if (length == 0) {
      out.append(kReplacement);
      if (repaired) *repaired = true;
      ++i;
    } else {
      out.append(bytes.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::optional<std::int64_t> parse_count(std::string_view digits) {
  // At most 12 digits: epochs, durations and counters all fit, and any value times 1000 (to
  // milliseconds) plus a timestamp stays far from int64 overflow (found by fuzzing).
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<std::int64_t> parse_seconds_as_ms(std::string_view text) {
  const std::size_t dot = text.find('.');
  const auto whole = parse_count(text.substr(0, dot));
  if (!whole) return std::nullopt;
  std::int64_t millis = 0;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty()) return std::nullopt;
    int scale = 100;
    for (const char c : fraction) {
      if (c < '0' || c > '9') return std::nullopt;
      millis += (c - '0') * scale;  // truncates below a millisecond
      scale /= 10;
    }
  }
  return *whole * 1000 + millis;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace floorwatch::asterisk::text
