#pragma once
// Hand-built feed messages for the board-side tests: a snapshot, deltas and heartbeats exactly
// as a daemon would send them, so a test reads like the traffic a board sees.
#include <string>

#include "floorwatch/v1/feed.pb.h"

namespace floorwatch::wallboard::test {

inline v1::FeedMessage header(std::uint64_t epoch, std::uint64_t seq,
                              std::int64_t now_ms = 1'795'510'800'000) {
  v1::FeedMessage message;
  message.set_protocol_version(1);
  message.set_epoch(epoch);
  message.set_seq(seq);
  message.set_now_ms(now_ms);
  message.set_utc_offset_seconds(3600);
  return message;
}

inline v1::FeedQueue queue(const std::string& name, int waiting) {
  v1::FeedQueue q;
  q.set_name(name);
  q.set_answer_target_seconds(20);
  q.set_service_level_target(0.8);
  q.set_calls_waiting(waiting);
  return q;
}

/// A snapshot as of `seq` with one queue "sales" and `waiting` callers.
inline std::string snapshot(std::uint64_t epoch, std::uint64_t seq, int waiting,
                            bool clock_runs = true) {
  v1::FeedMessage message = header(epoch, seq);
  v1::FeedSnapshot& s = *message.mutable_snapshot();
  s.set_site("stockholm");
  s.set_daemon("fw-a");
  s.set_clock_runs(clock_runs);
  *s.add_queues() = queue("sales", waiting);
  return message.SerializeAsString();
}

/// Delta number `seq` setting "sales" to `waiting` callers.
inline std::string delta(std::uint64_t epoch, std::uint64_t seq, int waiting) {
  v1::FeedMessage message = header(epoch, seq);
  *message.mutable_delta()->add_queues() = queue("sales", waiting);
  return message.SerializeAsString();
}

inline std::string heartbeat(std::uint64_t epoch, std::uint64_t seq,
                             std::int64_t now_ms = 1'795'510'800'000) {
  v1::FeedMessage message = header(epoch, seq, now_ms);
  message.mutable_heartbeat();
  return message.SerializeAsString();
}

}  // namespace floorwatch::wallboard::test
