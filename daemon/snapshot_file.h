#pragma once
// The daemon's snapshot files next to the journal (PATH.snapshot and PATH.snapshot.previous):
// format, atomic write and read. No SQLite and no shared state, so a forked child can write one
// while the loop goes on (snapshot_writer.h).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace floorwatch::daemon {

std::string snapshot_path(const std::string& journal_path);
std::string previous_snapshot_path(const std::string& journal_path);

/// One snapshot file: the journal frame id it covers and the daemon's state bytes.
struct SnapshotFile {
  std::int64_t last_frame_id = 0;
  std::string state;
};

/// nullopt when absent; throws core::SnapshotError when unreadable (truncated, bad checksum).
std::optional<SnapshotFile> read_snapshot_file(const std::string& file);

/// Makes `state` (covering journal frames up to `last_frame_id`) the newest snapshot of
/// `journal_path`: the newest readable one becomes the previous, the new one is written to a
/// temporary file, fsynced and renamed, so a crash leaves the old or the new file, never half.
/// Returns the frame id the previous snapshot covers now (0: none): journal frames up to it are
/// no longer needed. Throws std::system_error naming the file and errno.
std::int64_t write_snapshot_files(const std::string& journal_path, std::int64_t last_frame_id,
                                  std::string_view state, bool fsync);

}  // namespace floorwatch::daemon
