#pragma once
// Helpers shared by the Asterisk tests: fixture loading and a one-line, human-checkable
// rendering of canonical events so expected sequences can be written out by hand.
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "floorwatch/asterisk/queue_log_mapper.h"
#include "floorwatch/asterisk/queue_log_parser.h"
#include "floorwatch/core/event.h"

namespace floorwatch::asterisk::testing {

inline std::string fixture_path(std::string_view name) {
  return std::string(FLOORWATCH_SOURCE_DIR) + "/tests/asterisk/data/" + std::string(name);
}

/// The file's bytes, unchanged (binary mode: CR, NUL and non-UTF-8 bytes survive).
inline std::string read_fixture(std::string_view name) {
  std::ifstream in(fixture_path(name), std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + std::string(name));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

/// Splits on "\n" the way a line follower would; the pieces keep any "\r".
inline std::vector<std::string> split_lines(const std::string& bytes) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    lines.push_back(bytes.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Spelled out here rather than taken from core's to_string so the tests do not depend on it.
inline std::string_view type_name(core::EventType type) {
  switch (type) {
    case core::EventType::CallEnqueued:
      return "call_enqueued";
    case core::EventType::CallAnswered:
      return "call_answered";
    case core::EventType::CallAbandoned:
      return "call_abandoned";
    case core::EventType::CallExited:
      return "call_exited";
    case core::EventType::CallCompleted:
      return "call_completed";
    case core::EventType::AgentState:
      return "agent_state";
  }
  return "?";
}

inline std::string_view state_name(core::AgentStatus status) {
  switch (status) {
    case core::AgentStatus::Available:
      return "available";
    case core::AgentStatus::Ringing:
      return "ringing";
    case core::AgentStatus::Busy:
      return "busy";
    case core::AgentStatus::Wrapup:
      return "wrapup";
    case core::AgentStatus::Paused:
      return "paused";
    case core::AgentStatus::Offline:
      return "offline";
  }
  return "?";
}

inline std::string_view reason_name(core::ExitReason reason) {
  switch (reason) {
    case core::ExitReason::Timeout:
      return "timeout";
    case core::ExitReason::NoAgents:
      return "no_agents";
    case core::ExitReason::Key:
      return "key";
    case core::ExitReason::Transfer:
      return "transfer";
  }
  return "?";
}

/// "+22 call_answered 1700000010.1 agent=Alice": time as seconds after `base_epoch_seconds`
/// (with milliseconds when not whole), then the fields that event type uses.
inline std::string describe(const core::Event& event, std::int64_t base_epoch_seconds) {
  const std::int64_t offset_ms = core::to_epoch_ms(event.ts) - base_epoch_seconds * 1000;
  std::ostringstream out;
  out << '+' << offset_ms / 1000;
  if (offset_ms % 1000 != 0) out << '.' << std::to_string(1000 + offset_ms % 1000).substr(1);
  out << ' ' << type_name(event.type);
  switch (event.type) {
    case core::EventType::CallEnqueued:
      out << ' ' << event.call << " queue=" << event.queue << " caller=" << event.caller;
      break;
    case core::EventType::CallAnswered:
      out << ' ' << event.call << " agent=" << event.agent;
      break;
    case core::EventType::CallExited:
      out << ' ' << event.call << " reason=" << reason_name(event.exit_reason);
      break;
    case core::EventType::CallAbandoned:
    case core::EventType::CallCompleted:
      out << ' ' << event.call;
      break;
    case core::EventType::AgentState: {
      out << ' ' << event.agent << ' ' << state_name(event.state);
      if (!event.reason.empty()) out << " reason=" << event.reason;
      out << " queues=[";
      if (event.queues) {
        for (std::size_t i = 0; i < event.queues->size(); ++i) {
          out << (i ? "," : "") << (*event.queues)[i];
        }
      }
      out << ']';
      break;
    }
  }
  return out.str();
}

inline std::vector<std::string> describe_all(const std::vector<core::Event>& events,
                                             std::int64_t base_epoch_seconds) {
  std::vector<std::string> lines;
  for (const auto& event : events) lines.push_back(describe(event, base_epoch_seconds));
  return lines;
}

/// Everything a queue_log file produced: records, parse errors, blank lines, events.
struct QueueLogRun {
  std::vector<QueueLogRecord> records;
  std::vector<QueueLogParseError> parse_errors;
  int blank_lines = 0;
  std::vector<core::Event> events;
};

inline QueueLogRun run_queue_log(const std::string& bytes, QueueLogMapper& mapper) {
  QueueLogRun run;
  const QueueLogParser parser;
  for (const std::string& line : split_lines(bytes)) {
    auto parsed = parser.parse(line);
    if (auto* record = std::get_if<QueueLogRecord>(&parsed)) {
      auto result = mapper.map(*record);
      run.events.insert(run.events.end(), result.events.begin(), result.events.end());
      run.records.push_back(std::move(*record));
    } else if (auto* error = std::get_if<QueueLogParseError>(&parsed)) {
      run.parse_errors.push_back(*error);
    } else {
      ++run.blank_lines;
    }
  }
  return run;
}

}  // namespace floorwatch::asterisk::testing
