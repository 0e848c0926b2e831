#include "spool.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace floorwatch::collectors {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kHeaderBytes = 4 + 8 + 8 + 8;  // body size, session, seq, checksum
constexpr std::uint32_t kMaxBodyBytes = 16u << 20;   // larger means a damaged header
constexpr std::size_t kReadChunkBytes = 256 << 10;
constexpr std::uint64_t kMinSegmentBytes = 64 << 10;
constexpr std::uint64_t kMaxSegmentBytes = 64 << 20;
constexpr char kWatermarkMagic[8] = {'F', 'W', 'S', 'P', 'O', 'O', 'L', '1'};
constexpr const char* kSegmentSuffix = ".seg";

std::system_error io_error(const std::string& what, const fs::path& path) {
  return std::system_error(errno, std::generic_category(), what + " " + path.string());
}

void put_u32(std::string& out, std::uint32_t value) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);  // little-endian hosts only, like the snapshot format
  out.append(bytes, 4);
}
void put_u64(std::string& out, std::uint64_t value) {
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out.append(bytes, 8);
}
template <typename T>
T get(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

// FNV-1a 64 over the header fields and the body, continued across both (no concatenation).
std::uint64_t fnv1a64(std::uint64_t hash, const char* data, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 1099511628211ull;
  }
  return hash;
}
std::uint64_t record_checksum(const char* header, std::string_view body) {
  const std::uint64_t hash = fnv1a64(1469598103934665603ull, header, 20);
  return fnv1a64(hash, body.data(), body.size());
}

void encode_record(std::string& out, std::uint64_t session, std::uint64_t seq,
                   std::string_view body) {
  const std::size_t start = out.size();
  put_u32(out, static_cast<std::uint32_t>(body.size()));
  put_u64(out, session);
  put_u64(out, seq);
  put_u64(out, record_checksum(out.data() + start, body));
  out.append(body);
}

/// One record parsed from bytes; nullopt when the bytes are not a whole, intact record.
struct ParsedRecord {
  std::uint64_t session, seq;
  std::string_view body;
  std::size_t size;
};
std::optional<ParsedRecord> parse_record(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes) return std::nullopt;
  const auto body_size = get<std::uint32_t>(bytes.data());
  if (body_size > kMaxBodyBytes || bytes.size() - kHeaderBytes < body_size) return std::nullopt;
  const std::string_view body = bytes.substr(kHeaderBytes, body_size);
  if (get<std::uint64_t>(bytes.data() + 20) != record_checksum(bytes.data(), body))
    return std::nullopt;
  return ParsedRecord{get<std::uint64_t>(bytes.data() + 4), get<std::uint64_t>(bytes.data() + 12),
                      body, kHeaderBytes + body_size};
}

void write_all(int fd, const char* data, std::size_t size, const fs::path& path) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw io_error("cannot write", path);
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void sync_directory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the data itself is synced
  ::fsync(fd);
  ::close(fd);
}

std::string segment_name(std::uint64_t first_seq) {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu%s", static_cast<unsigned long long>(first_seq),
                kSegmentSuffix);
  return name;
}

std::optional<std::uint64_t> segment_first_seq(const fs::path& path) {
  if (path.extension() != kSegmentSuffix) return std::nullopt;
  const std::string stem = path.stem().string();
  if (stem.empty() || !std::all_of(stem.begin(), stem.end(), ::isdigit)) return std::nullopt;
  const std::uint64_t first = std::stoull(stem);
  if (first == 0) return std::nullopt;  // seqs start at 1
  return first;
}

struct Watermark {
  std::uint64_t session = 0, acked_seq = 0;
};

