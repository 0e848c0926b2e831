#include "daemon/journal.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstring>

#include "daemon/snapshot_file.h"
#include "daemon/sqlite_file.h"
#include "floorwatch/core/byte_codec.h"

namespace floorwatch::daemon {

Journal::Journal(Options options) : options_(std::move(options)) {
  try {
    open_database();
  } catch (const std::exception& error) {
    // A journal SQLite cannot read: keep it for inspection, start a new one, say so.
    close();
    const std::string aside = move_database_aside(options_.path);
    open_problems_.push_back("journal " + options_.path + " is unreadable (" + error.what() +
                             "): moved to " + aside +
                             "; recovering from the snapshot alone, frames after it are lost");
    open_database();
  }
}

Journal::~Journal() {
  try {
    if (in_transaction_) commit();
  } catch (...) {
  }
  close();
}

void Journal::close() {
  close_database(db_, insert_);
  in_transaction_ = false;
}

void Journal::open_database() {
  open_wal_database(options_.path, options_.fsync ? "FULL" : "OFF", db_);
  execute(
      "CREATE TABLE IF NOT EXISTS frames (id INTEGER PRIMARY KEY AUTOINCREMENT, frame BLOB NOT "
      "NULL)");
  // Reading every page proves the file is sound before we trust it.
  check_database_readable(db_);
  if (sqlite3_prepare_v2(db_, "INSERT INTO frames (frame) VALUES (?)", -1, &insert_, nullptr) !=
      SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(db_));
  }
  struct stat info {};
  if (::stat(options_.path.c_str(), &info) == 0) {
    inode_ = info.st_ino;
    device_ = info.st_dev;
  }
}

void Journal::fail(const std::string& what, int code) {
  const int system_errno = db_ ? sqlite3_system_errno(db_) : 0;
  std::string message = "journal " + options_.path + ": " + what + ": " +
                        (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code));
  if (system_errno != 0)
    message += " (errno " + std::to_string(system_errno) + " " + std::strerror(system_errno) + ")";
  throw JournalError(message, code, system_errno);
}

void Journal::execute(const char* sql) {
  const int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) fail(sql, code);
}

// SQLite may or may not have rolled back by itself after an I/O error (SQLITE_FULL, IOERR):
// ask it, so the next BEGIN never meets a transaction still open, nor COMMIT a missing one.
void Journal::rollback() {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  in_transaction_ = false;
}

std::int64_t Journal::last_frame_id() {
  sqlite3_stmt* statement = nullptr;
  // AUTOINCREMENT's counter, not MAX(id): ids stay monotonic even when every frame was pruned.
  sqlite3_prepare_v2(db_,
                     "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'frames'), 0)",
                     -1, &statement, nullptr);
  std::int64_t id = 0;
  if (sqlite3_step(statement) == SQLITE_ROW) id = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  return id;
}

Journal::Recovered Journal::recover() {
  Recovered result;
  result.problems = open_problems_;
  for (const std::string& file :
       {snapshot_path(options_.path), previous_snapshot_path(options_.path)}) {
    try {
      if (auto snapshot = read_snapshot_file(file)) {
        result.snapshot = std::move(snapshot->state);
        result.snapshot_covers = snapshot->last_frame_id;
        break;
      }
    } catch (const core::SnapshotError& error) {
      result.problems.push_back(std::string("snapshot unreadable: ") + error.what() +
                                "; trying the previous one");
    }
  }
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db_, "SELECT id, frame FROM frames WHERE id > ? ORDER BY id", -1, &select,
                     nullptr);
  sqlite3_bind_int64(select, 1, result.snapshot_covers);
  std::int64_t expected = result.snapshot_covers + 1;
  result.last_frame_id = result.snapshot_covers;
  int step;
  while ((step = sqlite3_step(select)) == SQLITE_ROW) {
    const std::int64_t id = sqlite3_column_int64(select, 0);
    if (result.snapshot_covers > 0 && id != expected && result.frames.empty()) {
      // Frames between the snapshot and the first journaled one are gone: say how many.
      result.problems.push_back("journal starts at frame " + std::to_string(id) +
                                " but the snapshot covers up to " +
                                std::to_string(result.snapshot_covers));
    }
    expected = id + 1;
    result.last_frame_id = id;
    const auto* data = static_cast<const char*>(sqlite3_column_blob(select, 1));
    result.frames.emplace_back(data, static_cast<std::size_t>(sqlite3_column_bytes(select, 1)));
  }
  if (step != SQLITE_DONE) {
    result.problems.push_back(std::string("journal read stopped early: ") + sqlite3_errmsg(db_));
  }
  sqlite3_finalize(select);
  // A journal recreated after a loss restarts its ids: never below what the snapshot covers.
  if (last_frame_id() < result.last_frame_id) reopen(result.last_frame_id);
  return result;
}

void Journal::append(std::string_view frame) {
  if (!in_transaction_) {
    execute("BEGIN");
    in_transaction_ = true;
  }
  sqlite3_bind_blob(insert_, 1, frame.data(), static_cast<int>(frame.size()), SQLITE_STATIC);
  const int step = sqlite3_step(insert_);
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);
  if (step != SQLITE_DONE) {
    try {
      fail("append", step);
    } catch (...) {
      rollback();
      throw;
    }
  }
}

void Journal::commit() {
  if (!in_transaction_) return;
  const int code = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (code == SQLITE_OK) {
    in_transaction_ = false;
    return;
  }
  try {
    fail("commit", code);
  } catch (...) {
    rollback();
    throw;
  }
}

std::int64_t Journal::append_all(const std::vector<std::string_view>& frames) {
  for (const std::string_view frame : frames) append(frame);
  commit();
  return last_frame_id();
}

bool Journal::still_on_disk() const {
  struct stat info {};
  if (::stat(options_.path.c_str(), &info) != 0) return false;
  return info.st_ino == inode_ && info.st_dev == device_;
}

void Journal::reopen(std::int64_t last_frame_id) {
  close();
  try {
    open_database();
  } catch (const std::exception& error) {
    const int system_errno = errno;
    close();
    throw JournalError("journal " + options_.path + ": cannot open: " + error.what(),
                       SQLITE_CANTOPEN, system_errno);
  }
  if (this->last_frame_id() >= last_frame_id) return;
  // Frame ids must keep rising across the new file: snapshots record the last id they cover.
  const std::string sql =
      "DELETE FROM sqlite_sequence WHERE name = 'frames'; INSERT INTO sqlite_sequence (name, seq) "
      "VALUES ('frames', " +
      std::to_string(last_frame_id) + ")";
  execute(sql.c_str());
}

void Journal::prune_through(std::int64_t frame_id) {
  sqlite3_stmt* prune = nullptr;
  sqlite3_prepare_v2(db_, "DELETE FROM frames WHERE id <= ?", -1, &prune, nullptr);
  sqlite3_bind_int64(prune, 1, frame_id);
  const int step = sqlite3_step(prune);
  sqlite3_finalize(prune);
  // Pruning is housekeeping: a failure leaves frames that recovery skips by id anyway.
  if (step != SQLITE_DONE) rollback();
}

void Journal::write_snapshot(std::string_view state) {
  commit();
  const std::int64_t covered = last_frame_id();
  prune_through(write_snapshot_files(options_.path, covered, state, options_.fsync));
}

}  // namespace floorwatch::daemon
