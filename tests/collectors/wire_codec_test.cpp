// The wire codec: what a collector encodes, the daemon decodes to the same events; what cannot
// be decoded is named, never thrown.
#include <catch2/catch.hpp>

#include "collectors/event_matchers.h"
#include "floorwatch/v1/ingest.pb.h"
#include "wire_codec.h"

using namespace floorwatch;
using floorwatch::test::describe;
using floorwatch::test::same_event;

namespace {

std::vector<core::Event> one_of_each_type() {
  const auto t0 = core::from_epoch_ms(1795510800000);
  std::vector<core::Event> events(7);
  events[0].type = core::EventType::AgentState;
  events[0].agent = "anna";
  events[0].state = core::AgentStatus::Available;
  events[0].queues = std::vector<std::string>{"sales", "support"};
  events[1].type = core::EventType::CallEnqueued;
  events[1].call = "c1";
  events[1].queue = "sales";
  events[1].channel = core::Channel::Email;
  events[1].caller = "+46701234567";
  events[2].type = core::EventType::CallAnswered;
  events[2].call = "c1";
  events[2].agent = "anna";
  events[3].type = core::EventType::CallCompleted;
  events[3].call = "c1";
  events[4].type = core::EventType::CallAbandoned;
  events[4].call = "c2";
  events[5].type = core::EventType::CallExited;
  events[5].call = "c3";
  events[5].exit_reason = core::ExitReason::Transfer;
  events[6].type = core::EventType::AgentState;
  events[6].agent = "anna";
  events[6].state = core::AgentStatus::Paused;
  events[6].reason = "lunch";
  events[6].queues = std::vector<std::string>{};  // member of no queue: not the same as unchanged
  for (std::size_t i = 0; i < events.size(); ++i) events[i].ts = t0 + core::Duration{1000 * i};
  return events;
}

v1::Event valid_proto_event() {
  v1::Event event;
  event.set_seq(1);
  event.set_ts_ms(1795510800000);
  event.set_type(v1::CALL_ENQUEUED);
  event.set_call("c1");
  event.set_queue("q");
  return event;
}

}  // namespace

TEST_CASE("a batch round-trips through bytes with its header, seqs and events",
          "[collectors][wire]") {
  wire::Batch batch;
  batch.source = "asterisk-pbx1";
  batch.session = 0xfedcba9876543210ULL;  // needs all 64 bits
  const auto events = one_of_each_type();
  for (std::size_t i = 0; i < events.size(); ++i) batch.events.push_back({41 + i, events[i]});

  const auto decoded = wire::decode_batch(wire::encode_batch(batch));
  REQUIRE(decoded.ok());
  CHECK(decoded.value().protocol_version == 1);
  CHECK(decoded.value().source == "asterisk-pbx1");
  CHECK(decoded.value().session == 0xfedcba9876543210ULL);
  REQUIRE(decoded.value().events.size() == events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& got = decoded.value().events[i];
    CHECK(got.seq == 41 + i);
    REQUIRE(got.event.ok());
    INFO(describe(got.event.value()) << "\nvs\n" << describe(events[i]));
    CHECK(same_event(got.event.value(), events[i]));
  }
}

TEST_CASE("the spliced batch bytes are a plain EventBatch to any protobuf reader",
          "[collectors][wire]") {
  // A collector in another language must read the same thing: parse with the generated class.
  wire::BatchEncoder encoder("src", 7);
  encoder.add(300, wire::encode_event_body(one_of_each_type()[1]));  // seq > 127: 2-byte varint
  encoder.add(301, wire::encode_event_body(one_of_each_type()[2]));
  CHECK(encoder.event_count() == 2);
  v1::EventBatch message;
  REQUIRE(message.ParseFromString(encoder.take()));
  CHECK(message.protocol_version() == 1);
  CHECK(message.source() == "src");
  CHECK(message.session() == 7);
  REQUIRE(message.events_size() == 2);
  CHECK(message.events(0).seq() == 300);
  CHECK(message.events(0).type() == v1::CALL_ENQUEUED);
  CHECK(message.events(0).channel() == v1::EMAIL);
  CHECK(message.events(1).seq() == 301);
  CHECK(message.events(1).agent() == "anna");
  // take() leaves an empty batch behind: a heartbeat.
  CHECK(encoder.event_count() == 0);
  REQUIRE(message.ParseFromString(encoder.take()));
  CHECK(message.events_size() == 0);
  CHECK(message.source() == "src");
}

