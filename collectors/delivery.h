#pragma once
// At-least-once delivery of events to one daemon (exactly-once after the daemon's dedupe):
// sequence numbers, batching, pipelining, a bounded unacknowledged buffer and go-back-N resends,
// optionally backed by a disk spool (spool.h). Protocol: docs/events.md ("Sequencing, acks and
// resends"); the spool: docs/durability.md ("Collector spool").
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "floorwatch/core/event.h"
#include "security/socket_security.h"
#include "source.h"
#include "spool.h"
#include "wire_codec.h"

namespace zmq {
class context_t;
class socket_t;
}  // namespace zmq

namespace floorwatch::collectors {

/// Gaps of the collector's own source (e.g. the AMI link was down), counted once per process
/// and read by every channel. Thread-safe.
class SourceGapCounter {
 public:
  void add(std::chrono::milliseconds missed) {
    gap_milliseconds_.fetch_add(static_cast<std::uint64_t>(std::max<long long>(0, missed.count())));
    gaps_.fetch_add(1);
  }
  wire::SourceHealth totals() const { return {gaps_.load(), gap_milliseconds_.load()}; }

 private:
  std::atomic<std::uint64_t> gaps_{0};
  std::atomic<std::uint64_t> gap_milliseconds_{0};
};

/// Tuning of one DeliveryChannel. Plain value type.
struct DeliveryOptions {
  std::string endpoint;       ///< the daemon's ROUTER ingest endpoint, e.g. tcp://10.0.0.5:5557
  std::string source_id;      ///< stable collector id (metric label `source` on the daemon)
  std::uint64_t session = 0;  ///< 0: pick a random one (std::random_device)
  std::size_t max_batch_events = 1000;          ///< events per EventBatch message
  std::chrono::milliseconds flush_interval{2};  ///< a partial batch waits at most this long
  /// Overflow policy "block": when this many events are unacknowledged, publish() waits for
  /// acks (logged once per episode, counted in producer_blocked). Nothing is ever dropped.
  /// With a spool this bounds only the events also kept in memory; the rest wait on disk.
  std::size_t max_unacked_events = 1'000'000;
  /// Root of the disk spool; empty: memory only. The channel spools in
  /// <spool_directory>/<source_id>-<hash of endpoint>/ and resumes from it at the next start.
  std::string spool_directory;
  /// Overflow policy "block" for the spool: publish() waits while the segment files would
  /// exceed this many bytes (logged once per episode, counted in producer_blocked).
  std::uint64_t spool_max_bytes = std::uint64_t{1} << 30;
  /// Group commit: spooled records are fdatasynced at most this often (a power failure loses
  /// at most this much); they reach the OS within flush_interval, and before they are sent.
  std::chrono::milliseconds spool_sync_interval{100};
  /// No ack progress this long while events are in flight: go back N. (Three acks in a row
  /// that do not advance trigger the same at once.)
  std::chrono::milliseconds resend_timeout{1000};
  std::chrono::milliseconds heartbeat_interval{1000};  ///< empty batch when idle this long
  int send_high_water_mark = 100;  ///< ZMQ_SNDHWM in messages (x max_batch_events events)
  /// A refused handshake (CURVE key not authorized, security mismatch) ends libzmq's own
  /// reconnecting, so the channel re-creates its socket: after this long, doubling up to
  /// refused_retry_max while the refusals go on (docs/security.md).
  std::chrono::milliseconds refused_retry_min{1000};
  std::chrono::milliseconds refused_retry_max{30000};
  security::ClientSecurity security;  ///< CURVE keys (docs/security.md); empty = plaintext
  /// The source's blind spots, put in every batch header (EventBatch.health); shared by the
  /// channels of one fanout. Null = nothing to report.
  const SourceGapCounter* gaps = nullptr;
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
  std::uint64_t resend_rounds = 0;       ///< go-back-N rounds (ack timeout or 3 duplicate acks)
  std::uint64_t producer_blocked = 0;    ///< times publish() waited on a full buffer
  std::uint64_t session_restarts = 0;    ///< a daemon forgot the stream: renumbered, new session
  std::uint64_t handshakes_refused = 0;  ///< the daemon refused our key or mechanism
  std::uint64_t sockets_recreated = 0;   ///< new sockets after a refusal
  std::uint64_t events_resumed = 0;      ///< unacknowledged events found in the spool at start
  std::uint64_t spooled_bytes = 0;       ///< bytes this process appended to the spool
  std::uint64_t events_read_back = 0;    ///< events read back from the spool (not in memory)
  std::uint64_t spool_records = 0;       ///< now: unacknowledged events in the spool
  std::uint64_t spool_bytes = 0;         ///< now: bytes of segment files on disk
};

/// The channel's I/O thread failed; what() names the endpoint and the cause.
class DeliveryStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One daemon endpoint: a DEALER socket, its own I/O thread, seq numbering within a session and
/// the unacknowledged buffer. publish/flush_and_wait/counters are thread-safe.
class DeliveryChannel {
 public:
  /// Opens the spool first when one is configured: a spool with unacknowledged events resumes
  /// their session and seq numbering and sends them before anything new.
  DeliveryChannel(zmq::context_t& context, DeliveryOptions options);
  /// Stops the I/O thread; events still unacknowledged are lost (their count is logged), or,
  /// with a spool, stay on disk (synced) for the next start.
  ~DeliveryChannel();
  DeliveryChannel(const DeliveryChannel&) = delete;
  DeliveryChannel& operator=(const DeliveryChannel&) = delete;

