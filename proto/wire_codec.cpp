#include "wire_codec.h"
#include "wire_enums.h"

#include <google/protobuf/arena.h>

#include <memory>

#include "floorwatch/v1/ingest.pb.h"

namespace floorwatch::wire {
namespace {

using core::RejectReason;

DecodeError field_error(RejectReason reason, std::string_view field, std::string_view what) {
  std::string message = "field \"";
  message += field;
  message += "\": ";
  message += what;
  return {reason, std::move(message)};
}

}  // namespace

// Enum mappings between core and the wire schema; public so other encoders (the wallboard
// feed) use the same ones.
v1::EventType to_proto(core::EventType type) {
  switch (type) {
    case core::EventType::CallEnqueued:
      return v1::CALL_ENQUEUED;
    case core::EventType::CallAnswered:
      return v1::CALL_ANSWERED;
    case core::EventType::CallAbandoned:
      return v1::CALL_ABANDONED;
    case core::EventType::CallExited:
      return v1::CALL_EXITED;
    case core::EventType::CallCompleted:
      return v1::CALL_COMPLETED;
    case core::EventType::AgentState:
      return v1::AGENT_STATE;
  }
  return v1::EVENT_TYPE_UNSPECIFIED;
}

v1::Channel to_proto(core::Channel channel) {
  switch (channel) {
    case core::Channel::Voice:
      return v1::VOICE;
    case core::Channel::Chat:
      return v1::CHAT;
    case core::Channel::Email:
      return v1::EMAIL;
    case core::Channel::Callback:
      return v1::CALLBACK;
  }
  return v1::CHANNEL_UNSPECIFIED;
}

v1::ExitReason to_proto(core::ExitReason reason) {
  switch (reason) {
    case core::ExitReason::Timeout:
      return v1::TIMEOUT;
    case core::ExitReason::NoAgents:
      return v1::NO_AGENTS;
    case core::ExitReason::Key:
      return v1::KEY;
    case core::ExitReason::Transfer:
      return v1::TRANSFER;
  }
  return v1::EXIT_REASON_UNSPECIFIED;
}

v1::AgentState to_proto(core::AgentStatus status) {
  switch (status) {
    case core::AgentStatus::Available:
      return v1::AVAILABLE;
    case core::AgentStatus::Ringing:
      return v1::RINGING;
    case core::AgentStatus::Busy:
      return v1::BUSY;
    case core::AgentStatus::Wrapup:
      return v1::WRAPUP;
    case core::AgentStatus::Paused:
      return v1::PAUSED;
    case core::AgentStatus::Offline:
      return v1::OFFLINE;
  }
  return v1::AGENT_STATE_UNSPECIFIED;
}

std::optional<core::EventType> from_proto(v1::EventType type) {
  switch (type) {
    case v1::CALL_ENQUEUED:
      return core::EventType::CallEnqueued;
    case v1::CALL_ANSWERED:
      return core::EventType::CallAnswered;
    case v1::CALL_ABANDONED:
      return core::EventType::CallAbandoned;
    case v1::CALL_EXITED:
      return core::EventType::CallExited;
    case v1::CALL_COMPLETED:
      return core::EventType::CallCompleted;
    case v1::AGENT_STATE:
      return core::EventType::AgentState;
    default:
      return std::nullopt;
  }
}

std::optional<core::Channel> from_proto(v1::Channel channel) {
  switch (channel) {
    case v1::CHANNEL_UNSPECIFIED:  // older or minimal collectors: voice is the norm
    case v1::VOICE:
      return core::Channel::Voice;
    case v1::CHAT:
      return core::Channel::Chat;
    case v1::EMAIL:
      return core::Channel::Email;
    case v1::CALLBACK:
      return core::Channel::Callback;
    default:
      return std::nullopt;
  }
}

std::optional<core::ExitReason> from_proto(v1::ExitReason reason) {
  switch (reason) {
    case v1::TIMEOUT:
      return core::ExitReason::Timeout;
    case v1::NO_AGENTS:
      return core::ExitReason::NoAgents;
    case v1::KEY:
      return core::ExitReason::Key;
    case v1::TRANSFER:
      return core::ExitReason::Transfer;
    default:
      return std::nullopt;
  }
}

std::optional<core::AgentStatus> from_proto(v1::AgentState state) {
  switch (state) {
    case v1::AVAILABLE:
      return core::AgentStatus::Available;
    case v1::RINGING:
      return core::AgentStatus::Ringing;
    case v1::BUSY:
      return core::AgentStatus::Busy;
    case v1::WRAPUP:
      return core::AgentStatus::Wrapup;
    case v1::PAUSED:
      return core::AgentStatus::Paused;
    case v1::OFFLINE:
      return core::AgentStatus::Offline;
    default:
      return std::nullopt;
  }
}

namespace {

// Protobuf wire format primitives, used to splice pre-encoded event bodies into a batch.
void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

constexpr std::uint32_t kWireVarint = 0;
constexpr std::uint32_t kWireLengthDelimited = 2;

void append_tag(std::string& out, std::uint32_t field, std::uint32_t wire_type) {
  append_varint(out, (field << 3) | wire_type);
}

std::size_t varint_size(std::uint64_t value) {
  std::size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

// Field numbers from ingest.proto.
constexpr std::uint32_t kBatchProtocolVersionField = 1;
constexpr std::uint32_t kBatchSourceField = 2;
constexpr std::uint32_t kBatchSessionField = 3;
constexpr std::uint32_t kBatchEventsField = 4;
constexpr std::uint32_t kBatchHealthField = 5;
constexpr std::uint32_t kHealthGapsField = 1;
constexpr std::uint32_t kHealthGapMillisecondsField = 2;
constexpr std::uint32_t kEventSeqField = 1;

}  // namespace

void encode_event(const core::Event& event, std::uint64_t seq, v1::Event& out) {
  out.Clear();
  out.set_seq(seq);
  out.set_ts_ms(core::to_epoch_ms(event.ts));
  out.set_type(to_proto(event.type));
  out.set_call(event.call);
  out.set_queue(event.queue);
  out.set_agent(event.agent);
  out.set_caller(event.caller);
  out.set_reason(event.reason);
  if (event.type == core::EventType::CallEnqueued) out.set_channel(to_proto(event.channel));
  if (event.type == core::EventType::CallExited) out.set_exit_reason(to_proto(event.exit_reason));
  if (event.type == core::EventType::AgentState) out.set_state(to_proto(event.state));
  if (event.queues) {
    out.set_queues_present(true);
    for (const auto& queue : *event.queues) out.add_queues(queue);
  }
}

DecodeResult<core::Event> decode_event(const v1::Event& in) {
  core::Event event;
  if (in.type() == v1::EVENT_TYPE_UNSPECIFIED)
    return field_error(RejectReason::MissingField, "type", "EVENT_TYPE_UNSPECIFIED is not allowed");
  const auto type = from_proto(in.type());
  if (!type)
    return field_error(RejectReason::InvalidValue, "type",
                       "unknown value " + std::to_string(in.type()));
  event.type = *type;
  if (in.ts_ms() == 0) return field_error(RejectReason::MissingField, "ts_ms", "missing");
  event.ts = core::from_epoch_ms(in.ts_ms());
  event.call = in.call();
  event.queue = in.queue();
  event.agent = in.agent();
  event.caller = in.caller();
  event.reason = in.reason();

  const auto channel = from_proto(in.channel());
  if (!channel)
    return field_error(RejectReason::InvalidValue, "channel",
                       "unknown value " + std::to_string(in.channel()));
  event.channel = *channel;

  if (event.type == core::EventType::CallExited) {
    if (in.exit_reason() == v1::EXIT_REASON_UNSPECIFIED)
      return field_error(RejectReason::MissingField, "exit_reason",
                         "EXIT_REASON_UNSPECIFIED is not allowed for CALL_EXITED");
    const auto reason = from_proto(in.exit_reason());
    if (!reason)
      return field_error(RejectReason::InvalidValue, "exit_reason",
                         "unknown value " + std::to_string(in.exit_reason()));
    event.exit_reason = *reason;
  }
  if (event.type == core::EventType::AgentState) {
    if (in.state() == v1::AGENT_STATE_UNSPECIFIED)
      return field_error(RejectReason::MissingField, "state",
                         "AGENT_STATE_UNSPECIFIED is not allowed for AGENT_STATE");
    const auto state = from_proto(in.state());
    if (!state)
      return field_error(RejectReason::InvalidValue, "state",
                         "unknown value " + std::to_string(in.state()));
    event.state = *state;
  }
  if (in.queues_present())
    event.queues = std::vector<std::string>(in.queues().begin(), in.queues().end());
  return event;
}

std::string encode_event_body(const core::Event& event) {
  std::string body;
  encode_event_body(event, body);
  return body;
}

void encode_event_body(const core::Event& event, std::string& out) {
  thread_local v1::Event message;
  encode_event(event, 0, message);  // seq 0 is not serialized; BatchEncoder adds the real one
  out.clear();
  message.AppendToString(&out);
}

BatchEncoder::BatchEncoder(std::string source, std::uint64_t session, SourceHealth health)
    : source_(std::move(source)), session_(session), health_(health) {
  start();
}

void BatchEncoder::start() {
  bytes_.clear();
  event_count_ = 0;
  append_tag(bytes_, kBatchProtocolVersionField, kWireVarint);
  append_varint(bytes_, kProtocolVersion);
  append_tag(bytes_, kBatchSourceField, kWireLengthDelimited);
  append_varint(bytes_, source_.size());
  bytes_ += source_;
  append_tag(bytes_, kBatchSessionField, kWireVarint);
  append_varint(bytes_, session_);
  if (health_ != SourceHealth{}) {
    std::string health;
    append_tag(health, kHealthGapsField, kWireVarint);
    append_varint(health, health_.gaps);
    append_tag(health, kHealthGapMillisecondsField, kWireVarint);
    append_varint(health, health_.gap_milliseconds);
    append_tag(bytes_, kBatchHealthField, kWireLengthDelimited);
    append_varint(bytes_, health.size());
    bytes_ += health;
  }
}

void BatchEncoder::add(std::uint64_t seq, std::string_view body) {
  // Protobuf accepts fields in any order, so the seq field can precede the body's fields.
  const std::size_t seq_field_size = 1 + varint_size(seq);
  append_tag(bytes_, kBatchEventsField, kWireLengthDelimited);
  append_varint(bytes_, seq_field_size + body.size());
  append_tag(bytes_, kEventSeqField, kWireVarint);
  append_varint(bytes_, seq);
  bytes_.append(body);
  ++event_count_;
}

std::string BatchEncoder::take() {
  std::string out = std::move(bytes_);
  start();
  return out;
}

std::string encode_batch(const Batch& batch) {
  BatchEncoder encoder(batch.source, batch.session, batch.health);
  for (const auto& sequenced : batch.events)
    encoder.add(sequenced.seq, encode_event_body(sequenced.event));
  return encoder.take();
}

namespace {

// Parsing a batch allocates every event's message and strings (thousands per frame); in an
// arena that keeps its first block from one batch to the next, they cost no malloc and free.
class DecodeArena {
 public:
  DecodeArena() : block_(new char[kBlockBytes]), arena_(options(block_.get())) {}
  google::protobuf::Arena& arena() { return arena_; }

