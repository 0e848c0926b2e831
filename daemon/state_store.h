#pragma once
// Durable state of floorwatchd (docs/durability.md): a journal of the ingest frames that
// changed the state, in SQLite (WAL mode), plus periodic snapshots of the whole state in a
// file next to it. Recovery = newest readable snapshot + the frames journaled after it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace floorwatch::daemon {

/// Not thread-safe: owned by the daemon loop.
class StateStore {
 public:
  struct Options {
    std::string path;   ///< the journal database; snapshots go to PATH.snapshot(.previous)
    bool fsync = true;  ///< fsync at each commit (synchronous=FULL) and each snapshot
  };

  /// What recovery found. `problems` are the log lines an operator needs to read.
  struct Recovered {
    std::optional<std::string> snapshot;  ///< the daemon's own snapshot bytes, if any
    std::vector<std::string> frames;      ///< ingest frames journaled after that snapshot
    std::vector<std::string> problems;
  };

  /// Opens (creating if needed) the journal. A journal that SQLite reports as corrupt is moved
  /// aside (PATH.corrupt-N) and a new one started; recover() then says so.
  explicit StateStore(Options options);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  Recovered recover();

  /// Adds one frame to the open transaction (begun on demand). Durable after commit().
  void append(std::string_view frame);
  /// Ends the transaction: everything appended is on disk (fsynced when Options::fsync).
  /// The daemon acks collectors only after this returns.
  void commit();
  /// Writes `state` atomically as the newest snapshot, covering every frame appended so far;
  /// frames covered by the previous snapshot are dropped from the journal.
  void write_snapshot(std::string_view state);

  std::uint64_t frames_since_snapshot() const { return frames_since_snapshot_; }
  const std::string& path() const { return options_.path; }

 private:
  void open_database();
  void execute(const char* sql);
  std::int64_t last_frame_id();

  Options options_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  bool in_transaction_ = false;
  std::uint64_t frames_since_snapshot_ = 0;
  std::vector<std::string> open_problems_;
};

}  // namespace floorwatch::daemon
