#include "floorwatch/asterisk/queue_log_parser.h"

#include "text.h"

namespace floorwatch::asterisk {

namespace {

constexpr std::size_t kFixedColumns = 5;  // epoch, callid, queue, agent, event

QueueLogParseError error(QueueLogField field, std::string message) {
  return QueueLogParseError{field, -1, std::string(to_string(field)) + ": " + message};
}

// Shows a field in an error message without letting binary junk into logs.
std::string quoted(std::string_view raw) {
  constexpr std::size_t kMaxShown = 40;
  std::string shown = text::to_valid_utf8(raw.substr(0, kMaxShown));
  if (raw.size() > kMaxShown) shown += "...";
  return "'" + shown + "'";
}

}  // namespace

std::string_view to_string(QueueLogField field) {
  switch (field) {
    case QueueLogField::Line:
      return "line";
    case QueueLogField::Epoch:
      return "epoch";
    case QueueLogField::CallId:
      return "callid";
    case QueueLogField::Queue:
      return "queue";
    case QueueLogField::Agent:
      return "agent";
    case QueueLogField::Event:
      return "event";
    case QueueLogField::Data:
      return "data";
  }
  return "line";
}

std::string_view QueueLogRecord::data_field(std::size_t one_based_index) const {
  if (one_based_index == 0 || one_based_index > data.size()) return {};
  return data[one_based_index - 1];
}

QueueLogParseResult QueueLogParser::parse(std::string_view line) const {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);

  // After a crash the file system can leave a run of NUL bytes where the unflushed tail was;
  // the next line Asterisk writes then starts after them on the same "line".
  bool stripped_nul_bytes = false;
  while (!line.empty() && line.front() == '\0') {
    line.remove_prefix(1);
    stripped_nul_bytes = true;
  }
  if (text::trim(line).empty()) return QueueLogBlankLine{};
  if (const auto nul = line.find('\0'); nul != std::string_view::npos) {
    return error(QueueLogField::Line,
                 "NUL byte at column " + std::to_string(nul + 1) + " (torn write?)");
  }

  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = line.find('|', start);
    fields.push_back(line.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  // Asterisk always writes a '|' after the event name, so "…|QUEUESTART|" ends in an empty
  // field that is not data.
  if (fields.size() > kFixedColumns && fields.back().empty()) fields.pop_back();

  if (fields.size() < kFixedColumns) {
    static constexpr QueueLogField kMissing[] = {QueueLogField::Epoch, QueueLogField::CallId,
                                                 QueueLogField::Queue, QueueLogField::Agent,
                                                 QueueLogField::Event};
    return error(kMissing[fields.size()], "missing (the line has only " +
                                              std::to_string(fields.size()) +
                                              " '|'-separated fields, need at least 5)");
  }

  const auto epoch = text::parse_count(fields[0]);
  // 11 digits reach the year 5138; anything longer is not epoch seconds.
  if (!epoch || fields[0].size() > 11) {
    return error(QueueLogField::Epoch, "not a whole number of seconds: " + quoted(fields[0]));
  }
  if (fields[4].empty()) return error(QueueLogField::Event, "empty");

  QueueLogRecord record;
  record.epoch_seconds = *epoch;
  record.stripped_nul_bytes = stripped_nul_bytes;
  bool repaired = false;
  record.callid = text::to_valid_utf8(fields[1], &repaired);
  record.queue = text::to_valid_utf8(fields[2], &repaired);
  record.agent = text::to_valid_utf8(fields[3], &repaired);
  record.event = text::to_valid_utf8(fields[4], &repaired);
  record.data.reserve(fields.size() - kFixedColumns);
  for (std::size_t i = kFixedColumns; i < fields.size(); ++i) {
    record.data.push_back(text::to_valid_utf8(fields[i], &repaired));
  }
  record.repaired_encoding = repaired;
  return record;
}

}  // namespace floorwatch::asterisk
