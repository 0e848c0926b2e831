// EslFramer and EslEvent against transcripts built from FreeSWITCH's source (esl_transcript.h,
// data/SOURCES.md): framing in any chunking, header order, the 16 MiB cap, URL decoding.
#include <catch2/catch.hpp>

#include "floorwatch/freeswitch/esl_event.h"
#include "floorwatch/freeswitch/esl_framer.h"
#include "freeswitch/esl_transcript.h"

using namespace floorwatch::freeswitch;
namespace esl = floorwatch::test::esl;

namespace {

std::string two_events() {
  esl::Box box;
  const esl::Member m{"support@default", "m-1", "s-1", "+46701234567", "Anna (VIP)"};
  return esl::member_queue_start(box, m, 1'800'000'000) +
         esl::agent_status_change(box, "1001@default", "Available (On Demand)", 1'800'000'001);
}

}  // namespace

TEST_CASE("ESL frames come out whole however the bytes are chunked", "[freeswitch][esl]") {
  const std::string bytes = two_events();
  const std::size_t chunk = GENERATE(1, 2, 7, 64, 100000);
  EslFramer framer;
  std::vector<EslFrame> frames;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    framer.feed(std::string_view(bytes).substr(at, chunk));
    while (auto frame = framer.next()) frames.push_back(std::move(*frame));
  }
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].content_type() == "text/event-plain");
  CHECK(framer.buffered_bytes() == 0);
  const auto event = EslEvent::parse(frames[0].body);
  REQUIRE(event);
  // URL-decoded: "support%40default", "callcenter%3A%3Ainfo", "Anna%20(VIP)".
  CHECK(event->get_or("CC-Queue", "") == "support@default");
  CHECK(event->get_or("Event-Subclass", "") == "callcenter::info");
  CHECK(event->get_or("CC-Member-CID-Name", "") == "Anna (VIP)");
  CHECK(event->get_or("cc-member-cid-number", "") == "+46701234567");  // names: any case
  const auto status = EslEvent::parse(frames[1].body);
  REQUIRE(status);
  CHECK(status->get_or("CC-Agent-Status", "") == "Available (On Demand)");
}

TEST_CASE("ESL framing does not depend on header order or line ends", "[freeswitch][esl]") {
  // command/reply has no body; api/response puts Content-Type first; "\r\n" is accepted.
  EslFramer framer;
  framer.feed("Content-Type: command/reply\nReply-Text: +OK accepted\n\n");
  framer.feed("Content-Type: api/response\r\nContent-Length: 4\r\n\r\n+OK\n");
  framer.feed("\nContent-Length: 3\nContent-Type: log/data\n\nabc");
  const auto reply = framer.next();
  REQUIRE(reply);
  CHECK(reply->header("Reply-Text") == "+OK accepted");
  CHECK(reply->body.empty());
  const auto api = framer.next();
  REQUIRE(api);
  CHECK(api->content_type() == "api/response");
  CHECK(api->body == "+OK\n");
  const auto log = framer.next();
  REQUIRE(log);
  CHECK(log->body == "abc");
  CHECK_FALSE(framer.next());
}

TEST_CASE("a frame over 16 MiB is refused, counted and skipped without holding it",
          "[freeswitch][esl]") {
  EslFramer framer;
  const std::size_t length = EslFramer::kMaxBodyBytes + 1;
  framer.feed("Content-Length: " + std::to_string(length) + "\nContent-Type: text/event-plain\n\n");
  CHECK_FALSE(framer.next());
  const std::string block(1 << 20, 'x');
  std::size_t fed = 0;
  while (fed + block.size() <= length) {
    framer.feed(block);
    fed += block.size();
    CHECK_FALSE(framer.next());
    REQUIRE(framer.buffered_bytes() == 0);  // nothing of the refused body is kept
  }
  // The rest of the refused body and the next frame in the same chunk.
  framer.feed(std::string(length - fed, 'y') + two_events());
  auto frame = framer.next();
  REQUIRE(frame);
  CHECK(frame->content_type() == "text/event-plain");
  CHECK(framer.stats().oversized_frames == 1);
  CHECK(framer.last_oversized().first == "text/event-plain");
  CHECK(framer.last_oversized().second == length);
  CHECK_FALSE(framer.broken());

  // Exactly at the limit is accepted.
  EslFramer at_limit;
  at_limit.feed("Content-Length: " + std::to_string(EslFramer::kMaxBodyBytes) + "\n\n" +
                std::string(EslFramer::kMaxBodyBytes, 'z'));
  const auto big = at_limit.next();
  REQUIRE(big);
  CHECK(big->body.size() == EslFramer::kMaxBodyBytes);
  CHECK(at_limit.stats().oversized_frames == 0);
}

TEST_CASE("a Content-Length that is not a number leaves the stream unreadable, named",
          "[freeswitch][esl]") {
  const std::string length = GENERATE("12x", "-5", "", "99999999999999999999999");
  EslFramer framer;
  framer.feed("Content-Type: text/event-plain\nContent-Length: " + length + "\n\nabc");
  CHECK_FALSE(framer.next());
  CHECK(framer.broken());
  CHECK_THAT(framer.error(), Catch::StartsWith("Content-Length: not a number"));
}

TEST_CASE("event values decode like libesl and _undef_ reads as empty", "[freeswitch][esl]") {
  CHECK(url_decode("support%40default") == "support@default");
  CHECK(url_decode("100%") == "100%");  // no two hex digits: kept
  CHECK(url_decode("%4") == "%4");
  CHECK(url_decode("a+b%2Bc") == "a+b+c");  // '+' is not a space in ESL
  CHECK(url_encode("Available (On Demand)") == "Available%20(On%20Demand)");
  CHECK(url_encode("callcenter::info") == "callcenter%3A%3Ainfo");
  CHECK(url_encode("50%41") == "50%41");  // already encoded: not encoded twice
  CHECK(esl::encode("Wed, 07 Nov 2018 15:59:11 GMT") ==
        url_encode("Wed, 07 Nov 2018 15:59:11 GMT"));

  const auto event =
      EslEvent::parse("Event-Name: CUSTOM\nCC-Agent-UUID: _undef_\nCaller-ANI: \n\n");
  REQUIRE(event);
  CHECK(event->has("CC-Agent-UUID"));
  CHECK(event->get_or("CC-Agent-UUID", "x").empty());
  CHECK(event->get_or("Caller-ANI", "x").empty());

  const auto with_body =
      EslEvent::parse("Event-Name: BACKGROUND_JOB\nContent-Length: 6\n\n+OK 1\n");
  REQUIRE(with_body);
  CHECK(with_body->body() == "+OK 1\n");

  std::string error;
  CHECK_FALSE(EslEvent::parse("no colon here\n\n", &error));
  CHECK(error == "no \"Name: value\" line in the event");
}
