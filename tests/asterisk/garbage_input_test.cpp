// Random bytes through parser, framer and mappers: nothing crashes, every event that comes
// out is well formed, and the framer's counters add up. (A libFuzzer target comes with the
// collector sources; this is the always-on, bounded version.)
#include <catch2/catch.hpp>
#include <random>

#include "floorwatch/asterisk/ami_framer.h"
#include "floorwatch/asterisk/ami_mapper.h"
#include "floorwatch/asterisk/queue_log_mapper.h"
#include "floorwatch/asterisk/queue_log_parser.h"

using namespace floorwatch::asterisk;
using floorwatch::core::Event;
using floorwatch::core::EventType;

namespace {

// Random text biased towards the separators and words the parsers care about.
std::string random_stream(std::mt19937& random, std::size_t length) {
  // clang-format off
  static const std::vector<std::string> pieces = {
      "|", "\n", "\r\n", ": ", std::string("\0", 1), "\xff", "1700000000", "1.1", "q", "NONE",
      "ENTERQUEUE", "CONNECT", "ABANDON", "COMPLETEAGENT", "PAUSE", "ADDMEMBER", "QUEUESTART",
      "Event: ", "AgentConnect", "QueueEntry", "Uniqueid", "Queue", "HoldTime", "Wait",
      "MemberName", "5", "-1", "x"};
  // clang-format on
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::string out;
  while (out.size() < length) out += pieces[pick(random)];
  return out;
}

void check_well_formed(const std::vector<Event>& events) {
  for (const Event& e : events) {
    if (e.type == EventType::AgentState) {
      CHECK_FALSE(e.agent.empty());
    } else {
      CHECK_FALSE(e.call.empty());
    }
    if (e.type == EventType::CallEnqueued) CHECK_FALSE(e.queue.empty());
  }
}

}  // namespace

TEST_CASE("random input never crashes the Asterisk parsers and mappers", "[asterisk]") {
  const unsigned seed = GENERATE(range(1u, 21u));
  std::mt19937 random(seed);
  const std::string bytes = random_stream(random, 20'000);

  SECTION("queue_log") {
    QueueLogMapper mapper;
    const QueueLogParser parser;
    std::size_t start = 0, records = 0;
    while (start < bytes.size()) {
      std::size_t end = bytes.find('\n', start);
      if (end == std::string::npos) end = bytes.size();
      auto parsed = parser.parse(std::string_view(bytes).substr(start, end - start));
      if (auto* record = std::get_if<QueueLogRecord>(&parsed)) {
        ++records;
        check_well_formed(mapper.map(*record).events);
      }
      start = end + 1;
    }
    std::int64_t total = 0;
    for (const auto count : mapper.stats().outcomes) total += count;
    CHECK(total == static_cast<std::int64_t>(records));
  }
  SECTION("AMI") {
    AmiFramer framer;
    AmiMapper mapper;
    std::int64_t messages = 0;
    for (std::size_t at = 0; at < bytes.size(); at += 97) {
      framer.feed(std::string_view(bytes).substr(at, 97));
      while (auto message = framer.next()) {
        ++messages;
        check_well_formed(mapper.map(*message, floorwatch::core::from_epoch_ms(0)).events);
      }
    }
    CHECK(messages == framer.stats().messages);
    check_well_formed(mapper.expire(floorwatch::core::from_epoch_ms(1'000'000'000'000)));
  }
}
