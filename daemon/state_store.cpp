#include "daemon/state_store.h"

#include "daemon/sqlite_file.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "floorwatch/core/byte_codec.h"

namespace floorwatch::daemon {
namespace {

constexpr std::string_view kSnapshotMagic = "floorwatch-snapshot-file";

std::string snapshot_path(const std::string& path) {
  return path + ".snapshot";
}
std::string previous_snapshot_path(const std::string& path) {
  return path + ".snapshot.previous";
}

// Snapshot file = magic, last journaled frame id, state bytes, checksum of all before it.
std::string encode_snapshot_file(std::int64_t last_frame_id, std::string_view state) {
  core::ByteWriter out;
  out.string(kSnapshotMagic);
  out.i64(last_frame_id);
  out.string(state);
  out.u64(core::fnv1a64(out.bytes()));
  return std::move(out.bytes());
}

struct SnapshotFile {
  std::int64_t last_frame_id = 0;
  std::string state;
};

// nullopt when absent; throws core::SnapshotError when unreadable.
std::optional<SnapshotFile> read_snapshot_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.size() < 8)
    throw core::SnapshotError(file + ": truncated (" + std::to_string(bytes.size()) + " bytes)");
  const std::string_view body = std::string_view(bytes).substr(0, bytes.size() - 8);
  core::ByteReader checksum(std::string_view(bytes).substr(bytes.size() - 8));
  if (checksum.u64() != core::fnv1a64(body))
    throw core::SnapshotError(file + ": checksum mismatch");
  core::ByteReader reader(body);
  if (reader.string() != kSnapshotMagic)
    throw core::SnapshotError(file + ": not a floorwatch snapshot");
  SnapshotFile result;
  result.last_frame_id = reader.i64();
  result.state = reader.string();
  return result;
}

// Writes via a temporary file, fsync and rename, so a crash leaves the old or the new file.
void write_file_atomically(const std::string& file, std::string_view bytes, bool fsync) {
  const std::string temporary = file + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw std::runtime_error("cannot write " + temporary);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + temporary);
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync) ::fsync(fd);
  ::close(fd);
  std::filesystem::rename(temporary, file);
  if (fsync) {
    const std::string directory = std::filesystem::path(file).parent_path().string();
    const int dir_fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir_fd >= 0) {
      ::fsync(dir_fd);
      ::close(dir_fd);
    }
  }
}

}  // namespace

StateStore::StateStore(Options options) : options_(std::move(options)) {
  try {
    open_database();
  } catch (const std::exception& error) {
    // A journal SQLite cannot read: keep it for inspection, start a new one, say so.
    close_database(db_, insert_);
    const std::string aside = move_database_aside(options_.path);
    open_problems_.push_back("journal " + options_.path + " is unreadable (" + error.what() +
                             "): moved to " + aside +
                             "; recovering from the snapshot alone, frames after it are lost");
    open_database();
  }
}

StateStore::~StateStore() {
  try {
    if (in_transaction_) commit();
  } catch (...) {
  }
  close_database(db_, insert_);
}

void StateStore::open_database() {
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
}

void StateStore::execute(const char* sql) {
  execute_sql(db_, sql, sql);
}

std::int64_t StateStore::last_frame_id() {
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

StateStore::Recovered StateStore::recover() {
  Recovered result;
  result.problems = open_problems_;
  std::int64_t after_frame = 0;
  for (const std::string& file :
       {snapshot_path(options_.path), previous_snapshot_path(options_.path)}) {
    try {
      if (auto snapshot = read_snapshot_file(file)) {
        result.snapshot = std::move(snapshot->state);
        after_frame = snapshot->last_frame_id;
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
  sqlite3_bind_int64(select, 1, after_frame);
  std::int64_t expected = after_frame + 1;
  int step;
  while ((step = sqlite3_step(select)) == SQLITE_ROW) {
    const std::int64_t id = sqlite3_column_int64(select, 0);
    if (after_frame > 0 && id != expected && result.frames.empty()) {
      // Frames between the snapshot and the first journaled one are gone: say how many.
      result.problems.push_back("journal starts at frame " + std::to_string(id) +
                                " but the snapshot covers up to " + std::to_string(after_frame));
    }
    expected = id + 1;
    const auto* data = static_cast<const char*>(sqlite3_column_blob(select, 1));
    result.frames.emplace_back(data, static_cast<std::size_t>(sqlite3_column_bytes(select, 1)));
  }
  if (step != SQLITE_DONE) {
    result.problems.push_back(std::string("journal read stopped early: ") + sqlite3_errmsg(db_));
  }
  sqlite3_finalize(select);
  frames_since_snapshot_ = result.frames.size();
  return result;
}

void StateStore::append(std::string_view frame) {
  if (!in_transaction_) {
    execute("BEGIN");
    in_transaction_ = true;
  }
  sqlite3_bind_blob(insert_, 1, frame.data(), static_cast<int>(frame.size()), SQLITE_STATIC);
  const int step = sqlite3_step(insert_);
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);
  if (step != SQLITE_DONE)
    throw std::runtime_error(std::string("journal append: ") + sqlite3_errmsg(db_));
  ++frames_since_snapshot_;
}

void StateStore::commit() {
  if (!in_transaction_) return;
  execute("COMMIT");
  in_transaction_ = false;
}

void StateStore::write_snapshot(std::string_view state) {
  commit();
  const std::int64_t covered = last_frame_id();
  // Keep the previous snapshot and the frames after it: if the newest snapshot turns out
  // unreadable, recovery falls back to previous + journal.
  std::int64_t previous_covered = 0;
  try {
    if (auto previous = read_snapshot_file(snapshot_path(options_.path))) {
      previous_covered = previous->last_frame_id;
      std::filesystem::rename(snapshot_path(options_.path), previous_snapshot_path(options_.path));
    }
  } catch (const core::SnapshotError&) {
    // An unreadable newest snapshot is not worth keeping as the fallback.
  }
  write_file_atomically(snapshot_path(options_.path), encode_snapshot_file(covered, state),
                        options_.fsync);
  sqlite3_stmt* prune = nullptr;
  sqlite3_prepare_v2(db_, "DELETE FROM frames WHERE id <= ?", -1, &prune, nullptr);
  sqlite3_bind_int64(prune, 1, previous_covered);
  sqlite3_step(prune);
  sqlite3_finalize(prune);
  frames_since_snapshot_ = 0;
}

}  // namespace floorwatch::daemon