  /// Throws DeliveryStopped once the I/O thread has failed (e.g. a spool record damaged on
  /// disk while running): the collector must stop rather than read on into a dead channel.
  void publish(const core::Event& event);
  /// `body` from wire::encode_event_body: encode once, publish to several channels. Returns
  /// the body of an acknowledged event, emptied but keeping its capacity, to encode the next
  /// event into: once the buffer turns over, publishing allocates nothing (the acks free on
  /// another thread, which glibc's per-thread caches cannot recycle). May be a new string.
  std::string publish_encoded(std::string body);
  /// Sends what is pending now and waits until every published event is acknowledged.
  /// Returns false on timeout (events remain unacknowledged). timeout 0 = wait forever.
  /// Throws DeliveryStopped once the I/O thread has failed.
  bool flush_and_wait(std::chrono::milliseconds timeout);

  /// Hands spooled events to the OS and fdatasyncs them now (no-op without a spool).
  void sync_spool();

  DeliveryCounters counters() const;
  /// Published events not yet acknowledged (in memory or, with a spool, on disk).
  std::size_t unacked_events() const;
  /// This channel's spool directory; empty without a spool.
  std::string spool_path() const;
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
  // The DEALER and the monitor of its handshakes (I/O thread only after construction).
  void open_socket();
  void close_socket();
  /// Reads the monitor; true when the daemon refused the handshake (the socket is now dead).
  bool handshake_refused(SteadyTime now);
  void throw_if_failed() const;  // caller holds mutex_
  void handle_ack(std::string_view bytes, SteadyTime now);
  bool send_batches(zmq::socket_t& socket, SteadyTime now);
  void maintain_spool(SteadyTime now);
  // The rest with mutex_ held.
  void advance_acked(std::uint64_t applied, SteadyTime now);
  void go_back_n(SteadyTime now);
  void restart_session(SteadyTime now);
  std::uint64_t unacked_count() const { return next_seq_ - 1 - acked_seq_; }
  std::uint64_t window_end() const { return acked_seq_ + unacked_.size(); }
  std::uint64_t sendable_events() const;
  void fill_window(std::uint64_t through_seq);
  void wake_io();

  const DeliveryOptions options_;
  zmq::context_t& context_;
  std::uint64_t session_;                   // guarded by mutex_ after construction
  std::unique_ptr<zmq::socket_t> socket_;   // used only by the I/O thread after construction
  std::unique_ptr<zmq::socket_t> monitor_;  // PAIR reading socket_'s handshake events
  // Refusal streak (I/O thread only): null socket_ until reopen_at_, then a new one.
  SteadyTime reopen_at_{};
  std::chrono::milliseconds refused_backoff_{0};
  std::uint64_t refusals_in_streak_ = 0;
  int wake_fd_ = -1;  // eventfd: the producer wakes the I/O thread's poll

  mutable std::mutex mutex_;
  std::condition_variable acked_or_space_;  // producer and flush_and_wait wait here
  // seqs acked_seq_+1 .. window_end(), in order: all unacked events, or with a spool a window
  // of the oldest ones (the rest are read back from disk as acks make room).
  std::deque<PendingEvent> unacked_;
  std::vector<std::string> spare_bodies_;  // acknowledged, for publish_encoded to hand back
  std::unique_ptr<Spool> spool_;           // null: memory only
  SteadyTime spool_buffered_since_{};      // the oldest record not yet handed to the OS
  SteadyTime last_spool_sync_at_{};
  SteadyTime last_watermark_at_{};
  bool awaiting_first_ack_ = false;     // resumed from the spool: hear the daemon before sending
  std::uint64_t resumed_last_seq_ = 0;  // the highest seq found in the spool at start
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
  std::string failure_;  // why the I/O thread stopped on its own; empty while it runs
  DeliveryCounters counters_;

  std::thread io_thread_;
};

/// Publishes each event to every channel (HA: one channel per daemon), encoding it once.
/// Not thread-safe: one source thread publishes.
class DeliveryFanout final : public EventSink {
 public:
  /// `securities`: empty (every channel uses common_options.security) or one per endpoint, for
  /// the daemons of an HA pair with their own CURVE keys.
  DeliveryFanout(zmq::context_t& context, const std::vector<std::string>& endpoints,
                 const DeliveryOptions& common_options,
                 const std::vector<security::ClientSecurity>& securities = {});
  void publish(const core::Event& event) override;
  void report_gap(std::chrono::milliseconds missed) override { gaps_.add(missed); }
  /// The events published by this process that every channel acknowledged (acks are
  /// cumulative, so a prefix; events resumed from a spool come first and are not counted).
  std::optional<std::uint64_t> delivered_events() const override;
  /// flush_and_wait on every channel; true when all of them acknowledged everything.
  bool flush_and_wait(std::chrono::milliseconds timeout);
  /// sync_spool on every channel.
  void sync_spools();
  /// Logs each channel's counters (at exit).
  void log_counters() const;
  const std::vector<std::unique_ptr<DeliveryChannel>>& channels() const { return channels_; }

 private:
  SourceGapCounter gaps_;  // before channels_: they read it until they stop
  std::string body_;       // the next event is encoded here (a recycled body)
  std::vector<std::unique_ptr<DeliveryChannel>> channels_;
};

/// A session id from std::random_device; never 0.
std::uint64_t random_session();

}  // namespace floorwatch::collectors