TEST_CASE("an empty batch is a heartbeat", "[collectors][wire]") {
  const auto decoded = wire::decode_batch(wire::encode_batch({"s", 3, {}}));
  REQUIRE(decoded.ok());
  CHECK(decoded.value().events.empty());
  CHECK(decoded.value().session == 3);
}

TEST_CASE("a batch header carries the collector's blind spots; none is the default",
          "[collectors][wire]") {
  wire::Batch batch{"ami-pbx1", 3, {}};
  CHECK(wire::decode_batch(wire::encode_batch(batch)).value().health == wire::SourceHealth{});
  batch.health = {2, 91'500};
  const auto decoded = wire::decode_batch(wire::encode_batch(batch));
  REQUIRE(decoded.ok());
  CHECK(decoded.value().health.gaps == 2);
  CHECK(decoded.value().health.gap_milliseconds == 91'500);
  // The spliced encoder writes the same field any protobuf reader sees.
  v1::EventBatch message;
  REQUIRE(message.ParseFromString(wire::BatchEncoder("ami-pbx1", 3, {1, 500}).take()));
  CHECK(message.health().gaps() == 1);
  CHECK(message.health().gap_milliseconds() == 500);
}

TEST_CASE("CHANNEL_UNSPECIFIED decodes as voice", "[collectors][wire]") {
  v1::Event event = valid_proto_event();
  event.set_channel(v1::CHANNEL_UNSPECIFIED);
  const auto decoded = wire::decode_event(event);
  REQUIRE(decoded.ok());
  CHECK(decoded.value().channel == core::Channel::Voice);
}

TEST_CASE("unspecified or unknown enums are decode errors naming the field", "[collectors][wire]") {
  v1::Event event = valid_proto_event();
  std::string field;
  core::RejectReason reason = core::RejectReason::Malformed;
  SECTION("type unspecified") {
    event.set_type(v1::EVENT_TYPE_UNSPECIFIED);
    field = "\"type\"";
    reason = core::RejectReason::MissingField;
  }
  SECTION("type from a future version") {
    event.set_type(static_cast<v1::EventType>(99));
    field = "\"type\"";
    reason = core::RejectReason::InvalidValue;
  }
  SECTION("call_exited without exit reason") {
    event.set_type(v1::CALL_EXITED);
    field = "\"exit_reason\"";
    reason = core::RejectReason::MissingField;
  }
  SECTION("agent_state without state") {
    event.set_type(v1::AGENT_STATE);
    event.set_agent("a");
    field = "\"state\"";
    reason = core::RejectReason::MissingField;
  }
  SECTION("unknown channel") {
    event.set_channel(static_cast<v1::Channel>(12));
    field = "\"channel\"";
    reason = core::RejectReason::InvalidValue;
  }
  SECTION("no timestamp") {
    event.set_ts_ms(0);
    field = "\"ts_ms\"";
    reason = core::RejectReason::MissingField;
  }
  const auto decoded = wire::decode_event(event);
  REQUIRE_FALSE(decoded.ok());
  CHECK_THAT(decoded.error().message, Catch::Contains(field));
  CHECK(decoded.error().reason == reason);
}

TEST_CASE("a bad event does not spoil its batch: its seq still comes through",
          "[collectors][wire]") {
  v1::EventBatch message;
  message.set_protocol_version(1);
  message.set_source("s");
  *message.add_events() = valid_proto_event();
  v1::Event bad = valid_proto_event();
  bad.set_seq(2);
  bad.set_type(v1::AGENT_STATE);  // without a state
  *message.add_events() = bad;
  const auto decoded = wire::decode_batch(message.SerializeAsString());
  REQUIRE(decoded.ok());
  REQUIRE(decoded.value().events.size() == 2);
  CHECK(decoded.value().events[0].event.ok());
  CHECK(decoded.value().events[1].seq == 2);
  CHECK_FALSE(decoded.value().events[1].event.ok());
}

TEST_CASE("frames that are not version-1 batches are rejected as malformed", "[collectors][wire]") {
  SECTION("garbage bytes") {
    const auto decoded = wire::decode_batch("\xff\xff\xff\xff garbage");
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().reason == core::RejectReason::Malformed);
  }
  SECTION("protocol version 2") {
    v1::EventBatch message;
    message.set_protocol_version(2);
    const auto decoded = wire::decode_batch(message.SerializeAsString());
    REQUIRE_FALSE(decoded.ok());
    CHECK_THAT(decoded.error().message, Catch::Contains("protocol_version"));
  }
  SECTION("protocol version missing (0)") {
    CHECK_FALSE(wire::decode_batch(v1::EventBatch().SerializeAsString()).ok());
  }
}

TEST_CASE("a batch's outline names its stream and seqs as decoding does", "[collectors][wire]") {
  // The daemon outlines a frame before its journal holds it, and decodes it after.
  v1::EventBatch message;
  message.set_protocol_version(1);
  message.set_source("asterisk-pbx1");
  message.set_session(0xfedcba9876543210ULL);
  message.mutable_health()->set_gaps(2);
  for (const std::uint64_t seq : {300, 301, 302}) {
    v1::Event event = valid_proto_event();
    event.set_seq(seq);
    *message.add_events() = event;
  }
  *message.add_events() = v1::Event();  // no seq: 0, as protobuf reads it
  const std::string bytes = message.SerializeAsString();
  wire::BatchOutline outline;
  REQUIRE(wire::outline_batch(bytes, outline));
  CHECK(outline.source == "asterisk-pbx1");
  CHECK(outline.session == 0xfedcba9876543210ULL);
  CHECK(outline.seqs == std::vector<std::uint64_t>{300, 301, 302, 0});
  const auto decoded = wire::decode_batch(bytes);
  REQUIRE(decoded.ok());
  for (std::size_t i = 0; i < outline.seqs.size(); ++i)
    CHECK(decoded.value().events[i].seq == outline.seqs[i]);

  SECTION("the spliced encoder's bytes (seq before the body) and a heartbeat") {
    wire::BatchEncoder encoder("src", 7);
    encoder.add(128, wire::encode_event_body(one_of_each_type()[0]));
    // The outline points into the frame's bytes: they must outlive it, as ZeroMQ's do.
    const std::string with_event = encoder.take();
    REQUIRE(wire::outline_batch(with_event, outline));
    CHECK(outline.seqs == std::vector<std::uint64_t>{128});
    const std::string heartbeat = encoder.take();
    REQUIRE(wire::outline_batch(heartbeat, outline));
    CHECK(outline.source == "src");
    CHECK(outline.seqs.empty());
  }
  SECTION("what is not a version-1 batch has no outline") {
    CHECK_FALSE(wire::outline_batch("\xff\xff\xff\xff garbage", outline));
    CHECK_FALSE(wire::outline_batch(bytes.substr(0, bytes.size() - 3), outline));  // cut short
    CHECK_FALSE(wire::outline_batch(v1::EventBatch().SerializeAsString(), outline));
    message.set_protocol_version(2);
    CHECK_FALSE(wire::outline_batch(message.SerializeAsString(), outline));
  }
}

TEST_CASE("an ack round-trips", "[collectors][wire]") {
  const wire::Ack ack{"src", 0x8000000000000001ULL, 123456789, "floorwatchd-a"};
  const auto decoded = wire::decode_ack(wire::encode_ack(ack));
  REQUIRE(decoded.ok());
  CHECK(decoded.value().source == "src");
  CHECK(decoded.value().session == 0x8000000000000001ULL);
  CHECK(decoded.value().applied_seq == 123456789);
  CHECK(decoded.value().daemon == "floorwatchd-a");
  CHECK_FALSE(wire::decode_ack("\x0a\xff").ok());
}
