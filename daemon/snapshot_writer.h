#pragma once
// Snapshots of the whole state without stalling the loop (Redis's BGSAVE): a forked child
// serializes its copy-on-write image of the state and writes the snapshot file (fsync included);
// the loop only forks, then polls for the child's end on its tick.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace floorwatch::daemon {

/// One background snapshot at a time. Loop thread only.
class SnapshotWriter {
 public:
  /// How a finished snapshot went. `previous_covers`: journal frames up to it may be pruned.
  struct Result {
    bool written = false;
    std::int64_t covers = 0;
    std::int64_t previous_covers = 0;
    std::string problem;  ///< when not written: the child's words (file, errno) or its end
    std::chrono::milliseconds took{0};
  };

  SnapshotWriter(std::string journal_path, bool fsync)
      : journal_path_(std::move(journal_path)), fsync_(fsync) {}
  /// kill_running().
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  /// Forks a child that calls `serialize()` on its frozen copy of the state and writes the
  /// result as the snapshot covering journal frames up to `covers`. False when one is still
  /// running or fork failed (`problem` says why); the loop then tries again later.
  bool start(const std::function<std::string()>& serialize, std::int64_t covers,
             std::string& problem);
  bool running() const { return child_ > 0; }
  /// How long the running child has been at it.
  std::chrono::steady_clock::duration running_for(std::chrono::steady_clock::time_point now) const {
    return running() ? now - started_ : std::chrono::steady_clock::duration{0};
  }
  /// Ends a running child at once (shutdown, or one that hangs); the previous snapshot stays.
  void kill_running();
  /// The child's result once it has ended; never waits.
  std::optional<Result> poll();
  /// Blocks until the running child ends (shutdown).
  std::optional<Result> wait();

 private:
  std::optional<Result> reap(bool block);
  Result write_in_process(const std::function<std::string()>& serialize, std::int64_t covers);

  std::string journal_path_;
  bool fsync_;
  pid_t child_ = -1;
  int result_pipe_ = -1;  // the child writes previous_covers, or its error text
  std::int64_t covers_ = 0;
  std::chrono::steady_clock::time_point started_{};
  std::optional<Result> in_process_result_;  // sanitizer builds: written, not yet polled
};

}  // namespace floorwatch::daemon