std::optional<Watermark> read_watermark(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 32> bytes{};
  if (!in.read(bytes.data(), bytes.size())) return std::nullopt;
  if (std::memcmp(bytes.data(), kWatermarkMagic, 8) != 0) return std::nullopt;
  if (get<std::uint64_t>(bytes.data() + 24) != fnv1a64(1469598103934665603ull, bytes.data(), 24))
    return std::nullopt;
  return Watermark{get<std::uint64_t>(bytes.data() + 8), get<std::uint64_t>(bytes.data() + 16)};
}

void write_watermark(const fs::path& directory, Watermark watermark, bool durable) {
  std::string bytes(kWatermarkMagic, 8);
  put_u64(bytes, watermark.session);
  put_u64(bytes, watermark.acked_seq);
  put_u64(bytes, fnv1a64(1469598103934665603ull, bytes.data(), 24));
  const fs::path temporary = directory / "acked.tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw io_error("cannot create", temporary);
  try {
    write_all(fd, bytes.data(), bytes.size(), temporary);
    if (durable && ::fdatasync(fd) != 0) throw io_error("cannot sync", temporary);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  fs::rename(temporary, directory / "acked");
}

}  // namespace

class Spool::File {
 public:
  File(fs::path path, int flags) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), flags | O_CLOEXEC, 0640);  // events name callers
    if (fd_ < 0) throw io_error("cannot open", path_);
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int fd() const { return fd_; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  int fd_ = -1;
};

std::size_t Spool::record_bytes(std::size_t body_bytes) {
  return kHeaderBytes + body_bytes;
}

Spool::Spool(SpoolOptions options, std::uint64_t fresh_session) : options_(std::move(options)) {
  segment_bytes_ = options_.segment_bytes != 0
                       ? options_.segment_bytes
                       : std::clamp(options_.max_bytes / 16, kMinSegmentBytes, kMaxSegmentBytes);
  // At least two segments fit, so the open (undeletable) one never holds the whole bound.
  segment_bytes_ = std::max<std::uint64_t>(1, std::min(segment_bytes_, options_.max_bytes / 2));
  write_buffer_.reserve(options_.write_buffer_bytes + 4096);
  open(fresh_session);
}

Spool::~Spool() {
  try {
    flush();
    if (writer_ && unsynced_) sync(*writer_);
    if (watermark_dirty()) save_watermark();
  } catch (const std::exception& error) {
    spdlog::error("spool {}: closing: {}", options_.directory.string(), error.what());
  }
}

void Spool::reset_state() {
  session_ = acked_seq_ = saved_acked_seq_ = last_seq_ = flushed_seq_ = total_bytes_ = 0;
  resumed_records_ = 0;
  segments_.clear();
  writer_.reset();
  write_buffer_.clear();
  unsynced_ = false;
  reader_.reset();
  read_buffer_.clear();
  read_position_ = 0;
}

void Spool::open(std::uint64_t fresh_session) {
  reset_state();
  const fs::path& directory = options_.directory;
  fs::path renumbered = directory;
  renumbered += ".renumber";
  fs::path replaced = directory;
  replaced += ".old";
  // A session restart interrupted between its two renames: the new directory is complete.
  if (!fs::exists(directory) && fs::exists(renumbered)) fs::rename(renumbered, directory);
  fs::remove_all(renumbered);
  fs::remove_all(replaced);
  fs::create_directories(directory);
  std::error_code ignored;
  fs::remove(directory / "acked.tmp", ignored);

  const std::optional<Watermark> watermark = read_watermark(directory / "acked");
  scan_segments();
  if (!segments_.empty()) {
    acked_seq_ = segments_.front().first_seq - 1;
    if (watermark && watermark->session == session_)
      acked_seq_ = std::max(acked_seq_, std::min(watermark->acked_seq, last_seq_));
  }
  if (segments_.empty() || acked_seq_ == last_seq_) {
    // Nothing left to deliver: a new stream, so no seq of the old one can ever be reused.
    for (const auto& segment : segments_) fs::remove(segment.path);
    segments_.clear();
    fs::remove(directory / "acked", ignored);
    session_ = fresh_session;
    acked_seq_ = last_seq_ = total_bytes_ = 0;
  } else {
    resumed_records_ = last_seq_ - acked_seq_;
    const std::uint64_t resume_from = acked_seq_;
    acked_seq_ = segments_.front().first_seq - 1;
    acknowledge(resume_from);  // drops segments that were acknowledged but not yet deleted
    if (segments_.back().bytes < segment_bytes_)
      writer_ = std::make_shared<File>(segments_.back().path, O_WRONLY | O_APPEND);
  }
  saved_acked_seq_ = acked_seq_;
  flushed_seq_ = last_seq_;
  rewind_reader(acked_seq_ + 1);
}