 private:
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;  // ~3,000 events
  static google::protobuf::ArenaOptions options(char* block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block;
    options.initial_block_size = kBlockBytes;
    options.start_block_size = options.max_block_size = kBlockBytes / 4;
    return options;
  }
  std::unique_ptr<char[]> block_;
  google::protobuf::Arena arena_;
};

}  // namespace

DecodeResult<DecodedBatch> decode_batch(std::string_view bytes) {
  thread_local DecodeArena decode_arena;
  google::protobuf::Arena& arena = decode_arena.arena();
  // Everything parsed is copied out before returning; then the arena is emptied for the next.
  struct Emptied {
    google::protobuf::Arena& arena;
    ~Emptied() { arena.Reset(); }
  } emptied{arena};
  v1::EventBatch& message = *google::protobuf::Arena::CreateMessage<v1::EventBatch>(&arena);
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return DecodeError{RejectReason::Malformed, "frame is not a floorwatch.v1.EventBatch"};
  if (message.protocol_version() != kProtocolVersion)
    return field_error(RejectReason::Malformed, "protocol_version",
                       std::to_string(message.protocol_version()) + " is not supported (want 1)");
  DecodedBatch batch;
  batch.protocol_version = message.protocol_version();
  batch.source = message.source();
  batch.session = message.session();
  batch.health = {message.health().gaps(), message.health().gap_milliseconds()};
  batch.events.reserve(static_cast<std::size_t>(message.events_size()));
  for (const auto& event : message.events())
    batch.events.push_back(DecodedEvent{event.seq(), decode_event(event)});
  return batch;
}

namespace {

// Reading the wire format by hand (outline_batch): each step false when the bytes end early.
bool read_varint(std::string_view& in, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return true;
  }
  return false;
}

bool read_length_delimited(std::string_view& in, std::string_view& field) {
  std::uint64_t size = 0;
  if (!read_varint(in, size) || size > in.size()) return false;
  field = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

// Groups (wire types 3 and 4) are not in our schema: protobuf would reject them here too.
bool skip_field(std::string_view& in, std::uint64_t wire_type) {
  std::uint64_t ignored = 0;
  std::string_view field;
  switch (wire_type) {
    case kWireVarint:
      return read_varint(in, ignored);
    case 1:  // fixed64
    case 5:  // fixed32
      if (in.size() < (wire_type == 1 ? 8u : 4u)) return false;
      in.remove_prefix(wire_type == 1 ? 8 : 4);
      return true;
    case kWireLengthDelimited:
      return read_length_delimited(in, field);
    default:
      return false;
  }
}

bool read_tag(std::string_view& in, std::uint64_t& field, std::uint64_t& wire_type) {
  std::uint64_t tag = 0;
  if (!read_varint(in, tag)) return false;
  field = tag >> 3;
  wire_type = tag & 7;
  return field != 0;  // field 0 does not exist: protobuf fails the parse
}

// An Event's seq: its last seq field, 0 when it has none (as protobuf reads it).
bool outline_event(std::string_view in, std::uint64_t& seq) {
  seq = 0;
  std::uint64_t field = 0, wire_type = 0;
  while (!in.empty()) {
    if (!read_tag(in, field, wire_type)) return false;
    if (field == kEventSeqField && wire_type == kWireVarint) {
      if (!read_varint(in, seq)) return false;
    } else if (!skip_field(in, wire_type)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool outline_batch(std::string_view bytes, BatchOutline& out) {
  out.source = {};
  out.session = 0;
  out.seqs.clear();
  std::uint64_t version = 0, field = 0, wire_type = 0;
  while (!bytes.empty()) {
    if (!read_tag(bytes, field, wire_type)) return false;
    bool read = true;
    std::string_view value;
    if (field == kBatchProtocolVersionField && wire_type == kWireVarint) {
      read = read_varint(bytes, version);
    } else if (field == kBatchSourceField && wire_type == kWireLengthDelimited) {
      read = read_length_delimited(bytes, out.source);
    } else if (field == kBatchSessionField && wire_type == kWireVarint) {
      read = read_varint(bytes, out.session);
    } else if (field == kBatchEventsField && wire_type == kWireLengthDelimited) {
      std::uint64_t seq = 0;
      read = read_length_delimited(bytes, value) && outline_event(value, seq);
      out.seqs.push_back(seq);
    } else {
      read = skip_field(bytes, wire_type);
    }
    if (!read) return false;
  }
  // protocol_version is a uint32: protobuf keeps the low 32 bits of a longer varint.
  return static_cast<std::uint32_t>(version) == kProtocolVersion;
}

std::string encode_ack(const Ack& ack) {
  v1::Ack message;
  message.set_protocol_version(kProtocolVersion);
  message.set_source(ack.source);
  message.set_session(ack.session);
  message.set_applied_seq(ack.applied_seq);
  message.set_daemon(ack.daemon);
  return message.SerializeAsString();
}

DecodeResult<Ack> decode_ack(std::string_view bytes) {
  v1::Ack message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return DecodeError{RejectReason::Malformed, "frame is not a floorwatch.v1.Ack"};
  if (message.protocol_version() != kProtocolVersion)
    return field_error(RejectReason::Malformed, "protocol_version",
                       std::to_string(message.protocol_version()) + " is not supported (want 1)");
  Ack ack;
  ack.source = message.source();
  ack.session = message.session();
  ack.applied_seq = message.applied_seq();
  ack.daemon = message.daemon();
  return ack;
}

}  // namespace floorwatch::wire
