#pragma once
// At-least-once delivery of events to one daemon (exactly-once after the daemon's dedupe):
// sequence numbers, batching, pipelining, a bounded unacknowledged buffer and go-back-N resends.
// Protocol: docs/events.md ("Sequencing, acks and resends").
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "floorwatch/core/event.h"
#include "source.h"

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace floorwatch::collectors {

/// Security options applied to every ingest socket in one place, so CURVE can be switched on
/// by configuration without touching the protocol. Plain value type.
struct SocketSecurity {
  enum class Mechanism { None, Curve };
  Mechanism mechanism = Mechanism::None;
  std::string curve_server_public_key;  ///< Z85, 40 characters: the daemon's public key
  std::string curve_public_key;         ///< Z85: this collector's key pair
  std::string curve_secret_key;
};

/// Applies `security` to a client (connecting) socket. Throws zmq::error_t on bad keys.
void apply_client_security(zmq::socket_t& socket, const SocketSecurity& security);

/// Tuning of one DeliveryChannel. Plain value type.
struct DeliveryOptions {
  std::string endpoint;       ///< the daemon's ROUTER ingest endpoint, e.g. tcp://10.0.0.5:5557
  std::string source_id;      ///< stable collector id (metric label `source` on the daemon)
  std::uint64_t session = 0;  ///< 0: pick a random one (std::random_device)
  std::size_t max_batch_events = 1000;          ///< events per EventBatch message
  std::chrono::milliseconds flush_interval{2};  ///< a partial batch waits at most this long
  /// Overflow policy "block": when this many events are unacknowledged, publish() waits for
  /// acks (logged once per episode, counted in producer_blocked). Nothing is ever dropped.
  std::size_t max_unacked_events = 1'000'000;
  /// No ack progress this long while events are in flight: go back N. (Three acks in a row
  /// that do not advance trigger the same at once.)
  std::chrono::milliseconds resend_timeout{1000};
  std::chrono::milliseconds heartbeat_interval{1000};  ///< empty batch when idle this long
  int send_high_water_mark = 100;  ///< ZMQ_SNDHWM in messages (x max_batch_events events)
  SocketSecurity security;
};

/// What a channel did so far. Plain value type.
struct DeliveryCounters {
  std::uint64_t events_published = 0;  ///< handed to publish()
  std::uint64_t events_sent = 0;       ///< first transmissions
  std::uint64_t events_resent = 0;     ///< retransmissions after an ack timeout
  std::uint64_t events_acked = 0;
  std::uint64_t batches_sent = 0;  ///< including heartbeats
  std::uint64_t heartbeats_sent = 0;
  std::uint64_t acks_received = 0;
  std::uint64_t resend_rounds = 0;     ///< go-back-N rounds (ack timeout or 3 duplicate acks)
  std::uint64_t producer_blocked = 0;  ///< times publish() waited on a full buffer
  std::uint64_t session_restarts = 0;  ///< a daemon forgot the stream: renumbered, new session
};

/// One daemon endpoint: a DEALER socket, its own I/O thread, seq numbering within a session and
/// the unacknowledged buffer. publish/flush_and_wait/counters are thread-safe.
class DeliveryChannel {
 public:
  DeliveryChannel(zmq::context_t& context, DeliveryOptions options);
  /// Stops the I/O thread; events still unacknowledged are lost (their count is logged).
  ~DeliveryChannel();
  DeliveryChannel(const DeliveryChannel&) = delete;
  DeliveryChannel& operator=(const DeliveryChannel&) = delete;

  void publish(const core::Event& event);
  /// `body` from wire::encode_event_body: encode once, publish to several channels.
  void publish_encoded(std::string body);
  /// Sends what is pending now and waits until every published event is acknowledged.
  /// Returns false on timeout (events remain unacknowledged). timeout 0 = wait forever.
  bool flush_and_wait(std::chrono::milliseconds timeout);

  DeliveryCounters counters() const;
  std::size_t unacked_events() const;
  /// The stream's session; changes only if a daemon forgets the stream (see handle_ack).
  std::uint64_t session() const;
  const std::string& endpoint() const { return options_.endpoint; }

 private:
  struct PendingEvent {
    std::uint64_t seq;
    std::string body;
  };
  using SteadyTime = std::chrono::steady_clock::time_point;

  void run_io();
  void handle_ack(std::string_view bytes, SteadyTime now);
  bool send_batches(zmq::socket_t& socket, SteadyTime now);
  void go_back_n(SteadyTime now);        // with mutex_ held
  void restart_session(SteadyTime now);  // with mutex_ held
  void wake_io();

  const DeliveryOptions options_;
  std::uint64_t session_;                  // guarded by mutex_ after construction
  std::unique_ptr<zmq::socket_t> socket_;  // used only by the I/O thread after construction
  int wake_fd_ = -1;                       // eventfd: the producer wakes the I/O thread's poll

  mutable std::mutex mutex_;
  std::condition_variable acked_or_space_;  // producer and flush_and_wait wait here
  std::deque<PendingEvent> unacked_;        // seqs acked_seq_+1 .. next_seq_-1, in order
  std::uint64_t next_seq_ = 1;
  std::uint64_t acked_seq_ = 0;
  std::uint64_t sent_seq_ = 0;          // highest seq handed to the socket in this round
  std::uint64_t highest_sent_seq_ = 0;  // highest ever sent: above it is "sent", below "resent"
  SteadyTime oldest_unsent_at_{};       // when the oldest unsent event was published
  SteadyTime last_progress_at_{};       // last ack advance (or since the buffer was empty)
  SteadyTime last_send_at_{};
  int duplicate_acks_ = 0;         // acks in a row that did not advance
  bool fast_resend_done_ = false;  // one fast resend per gap, then the timeout rules
  bool flush_requested_ = false;
  bool blocked_logged_ = false;
  bool stop_ = false;
  DeliveryCounters counters_;

  std::thread io_thread_;
};

/// Publishes each event to every channel (HA: one channel per daemon), encoding it once.
/// Not thread-safe: one source thread publishes.
class DeliveryFanout final : public EventSink {
 public:
  DeliveryFanout(zmq::context_t& context, const std::vector<std::string>& endpoints,
                 const DeliveryOptions& common_options);
  void publish(const core::Event& event) override;
  /// The events acknowledged by every channel (acks are cumulative, so a prefix).
  std::optional<std::uint64_t> delivered_events() const override;
  /// flush_and_wait on every channel; true when all of them acknowledged everything.
  bool flush_and_wait(std::chrono::milliseconds timeout);
  /// Logs each channel's counters (at exit).
  void log_counters() const;
  const std::vector<std::unique_ptr<DeliveryChannel>>& channels() const { return channels_; }

 private:
  std::vector<std::unique_ptr<DeliveryChannel>> channels_;
};

/// A session id from std::random_device; never 0.
std::uint64_t random_session();

}  // namespace floorwatch::collectors