void Spool::scan_segments() {
  std::vector<std::pair<std::uint64_t, fs::path>> files;
  for (const auto& entry : fs::directory_iterator(options_.directory)) {
    if (const auto first = segment_first_seq(entry.path()))
      files.emplace_back(*first, entry.path());
  }
  std::sort(files.begin(), files.end());
  const std::string directory = options_.directory.string();
  bool have_session = false;
  for (std::size_t index = 0; index < files.size(); ++index) {
    const auto& [first_seq, path] = files[index];
    const bool last_file = index + 1 == files.size();
    std::string bytes;
    {
      std::ifstream in(path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    Segment segment{first_seq, first_seq - 1, 0, path};
    // A segment must continue the previous one exactly; anything else is damage.
    bool damaged = !segments_.empty() && first_seq != last_seq_ + 1;
    std::size_t offset = 0;
    while (!damaged && offset < bytes.size()) {
      const auto record = parse_record(std::string_view(bytes).substr(offset));
      if (!record || record->seq != segment.last_seq + 1 ||
          (have_session && record->session != session_)) {
        damaged = true;
        break;
      }
      if (!have_session) session_ = record->session;
      have_session = true;
      segment.last_seq = record->seq;
      offset += record->size;
    }
    if (damaged) {
      fs::resize_file(path, offset);
      if (last_file) {
        spdlog::warn("spool {}: torn last record in {} at byte {} ({} bytes) truncated", directory,
                     path.filename().string(), offset, bytes.size() - offset);
      } else {
        spdlog::error(
            "spool {}: damaged record in {} at byte {}: truncated there; the {} later segment "
            "files are deleted and their events lost",
            directory, path.filename().string(), offset, files.size() - index - 1);
        for (std::size_t later = index + 1; later < files.size(); ++later)
          fs::remove(files[later].second);
      }
    }
    segment.bytes = offset;
    if (segment.last_seq < segment.first_seq) {
      fs::remove(path);  // no record survived
    } else {
      last_seq_ = segment.last_seq;
      total_bytes_ += segment.bytes;
      segments_.push_back(std::move(segment));
    }
    if (damaged) break;
  }
}

bool Spool::has_room_for(std::size_t body_bytes) const {
  return total_bytes_ == 0 || total_bytes_ + record_bytes(body_bytes) <= options_.max_bytes;
}

void Spool::open_write_segment(std::uint64_t first_seq) {
  const fs::path path = options_.directory / segment_name(first_seq);
  writer_ = std::make_shared<File>(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
  segments_.push_back(Segment{first_seq, first_seq - 1, 0, path});
  sync_directory(options_.directory);  // the new name survives a power failure too
}

void Spool::close_write_segment() {
  flush();
  // The finished segment is synced now; begin_sync() only ever needs the open one.
  if (writer_ && unsynced_) sync(*writer_);
  unsynced_ = false;
  writer_.reset();
}

bool Spool::append(std::uint64_t seq, std::string_view body) {
  if (seq != last_seq_ + 1)
    throw std::logic_error("spool: append seq " + std::to_string(seq) + " after " +
                           std::to_string(last_seq_));
  const std::size_t size = record_bytes(body.size());
  if (writer_ && segments_.back().bytes > 0 && segments_.back().bytes + size > segment_bytes_)
    close_write_segment();
  if (!writer_) open_write_segment(seq);
  const bool was_empty = write_buffer_.empty();
  encode_record(write_buffer_, session_, seq, body);
  Segment& segment = segments_.back();
  segment.bytes += size;
  segment.last_seq = seq;
  total_bytes_ += size;
  last_seq_ = seq;
  if (write_buffer_.size() >= options_.write_buffer_bytes) flush();
  return was_empty;
}

void Spool::flush() {
  if (write_buffer_.empty()) return;
  write_all(writer_->fd(), write_buffer_.data(), write_buffer_.size(), writer_->path());
  write_buffer_.clear();
  flushed_seq_ = last_seq_;
  unsynced_ = true;
}

std::shared_ptr<Spool::File> Spool::begin_sync() {
  flush();
  if (!unsynced_ || !writer_) return nullptr;
  unsynced_ = false;
  return writer_;
}

void Spool::sync(const File& file) {
  if (::fdatasync(file.fd()) != 0) throw io_error("cannot sync", file.path());
}

bool Spool::acknowledge(std::uint64_t seq) {
  seq = std::min(seq, last_seq_);
  if (seq <= acked_seq_) return false;
  acked_seq_ = seq;
  bool freed = false;
  // The open segment stays (appends continue there) while it is small; once a quarter segment
  // of it is acknowledged it goes too and the next append starts a new file, so an idle
  // collector keeps little delivered data on disk without a file per batch.
  while (!segments_.empty() && segments_.front().last_seq <= acked_seq_) {
    const bool open_segment = writer_ && segments_.size() == 1;
    if (open_segment && (segments_.front().bytes < segment_bytes_ / 4 || !write_buffer_.empty()))
      break;
    if (open_segment) {
      writer_.reset();
      unsynced_ = false;
    }
    const Segment& segment = segments_.front();
    if (reader_ && reader_segment_first_ == segment.first_seq) reader_.reset();
    std::error_code error;
    fs::remove(segment.path, error);
    if (error)
      spdlog::warn("spool {}: cannot delete {}: {}", options_.directory.string(),
                   segment.path.string(), error.message());
    total_bytes_ -= segment.bytes;
    segments_.pop_front();
    freed = true;
  }
  return freed;
}

void Spool::save_watermark() {
  write_watermark(options_.directory, Watermark{session_, acked_seq_}, false);
  saved_acked_seq_ = acked_seq_;
}

void Spool::rewind_reader(std::uint64_t seq) {
  reader_seq_ = seq;
  reader_.reset();
  read_buffer_.clear();
  read_position_ = 0;
}

bool Spool::read_next(SpoolRecord& record) {
  if (reader_seq_ > last_seq_) return false;
  flush_through(reader_seq_);
  // Fills the read buffer so that `bytes` are available after read_position_; false at EOF.
  const auto fill = [&](std::size_t bytes) {
    while (read_buffer_.size() - read_position_ < bytes) {
      reader_offset_ += read_position_;
      read_buffer_.erase(0, read_position_);
      read_position_ = 0;
      const std::size_t have = read_buffer_.size();
      read_buffer_.resize(have + std::max(kReadChunkBytes, bytes));
      const ssize_t got =
          ::pread(reader_->fd(), read_buffer_.data() + have, read_buffer_.size() - have,
                  static_cast<off_t>(reader_offset_ + have));
      if (got < 0) {
        read_buffer_.resize(have);
        if (errno == EINTR) continue;
        throw io_error("cannot read", reader_->path());
      }
      read_buffer_.resize(have + static_cast<std::size_t>(got));
      if (got == 0) return false;
    }
    return true;
  };
  const auto damaged = [&] {
    return std::runtime_error("spool " + reader_->path().string() + ": damaged record at byte " +
                              std::to_string(reader_offset_ + read_position_));
  };
  while (true) {
    if (!reader_) {
      // The segment holding reader_seq_: the last one whose first seq is not after it.
      auto it = std::upper_bound(
          segments_.begin(), segments_.end(), reader_seq_,
          [](std::uint64_t seq, const Segment& segment) { return seq < segment.first_seq; });
      if (it == segments_.begin())
        throw std::runtime_error("spool " + options_.directory.string() + ": seq " +
                                 std::to_string(reader_seq_) + " is not on disk");
      --it;
      reader_ = std::make_shared<File>(it->path, O_RDONLY);
      reader_segment_first_ = it->first_seq;
      reader_offset_ = 0;
      read_buffer_.clear();
      read_position_ = 0;
    }
    if (!fill(kHeaderBytes)) {
      if (read_buffer_.size() != read_position_) throw damaged();
      // The end of this segment: reader_seq_ must start the next one.
      const bool next_exists = std::any_of(segments_.begin(), segments_.end(), [&](auto& s) {
        return s.first_seq == reader_seq_ && s.first_seq != reader_segment_first_;
      });
      if (!next_exists) throw damaged();
      reader_.reset();
      continue;
    }
    const auto body_size = get<std::uint32_t>(read_buffer_.data() + read_position_);
    const bool whole = body_size <= kMaxBodyBytes && fill(kHeaderBytes + body_size);
    const auto parsed =
        whole ? parse_record(std::string_view(read_buffer_).substr(read_position_)) : std::nullopt;
    if (!parsed || parsed->session != session_ || parsed->seq > reader_seq_) throw damaged();
    read_position_ += parsed->size;
    if (parsed->seq < reader_seq_) continue;  // before the rewind point
    record.seq = parsed->seq;
    record.body.assign(parsed->body);
    ++reader_seq_;
    return true;
  }
}

void Spool::restart_session(std::uint64_t new_session) {
  flush();
  const fs::path& directory = options_.directory;
  fs::path renumbered = directory;
  renumbered += ".renumber";
  fs::remove_all(renumbered);
  fs::create_directories(renumbered);

  // Copy the unacknowledged records as seq 1, 2, … of the new session into new files.
  std::string out;
  std::unique_ptr<File> file;
  std::uint64_t file_bytes = 0, new_seq = 0;
  const auto finish_file = [&] {
    if (!file) return;
    write_all(file->fd(), out.data(), out.size(), file->path());
    out.clear();
    sync(*file);
    file.reset();
  };
  rewind_reader(acked_seq_ + 1);
  SpoolRecord record;
  while (read_next(record)) {
    const std::size_t size = record_bytes(record.body.size());
    if (file && file_bytes > 0 && file_bytes + size > segment_bytes_) finish_file();
    if (!file) {
      file = std::make_unique<File>(renumbered / segment_name(new_seq + 1),
                                    O_WRONLY | O_CREAT | O_TRUNC);
      file_bytes = 0;
    }
    encode_record(out, new_session, ++new_seq, record.body);
    file_bytes += size;
    if (out.size() >= options_.write_buffer_bytes) {
      write_all(file->fd(), out.data(), out.size(), file->path());
      out.clear();
    }
  }
  finish_file();
  write_watermark(renumbered, Watermark{new_session, 0}, true);
  sync_directory(renumbered);

  // Swap the directories; open() completes a swap that a crash interrupted.
  writer_.reset();
  reader_.reset();
  fs::path replaced = directory;
  replaced += ".old";
  fs::rename(directory, replaced);
  fs::rename(renumbered, directory);
  sync_directory(directory.parent_path());
  fs::remove_all(replaced);
  const std::uint64_t resumed = resumed_records_;
  open(new_session);
  resumed_records_ = resumed;
  spdlog::info("spool {}: {} unacknowledged events renumbered into session {}", directory.string(),
               new_seq, new_session);
}

}  // namespace floorwatch::collectors
