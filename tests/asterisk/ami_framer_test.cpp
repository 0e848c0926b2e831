// AmiFramer on real captures fed byte for byte in random chunk sizes, and on damage.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "asterisk_test_support.h"
#include "floorwatch/asterisk/ami_framer.h"

using floorwatch::asterisk::AmiFramer;
using floorwatch::asterisk::AmiMessage;
using floorwatch::asterisk::testing::read_fixture;

namespace {

// Feeds `bytes` in chunks of 1..max_chunk bytes drawn from a seeded generator (TCP gives no
// guarantee about where reads split), collecting every message.
std::vector<AmiMessage> frame(AmiFramer& framer, const std::string& bytes, unsigned seed,
                              std::size_t max_chunk) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<std::size_t> chunk_size(1, max_chunk);
  std::vector<AmiMessage> messages;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t size = std::min(chunk_size(random), bytes.size() - at);
    framer.feed(std::string_view(bytes).substr(at, size));
    at += size;
    while (auto message = framer.next()) messages.push_back(std::move(*message));
  }
  return messages;
}

std::map<std::string, int> count_by_first_key(const std::vector<AmiMessage>& messages) {
  std::map<std::string, int> counts;
  for (const auto& message : messages) {
    const auto& [key, value] = message.fields().front();
    ++counts[key == "Event" ? "Event:" + value : key];
  }
  return counts;
}

}  // namespace

TEST_CASE("AMI QueueStatus capture (Asterisk 11) frames into 40 messages", "[asterisk]") {
  const std::string bytes = read_fixture("panoramisk_ami_queue_status_capture_2014.txt");
  const unsigned seed = GENERATE(1u, 2u, 3u, 4u, 5u);
  const std::size_t max_chunk = GENERATE(as<std::size_t>{}, 1, 7, 64, 4096);
  AmiFramer framer;
  const auto messages = frame(framer, bytes, seed, max_chunk);

  // Counted by reading the file: 7 "action:" + 1 "Action:" requests, 9 "Response:" replies
  // (the Command reply is one message despite the blank lines in its output), 3 QueueParams,
  // 5 + 6 + 6 QueueMember and 3 QueueStatusComplete. The doubled blank line is no message.
  CHECK(messages.size() == 40);
  CHECK(count_by_first_key(messages) == std::map<std::string, int>{
                                            {"action", 7},
                                            {"Action", 1},
                                            {"Response", 9},
                                            {"Event:QueueParams", 3},
                                            {"Event:QueueMember", 17},
                                            {"Event:QueueStatusComplete", 3},
                                        });
  CHECK(framer.stats().garbage_lines == 0);
  CHECK(framer.stats().dropped_messages == 0);
  CHECK(framer.buffered_bytes() == 0);

  SECTION("Response: Follows keeps the command output, blank lines included") {
    const AmiMessage& command = messages.back();
    CHECK(command.get("Response") == "Follows");
    CHECK(command.get("Privilege") == "Command");
    const auto output = command.get_all("Output");
    REQUIRE(output.size() == 11);  // the 11 lines between Privilege and --END COMMAND--
    CHECK(output.front() == "HTTP Server Status:");
    CHECK(output[3].empty());
    CHECK(output.back() == "  None.");
  }
  SECTION("keys are case-insensitive and values keep their spelling") {
    CHECK(messages.front().get("ACTION") == "login");
    CHECK(messages[4].get("servicelevelperf") == "0.0");
    CHECK(messages[4].get("ServicelevelPerf2") == std::nullopt);  // Asterisk 11: no SL2
  }
}

TEST_CASE("AMI capture with missing-bytes markers resyncs at the next blank line", "[asterisk]") {
  const std::string bytes = read_fixture("panoramisk_ami_agent_login_capture_2014.txt");
  const unsigned seed = GENERATE(11u, 12u, 13u);
  const std::size_t max_chunk = GENERATE(as<std::size_t>{}, 1, 13, 1500);
  AmiFramer framer;
  const auto messages = frame(framer, bytes, seed, max_chunk);

  // 163 blank-line-separated blocks in the file (the leading " " line is whitespace only);
  // two start with "[N bytes missing in capture file]Event: ..." and are dropped whole.
  CHECK(messages.size() == 161);
  CHECK(framer.stats().garbage_lines == 2);
  CHECK(framer.stats().dropped_messages == 2);
  const auto counts = count_by_first_key(messages);
  CHECK(counts.at("Event:QueueMemberStatus") == 3);
  CHECK(counts.at("Event:QueueMemberAdded") == 1);
  // 62 clean AGIExec blocks; a 63rd starts right after the 1613-byte marker and is dropped.
  CHECK(counts.at("Event:AGIExec") == 62);
  // 23 clean Newexten blocks; a 24th starts right after the 218-byte marker and is dropped.
  CHECK(counts.at("Event:Newexten") == 23);
  CHECK(counts.at("Action") == 8);
  CHECK(counts.at("Response") == 8);
}

TEST_CASE("AMI framing of banner, CRLF, repeats and damage", "[asterisk]") {
  AmiFramer framer;
  SECTION("the banner is recorded and is not a message") {
    framer.feed("Asterisk Call Manager/5.0.1\r\nResponse: Success\r\nMessage: ok\r\n\r\n");
    CHECK(framer.banner() == "Asterisk Call Manager/5.0.1");
    const auto message = framer.next();
    REQUIRE(message);
    CHECK(message->get("Message") == "ok");
    CHECK_FALSE(framer.next());
  }
  SECTION("repeated keys are kept in order; values may be empty or hold colons") {
    framer.feed("Event: X\nChanVariable: a=1\nChanVariable: b=2\nHint: \nAddress: ::1:5060\n\n");
    const auto message = framer.next();
    REQUIRE(message);
    CHECK(message->get_all("chanvariable") == std::vector<std::string_view>{"a=1", "b=2"});
    CHECK(message->get("Hint") == "");
    CHECK(message->get("Address") == "::1:5060");
  }
  SECTION("a message is not released before its empty line arrives") {
    framer.feed("Event: X\r\nA: 1\r\n");
    CHECK_FALSE(framer.next());
    framer.feed("\r");
    CHECK_FALSE(framer.next());
    framer.feed("\n");
    CHECK(framer.next());
  }
  SECTION("an overlong line is dropped with its message, and framing recovers") {
    framer.feed("Event: X\nA: " + std::string(AmiFramer::kMaxLineBytes + 10, 'z') + "\n\n");
    framer.feed("Event: Y\n\n");
    const auto message = framer.next();
    REQUIRE(message);
    CHECK(message->event_name() == "Y");
    CHECK(framer.stats().overlong_lines == 1);
    CHECK(framer.stats().dropped_messages == 1);
  }
  SECTION("command output that never ends does not swallow the next event") {
    framer.feed("Response: Follows\nPrivilege: Command\nsome output\n\nEvent: Y\nA: 1\n\n");
    const auto command = framer.next();
    REQUIRE(command);
    CHECK(command->get_all("Output").size() == 2);  // "some output" and the blank line
    const auto event = framer.next();
    REQUIRE(event);
    CHECK(event->event_name() == "Y");
  }
}
