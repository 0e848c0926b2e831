#pragma once
// Following a growing log file like `tail -F`, line by line, with a position that survives a
// restart (device, inode, offset and a fingerprint of the file's first bytes). Used by the
// queue-log source; generic enough for any append-only line log.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "floorwatch/core/time.h"

namespace floorwatch::collectors {

/// A place in a file: everything before `offset` has been consumed and ends with '\n'. The
/// fingerprint (FNV-1a of the first `head_bytes` bytes, at most kHeadBytes) tells the same file
/// from a new one that reuses its inode or was truncated and grew again. Plain value type.
struct FilePosition {
  static constexpr std::uint32_t kHeadBytes = 64;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t offset = 0;
  std::uint32_t head_bytes = 0;
  std::uint64_t head_hash = 0;
  bool operator==(const FilePosition&) const = default;
};

/// One complete line. `text` excludes the '\n' and is valid until the next call on the follower.
struct FollowedLine {
  std::string_view text;
  FilePosition end;  ///< the position just after this line's '\n'
  /// True for lines at or before the position passed to resume(): they were delivered before
  /// the restart and are only re-read to rebuild the reader's state (calls in flight).
  bool before_resume_point = false;
};

/// How resume() found the saved file. Each is logged by the source with its consequence.
enum class ResumeOutcome {
  Resumed,           ///< same file, still holding the saved offset
  ResumedInRotated,  ///< the file was renamed (rotated) while we were down; found by inode in
                     ///< the same directory: its rest is read, then the new file from its start
  FileTruncated,     ///< same inode but shorter or different first bytes: read from the start
  RotatedFileGone,   ///< a different file at the path and the old one is gone: read the new one
                     ///< from its start; the old file's lines after the saved offset are lost
  NoFileYet,         ///< nothing at the path: wait for it, read it from its start
};
std::string_view to_string(ResumeOutcome outcome);

/// What the follower did so far. Plain value type.
struct FollowerStats {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
  std::uint64_t rotations = 0;    ///< switched to a new file at the path (rename rotation)
  std::uint64_t truncations = 0;  ///< the file shrank or was rewritten (copytruncate)
  /// Bytes of an unterminated last line dropped when its file was rotated away or truncated: a
  /// torn write, never completed, which would parse into wrong values.
  std::uint64_t dropped_partial_bytes = 0;
  std::uint64_t overlong_lines = 0;  ///< lines over max_line_bytes, skipped whole
};

/// Tuning. Plain value type.
struct FileFollowerOptions {
  /// After a new file appears at the path, keep reading the renamed one until it has been quiet
  /// this long: a writer (Asterisk until `logger reload`) may still append to its old handle.
  core::Duration rotation_grace{1000};
  /// Longer lines are skipped whole and counted (Asterisk's own limit is 8192 bytes).
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t read_chunk_bytes = 256 * 1024;
};

/// Follows one path. Never blocks: next_line() returns nullopt when nothing complete is
/// available, and the caller waits its poll interval. Time is a parameter (`now`, from the
/// injected clock) and only measures the rotation grace. Not thread-safe.
class FileFollower {
 public:
  explicit FileFollower(std::string path, FileFollowerOptions options = {});
  ~FileFollower();
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  /// Reads the current file from its first byte (or waits for the file to appear).
  void start_at_beginning();
  /// Skips what the file holds now (up to its last complete line); a file created later is
  /// read from its first byte.
  void start_at_end();
  /// Continues at a position saved by an earlier run. Lines of the same file before it are
  /// returned again, flagged `before_resume_point`, so the caller can rebuild its state.
  ResumeOutcome resume(const FilePosition& saved);

  /// The next complete line, or nullopt for now. At the end of the data it checks for rotation
  /// (a new inode at the path) and truncation (the file shrank or its first bytes changed).
  std::optional<FollowedLine> next_line(core::Timestamp now);

  /// The position after the last returned line (what a state file stores).
  const FilePosition& position() const { return consumed_; }
  const FollowerStats& stats() const { return stats_; }
  const std::string& path() const { return path_; }
  /// Bytes of an incomplete last line held while waiting for its '\n'.
  std::size_t pending_bytes() const { return buffer_.size() - begin_; }

 private:
  bool open_path(std::uint64_t offset);
  bool open_file(const std::string& file, std::uint64_t offset);
  void close_file();
  // Reads one chunk; returns the bytes read (0 at the end of the data, or when no file is open).
  std::size_t read_more();
  void check_rotation_and_truncation(core::Timestamp now);
  void restart_file_from_beginning();
  void drop_partial_line();
  void refresh_head();
  std::optional<std::string> find_by_inode(std::uint64_t device, std::uint64_t inode) const;

  const std::string path_;
  const FileFollowerOptions options_;
  int fd_ = -1;
  std::string buffer_;  // data read and not yet returned (starting at begin_)
  std::size_t begin_ = 0;
  std::uint64_t read_offset_ = 0;    // file offset of buffer_.end()
  FilePosition consumed_;            // file identity + offset after the last returned line
  std::uint64_t resume_offset_ = 0;  // lines ending at or before this are "before resume"
  bool resume_pending_ = false;
  bool skip_to_next_line_ = false;  // start_at_end landed mid-line, or an overlong line
  bool wait_for_path_ = false;      // no file open yet: open the path when it appears
  std::optional<core::Timestamp> last_data_at_;
  std::optional<core::Timestamp> new_file_seen_at_;
  FollowerStats stats_;
};

/// Saves and loads a FilePosition as a small text file, replaced atomically (write a temporary
/// file in the same directory, fsync, rename), so a crash leaves the old or the new one.
class FollowerStateFile {
 public:
  explicit FollowerStateFile(std::string path) : path_(std::move(path)) {}
  /// nullopt when the file is missing; throws std::runtime_error naming the problem when it
  /// exists but cannot be read or is malformed (better to stop than to resend or skip silently).
  std::optional<FilePosition> load() const;
  /// Throws std::runtime_error when the file cannot be written.
  void save(const FilePosition& position, const std::string& followed_path) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace floorwatch::collectors
