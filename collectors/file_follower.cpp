#include "file_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace floorwatch::collectors {
namespace {

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

// The first `length` bytes of the open file, or fewer when it is shorter.
std::string read_head(int fd, std::uint32_t length) {
  std::string head(length, '\0');
  std::size_t got = 0;
  while (got < length) {
    const ssize_t n = pread(fd, head.data() + got, length - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  head.resize(got);
  return head;
}

// True when the open file starts with the bytes `position` fingerprinted.
bool head_matches(int fd, const FilePosition& position) {
  if (position.head_bytes == 0) return true;
  const std::string head = read_head(fd, position.head_bytes);
  return head.size() == position.head_bytes && fnv1a(head) == position.head_hash;
}

}  // namespace

std::string_view to_string(ResumeOutcome outcome) {
  switch (outcome) {
    case ResumeOutcome::Resumed:
      return "resumed";
    case ResumeOutcome::ResumedInRotated:
      return "resumed_in_rotated_file";
    case ResumeOutcome::FileTruncated:
      return "file_truncated";
    case ResumeOutcome::RotatedFileGone:
      return "rotated_file_gone";
    case ResumeOutcome::NoFileYet:
      return "no_file_yet";
  }
  return "unknown";
}

FileFollower::FileFollower(std::string path, FileFollowerOptions options)
    : path_(std::move(path)), options_(options) {}

FileFollower::~FileFollower() {
  close_file();
}

void FileFollower::close_file() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
  begin_ = 0;
}

bool FileFollower::open_file(const std::string& file, std::uint64_t offset) {
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat info {};
  if (fstat(fd, &info) != 0 || lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    close(fd);
    return false;
  }
  close_file();
  fd_ = fd;
  read_offset_ = offset;
  consumed_ = FilePosition{static_cast<std::uint64_t>(info.st_dev),
                           static_cast<std::uint64_t>(info.st_ino), offset, 0, 0};
  skip_to_next_line_ = false;
  wait_for_path_ = false;
  new_file_seen_at_.reset();
  refresh_head();
  return true;
}

bool FileFollower::open_path(std::uint64_t offset) {
  return open_file(path_, offset);
}

void FileFollower::refresh_head() {
  if (fd_ < 0 || consumed_.head_bytes >= FilePosition::kHeadBytes) return;
  const std::string head = read_head(fd_, FilePosition::kHeadBytes);
  if (head.size() <= consumed_.head_bytes) return;
  consumed_.head_bytes = static_cast<std::uint32_t>(head.size());
  consumed_.head_hash = fnv1a(head);
}

void FileFollower::start_at_beginning() {
  resume_pending_ = false;
  if (!open_path(0)) wait_for_path_ = true;
}

void FileFollower::start_at_end() {
  resume_pending_ = false;
  struct stat info {};
  if (stat(path_.c_str(), &info) != 0 || !open_path(static_cast<std::uint64_t>(info.st_size))) {
    wait_for_path_ = true;  // a file created later is new: read it all
    return;
  }
  if (info.st_size > 0) {
    // Landing in the middle of a line being written would return its tail as a line.
    char last = '\n';
    if (pread(fd_, &last, 1, info.st_size - 1) == 1 && last != '\n') skip_to_next_line_ = true;
  }
}

ResumeOutcome FileFollower::resume(const FilePosition& saved) {
  const auto resume_here = [&] {
    resume_pending_ = saved.offset > 0;
    resume_offset_ = saved.offset;
  };
  struct stat info {};
  const bool path_exists = stat(path_.c_str(), &info) == 0;
  if (path_exists && static_cast<std::uint64_t>(info.st_dev) == saved.device &&
      static_cast<std::uint64_t>(info.st_ino) == saved.inode && open_path(0)) {
    if (static_cast<std::uint64_t>(info.st_size) >= saved.offset && head_matches(fd_, saved)) {
      resume_here();
      return ResumeOutcome::Resumed;
    }
    ++stats_.truncations;
    return ResumeOutcome::FileTruncated;
  }
  // Rotated while we were down: the renamed file usually sits next to the new one.
  if (const auto rotated = find_by_inode(saved.device, saved.inode)) {
    struct stat rotated_info {};
    if (stat(rotated->c_str(), &rotated_info) == 0 &&
        static_cast<std::uint64_t>(rotated_info.st_size) >= saved.offset &&
        open_file(*rotated, 0)) {
      if (head_matches(fd_, saved)) {
        resume_here();
        return ResumeOutcome::ResumedInRotated;
      }
      close_file();
    }
  }
  if (path_exists && open_path(0)) return ResumeOutcome::RotatedFileGone;
  wait_for_path_ = true;
  return ResumeOutcome::NoFileYet;
}

std::optional<std::string> FileFollower::find_by_inode(std::uint64_t device,
                                                       std::uint64_t inode) const {
  std::filesystem::path directory = std::filesystem::path(path_).parent_path();
  if (directory.empty()) directory = ".";
  std::error_code error;
  for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    struct stat info {};
    if (stat(it->path().c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        static_cast<std::uint64_t>(info.st_dev) == device &&
        static_cast<std::uint64_t>(info.st_ino) == inode)
      return it->path().string();
  }
  return std::nullopt;
}

std::size_t FileFollower::read_more() {
  if (fd_ < 0) return 0;
  // copytruncate followed by writes past our offset before we looked: the size alone cannot
  // tell, the first bytes can. One pread per chunk.
  if (consumed_.head_bytes > 0 && !head_matches(fd_, consumed_)) restart_file_from_beginning();
  if (begin_ > 0) {
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + options_.read_chunk_bytes);
  ssize_t got;
  do {
    got = read(fd_, buffer_.data() + old_size, options_.read_chunk_bytes);
  } while (got < 0 && errno == EINTR);
  // A read error (EIO on a failing disk) is retried at the next poll, like the end of data.
  const std::size_t n = got > 0 ? static_cast<std::size_t>(got) : 0;
  buffer_.resize(old_size + n);
  read_offset_ += n;
  return n;
}

void FileFollower::drop_partial_line() {
  if (pending_bytes() > 0 && !skip_to_next_line_) stats_.dropped_partial_bytes += pending_bytes();
  buffer_.clear();
  begin_ = 0;
}

void FileFollower::restart_file_from_beginning() {
  drop_partial_line();
  ++stats_.truncations;
  resume_pending_ = false;
  skip_to_next_line_ = false;
  lseek(fd_, 0, SEEK_SET);
  read_offset_ = 0;
  consumed_.offset = 0;
  consumed_.head_bytes = 0;
  consumed_.head_hash = 0;
  refresh_head();
}

void FileFollower::check_rotation_and_truncation(core::Timestamp now) {
  struct stat open_info {};
  if (fstat(fd_, &open_info) == 0) {
    // copytruncate: the file shrank below what we read, or was emptied and refilled.
    if (static_cast<std::uint64_t>(open_info.st_size) < read_offset_ ||
        !head_matches(fd_, consumed_)) {
      restart_file_from_beginning();
      return;
    }
    refresh_head();
  }
  struct stat path_info {};
  if (stat(path_.c_str(), &path_info) != 0) return;  // renamed, not yet recreated: keep reading
  if (static_cast<std::uint64_t>(path_info.st_dev) == consumed_.device &&
      static_cast<std::uint64_t>(path_info.st_ino) == consumed_.inode) {
    new_file_seen_at_.reset();
    return;
  }
  if (!new_file_seen_at_) new_file_seen_at_ = now;
  core::Timestamp quiet_since = *new_file_seen_at_;
  if (last_data_at_) quiet_since = std::max(quiet_since, *last_data_at_);
  if (now - quiet_since < options_.rotation_grace) return;
  drop_partial_line();
  if (open_path(0)) ++stats_.rotations;
  resume_pending_ = false;
}

std::optional<FollowedLine> FileFollower::next_line(core::Timestamp now) {
  if (fd_ < 0 && wait_for_path_ && !open_path(0)) return std::nullopt;
  if (fd_ < 0) return std::nullopt;
  bool checked_at_end = false;
  while (true) {
    const char* data = buffer_.data() + begin_;
    const std::size_t available = buffer_.size() - begin_;
    if (const void* found = std::memchr(data, '\n', available)) {
      const auto length = static_cast<std::size_t>(static_cast<const char*>(found) - data);
      const std::uint64_t end_offset = read_offset_ - (available - length - 1);
      begin_ += length + 1;
      consumed_.offset = end_offset;
      if (skip_to_next_line_) {
        skip_to_next_line_ = false;
        continue;
      }
      ++stats_.lines;
      stats_.bytes += length + 1;
      const bool before = resume_pending_ && end_offset <= resume_offset_;
      if (resume_pending_ && end_offset >= resume_offset_) resume_pending_ = false;
      return FollowedLine{std::string_view(data, length), consumed_, before};
    }
    if (available > options_.max_line_bytes) {
      if (!skip_to_next_line_) ++stats_.overlong_lines;
      skip_to_next_line_ = true;
      begin_ = buffer_.size();
    }
    if (read_more() > 0) {
      last_data_at_ = now;
      continue;
    }
    // At the end of the data: a rotation or truncation may have given us more to read.
    if (checked_at_end) return std::nullopt;
    checked_at_end = true;
    const FilePosition before_check = consumed_;
    const std::uint64_t truncations = stats_.truncations;
    check_rotation_and_truncation(now);
    if (consumed_.inode == before_check.inode && consumed_.device == before_check.device &&
        stats_.truncations == truncations)
      return std::nullopt;
  }
}

std::optional<FilePosition> FollowerStateFile::load() const {
  std::ifstream in(path_);
  if (!in) {
    if (!std::filesystem::exists(path_)) return std::nullopt;
    throw std::runtime_error("state file " + path_ + ": cannot be read");
  }
  std::string line, key, version;
  FilePosition position;
  int found = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    fields >> key;
    if (key == "version") {
      fields >> version;
      continue;
    }
    if (key == "path") continue;  // informative; the file is identified by device and inode
    std::uint64_t value = 0;
    if (!(fields >> value)) throw std::runtime_error("state file " + path_ + ": bad line: " + line);
    if (key == "device")
      position.device = value;
    else if (key == "inode")
      position.inode = value;
    else if (key == "offset")
      position.offset = value;
    else if (key == "head_bytes")
      position.head_bytes = static_cast<std::uint32_t>(value);
    else if (key == "head_hash")
      position.head_hash = value;
    else
      throw std::runtime_error("state file " + path_ + ": unknown key: " + key);
    ++found;
  }
  if (version != "1" || found != 5 || position.head_bytes > FilePosition::kHeadBytes)
    throw std::runtime_error("state file " + path_ + ": not a version 1 state file");
  return position;
}

void FollowerStateFile::save(const FilePosition& position, const std::string& followed_path) const {
  std::ostringstream text;
  text << "# floorwatch-collector queue-log: where reading stopped (delete to start over)\n"
       << "version 1\npath " << followed_path << "\ndevice " << position.device << "\ninode "
       << position.inode << "\noffset " << position.offset << "\nhead_bytes " << position.head_bytes
       << "\nhead_hash " << position.head_hash << "\n";
  const std::string bytes = text.str();
  const std::string temporary = path_ + ".tmp";
  const auto fail = [&](const char* what) {
    throw std::runtime_error("state file " + path_ + ": " + what + ": " + std::strerror(errno));
  };
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create the temporary file");
  const bool written = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  // fsync before rename: after a crash the name points at complete content, old or new.
  const bool synced = written && fsync(fd) == 0;
  close(fd);
  if (!synced) fail("cannot write");
  if (rename(temporary.c_str(), path_.c_str()) != 0) fail("cannot rename");
  std::filesystem::path directory = std::filesystem::path(path_).parent_path();
  if (directory.empty()) directory = ".";
  const int directory_fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    fsync(directory_fd);  // makes the rename itself durable
    close(directory_fd);
  }
}

}  // namespace floorwatch::collectors
