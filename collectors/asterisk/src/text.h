#pragma once
// Small text helpers shared by the queue_log and AMI code. Internal to floorwatch_asterisk.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace floorwatch::asterisk::text {

/// Copies `bytes`, replacing every byte sequence that is not valid UTF-8 (and every NUL) with
/// U+FFFD. Sets `*repaired` when anything was replaced. Asterisk writes caller names and
/// dialplan payloads verbatim, in whatever encoding the phone sent, but events travel as
/// protobuf strings, which must be UTF-8.
std::string to_valid_utf8(std::string_view bytes, bool* repaired = nullptr);

/// A whole, non-negative decimal number ("0", "42"); nullopt for anything else, including
/// signs, spaces, fractions and values of more than 12 digits (no Asterisk epoch, duration or
/// counter has that many; the limit keeps millisecond arithmetic far from overflow).
std::optional<std::int64_t> parse_count(std::string_view digits);

/// Seconds with an optional fraction ("1409169929.412068") as milliseconds; nullopt otherwise.
std::optional<std::int64_t> parse_seconds_as_ms(std::string_view text);

bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view text);

}  // namespace floorwatch::asterisk::text
