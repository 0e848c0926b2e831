#pragma once
// Canonical JSON lines: one core::Event per line, field names as in docs/events.md
// (ts, type, call, queue, agent, channel, reason, state, queues, caller).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "floorwatch/core/event.h"

namespace floorwatch::collectors {

/// One line parsed: the event, or an error message naming the field (the caller adds
/// FILE:LINE). Plain value type.
struct JsonLineResult {
  std::optional<core::Event> event;
  std::string error;  ///< e.g. `field "ts": not an RFC 3339 timestamp or epoch milliseconds`
  bool ok() const { return event.has_value(); }
};

/// Parses canonical JSON lines with simdjson. Reuses its buffers between lines, so keep one per
/// reading thread. Not thread-safe.
class JsonLineParser {
 public:
  /// Extra readable bytes the parser may touch after a line (simdjson reads ahead).
  static std::size_t padding();

  JsonLineParser();
  ~JsonLineParser();
  JsonLineParser(const JsonLineParser&) = delete;
  JsonLineParser& operator=(const JsonLineParser&) = delete;

  /// Parses `line` (no trailing newline needed). When `bytes_readable_after_line` >= padding()
  /// the line is parsed in place; otherwise it is copied first.
  JsonLineResult parse(std::string_view line, std::size_t bytes_readable_after_line = 0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Convenience for tests and one-off lines: a fresh parser per call.
JsonLineResult parse_json_line(std::string_view line);

/// How the writer renders `ts`.
enum class JsonTimestampStyle { Rfc3339, EpochMilliseconds };

/// The event as one canonical JSON line, without the trailing newline. Only the fields the
/// event type uses are written (queues only when present).
std::string to_json_line(const core::Event& event,
                         JsonTimestampStyle style = JsonTimestampStyle::Rfc3339);
/// Appends the line plus '\n' to `out` (no allocation beyond growing `out`).
void append_json_line(std::string& out, const core::Event& event,
                      JsonTimestampStyle style = JsonTimestampStyle::Rfc3339);

/// Fast path for the canonical timestamp form "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt for anything
/// else (callers then fall back to core::parse_timestamp, which knows offsets and epoch text).
std::optional<core::Timestamp> parse_canonical_utc_timestamp(std::string_view text);
/// "YYYY-MM-DDTHH:MM:SS.mmmZ", the same text core::format_timestamp produces.
void append_rfc3339(std::string& out, core::Timestamp ts);

}  // namespace floorwatch::collectors
