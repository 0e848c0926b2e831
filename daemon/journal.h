#pragma once
// The write-ahead journal of floorwatchd (docs/durability.md): every ingest frame that moves a
// stream forward, in SQLite (WAL mode), before the state changes. With the snapshot files next
// to it (snapshot_file.h), recovery = newest readable snapshot + the frames journaled after it.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace floorwatch::daemon {

/// The journal could not write: what failed, on which file, with SQLite's code and the OS errno
/// (0 when SQLite did not get one), so an operator reads "disk full", not "error".
class JournalError : public std::runtime_error {
 public:
  JournalError(const std::string& message, int sqlite_code, int system_errno)
      : std::runtime_error(message), sqlite_code_(sqlite_code), system_errno_(system_errno) {}
  int sqlite_code() const { return sqlite_code_; }
  int system_errno() const { return system_errno_; }

 private:
  int sqlite_code_;
  int system_errno_;
};

/// Not thread-safe: one thread at a time (recovery on the main thread, then the journal writer's).
class Journal {
 public:
  struct Options {
    std::string path;   ///< the journal database; snapshots go to PATH.snapshot(.previous)
    bool fsync = true;  ///< fsync at each commit (synchronous=FULL) and each snapshot
  };

  /// What recovery found. `problems` are the log lines an operator needs to read.
  struct Recovered {
    std::optional<std::string> snapshot;  ///< the daemon's own snapshot bytes, if any
    std::int64_t snapshot_covers = 0;     ///< last frame id the snapshot covers
    std::vector<std::string> frames;      ///< ingest frames journaled after that snapshot
    std::int64_t last_frame_id = 0;       ///< of the last frame in `frames` (or the snapshot's)
    std::vector<std::string> problems;
  };

  /// Opens (creating if needed) the journal. A journal that SQLite reports as corrupt is moved
  /// aside (PATH.corrupt-N) and a new one started; recover() then says so.
  explicit Journal(Options options);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  Recovered recover();

  /// Adds one frame to the open transaction (begun on demand). Durable after commit().
  void append(std::string_view frame);
  /// Ends the transaction: everything appended is on disk (fsynced when Options::fsync).
  /// On failure the transaction is rolled back (nothing of it counts) and JournalError thrown.
  void commit();
  /// append() each frame and commit(): one group commit. Returns the id of the last frame
  /// written (the previous last id when `frames` is empty). Throws JournalError, rolled back.
  std::int64_t append_all(const std::vector<std::string_view>& frames);

  /// False when the file at `path` is no longer the one open (removed or replaced underneath:
  /// SQLite would go on writing to a file nobody can read back).
  bool still_on_disk() const;
  /// Closes and opens `path` again (a new file if it was removed), keeping frame ids above
  /// `last_frame_id` so snapshots never claim frames of the new file. Throws JournalError.
  void reopen(std::int64_t last_frame_id);
  /// Drops frames up to `frame_id`: the previous snapshot covers them (snapshot_file.h).
  void prune_through(std::int64_t frame_id);

  /// Writes `state` as the newest snapshot covering every frame appended so far and prunes
  /// what the previous one covers. Synchronous: tools, tests and the final snapshot at stop;
  /// the running daemon writes snapshots in a child process (snapshot_writer.h).
  void write_snapshot(std::string_view state);

  std::int64_t last_frame_id();
  const std::string& path() const { return options_.path; }
  bool fsync() const { return options_.fsync; }

 private:
  void open_database();
  void close();
  void execute(const char* sql);
  void rollback();
  [[noreturn]] void fail(const std::string& what, int code);

  Options options_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool in_transaction_ = false;
  std::uint64_t inode_ = 0;  // of the file we opened, to notice it being replaced
  std::uint64_t device_ = 0;
  std::vector<std::string> open_problems_;
};

}  // namespace floorwatch::daemon
