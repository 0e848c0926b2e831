#pragma once
// The journal's own thread: group commits (and their fsync) of the ingest frames the loop hands
// over, so a slow, full or failing disk never stalls the loop. The loop applies and acks a frame
// only after this thread says it is durable (write-ahead); a fault fails the frames instead,
// which the collectors then resend, and the thread probes the disk again until it writes.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "daemon/journal.h"
#include "daemon/loop_wakeup.h"

namespace floorwatch::daemon {

/// submit / take_* / prune_through / stop belong to the loop's thread; never blocks it.
class JournalWriter {
 public:
  struct Options {
    /// After a fault, frames are failed at once (no disk access) until this much time passed;
    /// then the next frames probe the disk again (reopening the file).
    std::chrono::milliseconds retry_interval{1000};
  };

  /// What became of one submitted batch. Completions come in submission order.
  struct Completion {
    std::uint64_t ticket = 0;
    bool durable = false;            ///< false: in no journal; apply nothing, ack nothing
    std::int64_t last_frame_id = 0;  ///< the journal's last frame id with this batch in it
  };

  /// The journal went down or came back. One per change, so one log line per fault streak.
  struct HealthChange {
    bool up = false;
    std::string problem;     ///< when down: the file, what failed, SQLite's words, errno
    bool recreated = false;  ///< when up: the file had vanished and was created anew, so the
                             ///< frames since the last snapshot exist only in memory now
    std::size_t completions_before = 0;  ///< how many of the same take's completions came first
  };

  /// Takes over `journal` (recovered on the caller's thread); `last_frame_id` is its last id.
  JournalWriter(zmq::context_t& context, std::unique_ptr<Journal> journal,
                std::int64_t last_frame_id, Options options);
  JournalWriter(zmq::context_t& context, std::unique_ptr<Journal> journal,
                std::int64_t last_frame_id)
      : JournalWriter(context, std::move(journal), last_frame_id, Options{}) {}
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  /// Queues frames for the next group commit; an empty batch just keeps its place in the order.
  /// The frames are not copied: their bytes must stay alive and unchanged until the batch's
  /// completion has been taken (or stop() returned). Returns the batch's ticket.
  std::uint64_t submit(std::vector<std::string_view> frames);
  /// Batches submitted and not yet taken back as completions.
  std::size_t in_flight() const { return in_flight_; }
  /// What the writer did since the last take, in its order: each health change says how many
  /// of the completions came before it, so the loop applies durable frames while the journal
  /// reads up, never after it said down.
  struct News {
    std::vector<Completion> completed;
    std::vector<HealthChange> health;
  };
  /// Readable when news waits: poll it with the loop's sockets.
  zmq::socket_t& done_socket() { return wakeup_.socket(); }
  News take_news();
  /// Frames up to `frame_id` are covered by a snapshot that has a newer one: drop them.
  void prune_through(std::int64_t frame_id);
  /// After a recreated journal: a snapshot now holds every frame applied, so frames may be
  /// journaled (and acknowledged) again.
  void snapshot_holds_everything();
  const std::string& path() const { return path_; }

  /// Fails what is still queued, waits for a commit in progress, joins the thread and hands
  /// the journal back (the final snapshot at stop). Take the completions afterwards.
  std::unique_ptr<Journal> stop();

 private:
  struct Batch {
    std::uint64_t ticket = 0;
    std::vector<std::string_view> frames;  // owned by the submitter (see submit)
  };
  void run();
  /// One group commit of `batches` (or their failure), on the writer thread.
  void write(std::vector<Batch>& batches);
  bool write_frames(const std::vector<Batch>& batches);
  void complete(const std::vector<Batch>& batches, bool durable, std::int64_t first_id);

  std::unique_ptr<Journal> journal_;  // writer thread only while it runs
  const std::string path_;
  const Options options_;
  LoopWakeup wakeup_;
  std::uint64_t last_ticket_ = 0;  // loop thread
  std::size_t in_flight_ = 0;      // loop thread

  // Writer thread only.
  std::int64_t last_frame_id_;
  bool down_ = false;
  std::string problem_;             // of the current fault streak
  bool awaiting_snapshot_ = false;  // the journal was recreated: fail frames until told
  std::chrono::steady_clock::time_point retry_at_{};

  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::deque<Batch> queue_;
  std::vector<Completion> completed_;
  std::vector<HealthChange> health_changes_;
  std::int64_t prune_through_ = 0;
  bool snapshot_written_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace floorwatch::daemon
