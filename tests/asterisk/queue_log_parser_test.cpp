// QueueLogParser: the fixed columns, real-world mess, and errors that name their field.
#include <catch2/catch.hpp>

#include "floorwatch/asterisk/queue_log_parser.h"

using floorwatch::asterisk::QueueLogBlankLine;
using floorwatch::asterisk::QueueLogField;
using floorwatch::asterisk::QueueLogParseError;
using floorwatch::asterisk::QueueLogParser;
using floorwatch::asterisk::QueueLogRecord;

namespace {

QueueLogRecord parse_record(std::string_view line) {
  auto parsed = QueueLogParser{}.parse(line);
  REQUIRE(std::holds_alternative<QueueLogRecord>(parsed));
  return std::get<QueueLogRecord>(parsed);
}

}  // namespace

TEST_CASE("queue_log columns are epoch|callid|queue|agent|event|data...", "[asterisk]") {
  // Note the order: callid comes before the queue in the file (formats §1.1).
  const auto record =
      parse_record("1675555760|1675555752.0|support|Alice|CONNECT|8|1675555755.1|4\n");
  CHECK(record.epoch_seconds == 1675555760);
  CHECK(record.callid == "1675555752.0");
  CHECK(record.queue == "support");
  CHECK(record.agent == "Alice");
  CHECK(record.event == "CONNECT");
  CHECK(record.data == std::vector<std::string>{"8", "1675555755.1", "4"});
  CHECK(record.data_field(1) == "8");
  CHECK(record.data_field(4).empty());  // absent trailing field reads as empty
  CHECK_FALSE(record.stripped_nul_bytes);
  CHECK_FALSE(record.repaired_encoding);
}

TEST_CASE("queue_log blank fields and the trailing bar are kept apart", "[asterisk]") {
  SECTION("an event without data ends in '|', which is not a data field") {
    CHECK(parse_record("1700000000|NONE|NONE|NONE|QUEUESTART|").data.empty());
  }
  SECTION("an empty url before the caller id stays an empty data1") {
    const auto record = parse_record("1700000010|1700000010.1|support|NONE|ENTERQUEUE||5550101|1");
    CHECK(record.data == std::vector<std::string>{"", "5550101", "1"});
  }
  SECTION("no bar after the event at all (hand-written or very old lines)") {
    CHECK(parse_record("1700000000|NONE|NONE|NONE|QUEUESTART").data.empty());
  }
  SECTION("the 1.4 layout of ENTERQUEUE has two data fields") {
    CHECK(parse_record("1190000000|1190000000.7|q|NONE|ENTERQUEUE||5550101").data.size() == 2);
  }
}

TEST_CASE("queue_log lines damaged in the real world still parse", "[asterisk]") {
  SECTION("Windows line end: the CR is not part of the last field") {
    CHECK(parse_record("1700000000|1.1|q|NONE|ABANDON|1|1|8\r\n").data.back() == "8");
  }
  SECTION("NUL bytes left by a crash before the line are stripped and flagged") {
    const std::string line = std::string(5, '\0') + "1700000000|1.1|q|NONE|ABANDON|1|1|8";
    const auto record = parse_record(line);
    CHECK(record.epoch_seconds == 1700000000);
    CHECK(record.stripped_nul_bytes);
  }
  SECTION("bytes that are not UTF-8 become U+FFFD, the rest is kept") {
    // "Jos\xe9" is Latin-1 for José, as an old phone might send it.
    const auto record = parse_record("1700000000|1.1|q|NONE|ENTERQUEUE||Jos\xe9|1");
    CHECK(record.data_field(2) == "Jos\xEF\xBF\xBD");
    CHECK(record.repaired_encoding);
  }
  SECTION("valid UTF-8 is left alone") {
    const auto record = parse_record("1700000000|1.1|q|NONE|ENTERQUEUE||Jos\xC3\xA9|1");
    CHECK(record.data_field(2) == "Jos\xC3\xA9");
    CHECK_FALSE(record.repaired_encoding);
  }
  SECTION("odd but bar-free characters in a caller id pass through") {
    CHECK(parse_record("1700000000|1.1|q|NONE|ENTERQUEUE||\"Smith, J\" <+1 (555) 0100>|1")
              .data_field(2) == "\"Smith, J\" <+1 (555) 0100>");
  }
}

TEST_CASE("queue_log lines with nothing in them are blank, not errors", "[asterisk]") {
  const std::string only_nuls(3, '\0');
  const auto line = GENERATE_COPY(as<std::string>{}, "", "\n", "\r\n", "   ", only_nuls);
  CHECK(std::holds_alternative<QueueLogBlankLine>(QueueLogParser{}.parse(line)));
}

TEST_CASE("every queue_log parse error names the field at fault", "[asterisk]") {
  using Row = std::tuple<std::string, QueueLogField, std::string>;
  // Expected field and message prefix for each broken line, by reading the line.
  const auto [line, field, message_start] =
      GENERATE(table<std::string, QueueLogField, std::string>({
          Row{"abc|1.1|q|NONE|ENTERQUEUE||1|1", QueueLogField::Epoch, "epoch: not a whole number"},
          Row{"-5|1.1|q|NONE|ENTERQUEUE||1|1", QueueLogField::Epoch, "epoch: not a whole number"},
          Row{"1700000000.5|1.1|q|NONE|ENTERQUEUE", QueueLogField::Epoch, "epoch: not a whole"},
          Row{"170000000012345|1.1|q|NONE|ENTERQUEUE", QueueLogField::Epoch, "epoch: not a whole"},
          Row{"1700000000", QueueLogField::CallId, "callid: missing"},
          Row{"1700000000|1.1", QueueLogField::Queue, "queue: missing"},
          Row{"1700000000|1.1|q", QueueLogField::Agent, "agent: missing"},
          Row{"1700000000|1.1|q|NONE", QueueLogField::Event, "event: missing"},
          Row{"1700000000|1.1|q|NONE|", QueueLogField::Event, "event: empty"},
          Row{std::string("1700000000|1.1|q|NONE|ENTER\0QUEUE|", 33), QueueLogField::Line,
              "line: NUL byte at column 28"},
      }));
  CAPTURE(line);
  const auto parsed = QueueLogParser{}.parse(line);
  REQUIRE(std::holds_alternative<QueueLogParseError>(parsed));
  const auto& error = std::get<QueueLogParseError>(parsed);
  CHECK(error.field == field);
  CHECK_THAT(error.message, Catch::StartsWith(message_start));
}
