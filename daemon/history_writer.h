#pragma once
// The interval history's writer thread: the loop hands it what changed (cheap, in memory) and
// goes on; SQLite writes and their fsyncs happen here. A report waits here only for the
// changes handed over before it was asked, so it always sees what the engine had then.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "daemon/interval_history.h"

namespace floorwatch::daemon {

/// submit() and stop() belong to the loop's thread; wait_for() to any other thread.
class HistoryWriter {
 public:
  static constexpr std::chrono::milliseconds kDefaultRetry{5000};
  /// Takes the opened history; its thread writes from now on. Rows that could not be written
  /// are tried again every `retry`.
  explicit HistoryWriter(std::unique_ptr<IntervalHistory> history,
                         std::chrono::milliseconds retry = kDefaultRetry);
  /// stop()
  ~HistoryWriter();
  HistoryWriter(const HistoryWriter&) = delete;
  HistoryWriter& operator=(const HistoryWriter&) = delete;

  /// Queues `changes` for writing; returns its ticket (1, 2, 3...). Never blocks on the disk.
  std::uint64_t submit(IntervalChanges changes);
  /// Blocks until every change up to `ticket` has been tried (written, or failed and kept for
  /// a retry), or until stop. A reader calls it before reading the file.
  void wait_for(std::uint64_t ticket);
  /// Writes what is queued (one try), then ends the thread. Idempotent.
  void stop();
  const std::string& path() const { return path_; }

 private:
  void run();
  /// One try at everything pending; rows that could not be written stay for the next try.
  void write_pending(std::unique_lock<std::mutex>& lock);

  std::unique_ptr<IntervalHistory> history_;  // the thread's alone once started
  std::string path_;
  std::chrono::milliseconds retry_;
  std::mutex mutex_;
  std::condition_variable wake_;   // the thread: new changes or stop
  std::condition_variable tried_;  // readers: tried_through_ moved
  // Rows not yet written, newest counters per (queue, interval start).
  std::map<std::pair<std::string, core::Timestamp>, IntervalRow> pending_;
  core::Timestamp pending_now_{};
  core::Timestamp pending_kept_from_{};
  std::uint64_t submitted_ = 0;
  std::uint64_t tried_through_ = 0;
  bool failing_ = false;  // the last try failed: retry every retry_, log once per streak
  bool stopping_ = false;
  bool ended_ = false;  // the thread has left: waiting for it is pointless
  std::thread thread_;
};

}  // namespace floorwatch::daemon
