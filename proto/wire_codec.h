#pragma once
// Conversion between core::Event and the floorwatch.v1 protobuf messages (EventBatch, Ack), and
// the byte framing used on the ingest socket: one serialized EventBatch per ZeroMQ message from
// collector to daemon, one serialized Ack per message back. Rules: docs/events.md.
//
// Decoding never throws: a frame or field that cannot be decoded comes back as a DecodeError
// naming the field, with the RejectReason the daemon counts it under.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "floorwatch/core/event.h"
#include "floorwatch/core/reject_reason.h"

namespace floorwatch::v1 {
class Event;  // generated in "floorwatch/v1/ingest.pb.h"
}

namespace floorwatch::wire {

/// The protocol_version this codec writes and accepts.
inline constexpr std::uint32_t kProtocolVersion = 1;

/// Why a frame or an event could not be decoded: a message naming the field, and the reason
/// the daemon counts it under (floorwatch_events_rejected_total{reason}). Plain value type.
struct DecodeError {
  core::RejectReason reason = core::RejectReason::Malformed;
  std::string message;  ///< e.g. `field "state": AGENT_STATE_UNSPECIFIED is not allowed`
};

/// Either a decoded value or the DecodeError saying why there is none. Plain value type.
template <typename T>
class DecodeResult {
 public:
  DecodeResult(T value) : value_(std::move(value)) {}            // NOLINT: implicit on purpose
  DecodeResult(DecodeError error) : error_(std::move(error)) {}  // NOLINT: implicit on purpose

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  /// Only when ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  /// Only when !ok().
  const DecodeError& error() const { return error_; }

 private:
  std::optional<T> value_;
  DecodeError error_;
};

/// One event of a batch with its position in the (source, session) stream.
struct SequencedEvent {
  std::uint64_t seq = 0;
  core::Event event;
};

/// The collector's own blind spots so far (EventBatch.health): cumulative since it started.
/// Plain value type.
struct SourceHealth {
  std::uint64_t gaps = 0;
  std::uint64_t gap_milliseconds = 0;
  bool operator==(const SourceHealth&) const = default;
};

/// A batch to encode: consecutive events of one collector stream. Plain value type.
struct Batch {
  std::string source;
  std::uint64_t session = 0;
  std::vector<SequencedEvent> events;  ///< may be empty: a heartbeat / ack request
  SourceHealth health;
};

/// One event of a decoded batch. The seq is always known (even when the event itself is not
/// decodable) so the daemon can still advance the stream and count the event as rejected.
struct DecodedEvent {
  std::uint64_t seq = 0;
  DecodeResult<core::Event> event;
};

/// A decoded batch: the header decoded, each event decoded on its own.
struct DecodedBatch {
  std::uint32_t protocol_version = kProtocolVersion;
  std::string source;
  std::uint64_t session = 0;
  std::vector<DecodedEvent> events;
  SourceHealth health;
};

/// The daemon's answer to a batch: everything up to applied_seq is applied. Plain value type.
struct Ack {
  std::string source;
  std::uint64_t session = 0;
  std::uint64_t applied_seq = 0;
  std::string daemon;  ///< identity of the acknowledging daemon
};

// --- single events --------------------------------------------------------------------------

/// Fills `out` (cleared first) from `event` and `seq`.
void encode_event(const core::Event& event, std::uint64_t seq, v1::Event& out);
/// Converts a protobuf event. CHANNEL_UNSPECIFIED means voice; EVENT_TYPE_UNSPECIFIED, and
/// EXIT_REASON_UNSPECIFIED / AGENT_STATE_UNSPECIFIED where the type needs them, are errors
/// naming the field; unknown enum numbers are InvalidValue errors. Required ids are not checked
/// here: core::FloorState rejects a missing call/queue/agent as missing_field.
DecodeResult<core::Event> decode_event(const v1::Event& event);

// --- batches --------------------------------------------------------------------------------

/// Serialized floorwatch.v1.Event without its seq: what DeliveryChannel keeps per unacked
/// event, so an event is encoded once however often it is (re)sent and to however many daemons.
std::string encode_event_body(const core::Event& event);
/// The same into `out`, reusing its capacity (the collector recycles acknowledged bodies).
void encode_event_body(const core::Event& event, std::string& out);

/// Builds a serialized EventBatch from pre-encoded event bodies without copying them through
/// protobuf objects. Not thread-safe; reusable after take().
class BatchEncoder {
 public:
  BatchEncoder(std::string source, std::uint64_t session, SourceHealth health = {});
  /// Appends one event: `body` from encode_event_body, `seq` its stream position.
  void add(std::uint64_t seq, std::string_view body);
  std::size_t event_count() const { return event_count_; }
  /// The serialized batch so far; resets to an empty batch.
  std::string take();

 private:
  void start();

  std::string source_;
  std::uint64_t session_;
  SourceHealth health_;
  std::string bytes_;
  std::size_t event_count_ = 0;
};

/// Serialized EventBatch with protocol_version kProtocolVersion.
std::string encode_batch(const Batch& batch);
/// Fails (Malformed) when the bytes are not an EventBatch or protocol_version is not 1; a bad
/// event inside a good batch does not fail the batch (see DecodedEvent).
DecodeResult<DecodedBatch> decode_batch(std::string_view bytes);

/// What the daemon reads of a batch before its journal holds it: the header and each event's
/// seq, without decoding the events. Reusable: `seqs` keeps its capacity. Plain value type.
struct BatchOutline {
  std::string_view source;  ///< points into the frame
  std::uint64_t session = 0;
  std::vector<std::uint64_t> seqs;
};
/// Fills `out` from a serialized EventBatch. False (Malformed) when the bytes are not protobuf
/// wire format or protocol_version is not 1. When both this and decode_batch succeed they agree
/// on source, session and seqs (the last occurrence of a field wins, as in protobuf); this does
/// not check what decode_batch alone does (UTF-8 of strings, the health message's inside).
bool outline_batch(std::string_view bytes, BatchOutline& out);

// --- acks -----------------------------------------------------------------------------------

std::string encode_ack(const Ack& ack);
/// Fails when the bytes are not an Ack or protocol_version is not 1.
DecodeResult<Ack> decode_ack(std::string_view bytes);

}  // namespace floorwatch::wire
