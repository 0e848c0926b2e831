#pragma once
// Parsing of one Asterisk queue_log line: `epoch|callid|queue|agent|event|data1|data2|...`.
// Field meanings per Asterisk version: docs/collectors/asterisk.md and
// ../shared/reference/asterisk-formats.md §1-2. Pure: no I/O, no clock.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace floorwatch::asterisk {

/// The columns of a queue_log line, used to say where a problem is.
enum class QueueLogField { Line, Epoch, CallId, Queue, Agent, Event, Data };
std::string_view to_string(QueueLogField field);

/// Why a line (or one of its fields) could not be used. `message` names the field and the
/// problem, e.g. "epoch: not a whole number of seconds: 'abc'". Plain value type.
struct QueueLogParseError {
  QueueLogField field = QueueLogField::Line;
  int data_index = -1;  ///< 1-based dataN when field == Data, else -1
  std::string message;
};

/// One parsed queue_log line. All text fields are valid UTF-8 (invalid bytes became U+FFFD).
/// Plain value type.
struct QueueLogRecord {
  std::int64_t epoch_seconds = 0;
  std::string callid;  ///< caller uniqueid, or NONE / MANAGER / CLI / REALTIME
  std::string queue;   ///< queue name, or NONE
  std::string agent;   ///< membername, interface or NONE depending on the event (see docs)
  std::string event;   ///< ENTERQUEUE, CONNECT, ... or any custom QueueLog() name
  std::vector<std::string> data;    ///< data1..dataN as written; missing trailing fields absent
  bool stripped_nul_bytes = false;  ///< the line started with NULs (file cut short by a crash)
  bool repaired_encoding = false;   ///< some bytes were not UTF-8 and were replaced

  /// dataN (1-based) or an empty view when the line has fewer fields.
  std::string_view data_field(std::size_t one_based_index) const;
};

/// A line holding nothing (empty, only CR, only NULs): skipped, not an error.
struct QueueLogBlankLine {};

using QueueLogParseResult = std::variant<QueueLogRecord, QueueLogBlankLine, QueueLogParseError>;

/// Parses single queue_log lines. Stateless and cheap to copy; thread-compatible.
class QueueLogParser {
 public:
  /// `line` is one line with or without its trailing "\n" / "\r\n".
  QueueLogParseResult parse(std::string_view line) const;
};

}  // namespace floorwatch::asterisk
