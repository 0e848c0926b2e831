#include "daemon/snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "floorwatch/core/byte_codec.h"

namespace floorwatch::daemon {
namespace {

constexpr std::string_view kSnapshotMagic = "floorwatch-snapshot-file";

// Snapshot file = magic, last journaled frame id, state bytes, checksum of all before it.
std::string encode_snapshot_file(std::int64_t last_frame_id, std::string_view state) {
  core::ByteWriter out;
  out.string(kSnapshotMagic);
  out.i64(last_frame_id);
  out.string(state);
  out.u64(core::fnv1a64(out.bytes()));
  return std::move(out.bytes());
}

[[noreturn]] void fail(const std::string& what, const std::string& file) {
  throw std::system_error(errno, std::generic_category(), what + " " + file);
}

void write_all(int fd, std::string_view bytes, const std::string& file) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      errno = saved;
      fail("cannot write", file);
    }
    written += static_cast<std::size_t>(n);
  }
}

void sync_directory_of(const std::string& file) {
  const std::string directory = std::filesystem::path(file).parent_path().string();
  const int dir_fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd < 0) fail("cannot open the directory of", file);
  const int synced = ::fsync(dir_fd);
  const int saved = errno;
  ::close(dir_fd);
  errno = saved;
  if (synced != 0) fail("cannot fsync the directory of", file);
}

// Via a temporary file, fsync and rename, so a crash leaves the old or the new file.
void write_file_atomically(const std::string& file, std::string_view bytes, bool fsync) {
  const std::string temporary = file + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) fail("cannot create", temporary);
  write_all(fd, bytes, temporary);
  if (fsync && ::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    errno = saved;
    fail("cannot fsync", temporary);
  }
  if (::close(fd) != 0) fail("cannot close", temporary);
  if (::rename(temporary.c_str(), file.c_str()) != 0) fail("cannot rename to", file);
  if (fsync) sync_directory_of(file);
}

}  // namespace

std::string snapshot_path(const std::string& journal_path) {
  return journal_path + ".snapshot";
}

std::string previous_snapshot_path(const std::string& journal_path) {
  return journal_path + ".snapshot.previous";
}

std::optional<SnapshotFile> read_snapshot_file(const std::string& file) {
  // POSIX I/O, no iostreams: a forked snapshot child calls this, and iostreams take
  // libstdc++'s global locale mutex, which another thread may have held at the fork.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw core::SnapshotError(file + ": cannot open: " + std::to_string(errno));
  }
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
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

std::int64_t write_snapshot_files(const std::string& journal_path, std::int64_t last_frame_id,
                                  std::string_view state, bool fsync) {
  const std::string newest = snapshot_path(journal_path);
  const std::string previous = previous_snapshot_path(journal_path);
  // Keep the newest readable snapshot as the fallback: if the new one turns out unreadable,
  // recovery uses previous + the journal frames after it.
  std::int64_t previous_covers = 0;
  try {
    if (auto current = read_snapshot_file(newest)) {
      if (::rename(newest.c_str(), previous.c_str()) != 0) fail("cannot rename", newest);
      previous_covers = current->last_frame_id;
    } else if (auto older = read_snapshot_file(previous)) {
      previous_covers = older->last_frame_id;
    }
  } catch (const core::SnapshotError&) {
    // An unreadable newest snapshot is not worth keeping; the previous one stays.
    try {
      if (auto older = read_snapshot_file(previous)) previous_covers = older->last_frame_id;
    } catch (const core::SnapshotError&) {
    }
  }
  write_file_atomically(newest, encode_snapshot_file(last_frame_id, state), fsync);
  return previous_covers;
}

}  // namespace floorwatch::daemon
