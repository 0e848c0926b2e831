#pragma once
// The disk spool of one delivery channel: every published event is appended here before it is
// sent, so what a daemon has not acknowledged survives a long outage and a collector restart.
// Format, bounds and what a crash can lose: docs/durability.md ("Collector spool").
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace floorwatch::collectors {

/// Tuning of one Spool. Plain value type.
struct SpoolOptions {
  std::filesystem::path directory;  ///< this channel's own directory (created if missing)
  /// Segment files together may not exceed this; has_room_for() says false beyond it.
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
  /// 0: max_bytes / 16 within [64 KiB, 64 MiB], so fully acked segments free space in steps.
  std::uint64_t segment_bytes = 0;
  std::size_t write_buffer_bytes = 1 << 20;  ///< appends are handed to the OS in chunks
};

/// One spooled event: its position in the stream and the body from wire::encode_event_body.
struct SpoolRecord {
  std::uint64_t seq = 0;
  std::string body;
};

/// Append-only segment files `<first seq>.seg` of records [u32 body size][u64 session][u64 seq]
/// [u64 FNV-1a of the rest][body], plus `acked` (session, acknowledged seq). One session per
/// directory. Not thread-safe: the channel calls it under its mutex (sync() excepted).
class Spool {
 public:
  /// An open segment file; shared so that an fdatasync can run outside the channel's lock
  /// while the producer rotates to the next segment.
  class File;

  /// Opens the directory: checks every record, truncates a torn last record (logged), drops
  /// acknowledged segments. Resumes the stored session when unacknowledged records remain,
  /// otherwise starts `fresh_session` at seq 1. Throws std::system_error on I/O errors.
  Spool(SpoolOptions options, std::uint64_t fresh_session);
  /// Hands buffered records to the OS, fdatasyncs them and saves the acked watermark.
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  static std::size_t record_bytes(std::size_t body_bytes);

  std::uint64_t session() const { return session_; }
  /// True when opening found unacknowledged records (the stream continues where it stopped).
  bool resumed() const { return resumed_records_ > 0; }
  std::uint64_t resumed_records() const { return resumed_records_; }
  std::uint64_t acked_seq() const { return acked_seq_; }
  std::uint64_t last_seq() const { return last_seq_; }  ///< 0: nothing spooled yet
  std::uint64_t unacked_records() const { return last_seq_ - acked_seq_; }
  std::uint64_t bytes_on_disk() const { return total_bytes_; }
  const std::filesystem::path& directory() const { return options_.directory; }

  /// False when appending a body of this size would exceed max_bytes (an empty spool always
  /// has room, so one oversized record cannot wedge the producer).
  bool has_room_for(std::size_t body_bytes) const;
  /// Appends the record `seq` (must be last_seq() + 1) to the write buffer. True when the
  /// buffer was empty before (the caller starts its hand-to-the-OS timer).
  bool append(std::uint64_t seq, std::string_view body);
  /// Hands buffered records to the OS (write(2)): after this a process crash loses nothing.
  void flush();
  bool has_buffered() const { return !write_buffer_.empty(); }
  /// flush() when `seq` is still in the write buffer (a record is in the OS before it is sent).
  void flush_through(std::uint64_t seq) {
    if (seq > flushed_seq_) flush();
  }
  /// flush(), then returns the file to fdatasync outside the lock (null when nothing is
  /// unsynced). A power failure loses at most what was written since the last sync.
  std::shared_ptr<File> begin_sync();
  static void sync(const File& file);

  /// The daemon acknowledged everything up to `seq`: whole segments below it are deleted.
  /// True when that freed space.
  bool acknowledge(std::uint64_t seq);
  /// Writes the acked watermark (temporary file + rename). Only saves resends at the next
  /// start: a stale watermark costs duplicates that the daemon drops, never a loss.
  void save_watermark();
  bool watermark_dirty() const { return saved_acked_seq_ != acked_seq_; }

  /// The next read_next() returns record `seq` (acked_seq() < seq).
  void rewind_reader(std::uint64_t seq);
  std::uint64_t reader_seq() const { return reader_seq_; }
  /// Reads the record at the reader's position; false past the last record. Throws
  /// std::runtime_error on a record that fails its checksum (the disk changed under us).
  bool read_next(SpoolRecord& record);

  /// The daemon forgot the stream: rewrites the unacknowledged records as seq 1, 2, … of
  /// `new_session` (new files, then an atomic directory swap). Afterwards acked_seq() is 0.
  void restart_session(std::uint64_t new_session);

 private:
  struct Segment {
    std::uint64_t first_seq = 0;
    std::uint64_t last_seq = 0;  // first_seq - 1 while empty
    std::uint64_t bytes = 0;     // including what is still in the write buffer
    std::filesystem::path path;
  };

  void open(std::uint64_t fresh_session);
  void scan_segments();
  void open_write_segment(std::uint64_t first_seq);
  void close_write_segment();
  void reset_state();

  const SpoolOptions options_;
  std::uint64_t segment_bytes_ = 0;
  std::uint64_t session_ = 0;
  std::uint64_t acked_seq_ = 0;
  std::uint64_t saved_acked_seq_ = 0;
  std::uint64_t last_seq_ = 0;
  std::uint64_t flushed_seq_ = 0;  // highest seq handed to the OS
  std::uint64_t total_bytes_ = 0;
  std::uint64_t resumed_records_ = 0;
  std::deque<Segment> segments_;  // oldest first; the last one is written to
  std::shared_ptr<File> writer_;  // the last segment, open for appending (null: none yet)
  std::string write_buffer_;
  bool unsynced_ = false;

  // The reader: a sequential cursor with its own buffer (pread on its own descriptor).
  std::shared_ptr<File> reader_;
  std::uint64_t reader_segment_first_ = 0;
  std::uint64_t reader_seq_ = 1;
  std::uint64_t reader_offset_ = 0;  // file offset of read_buffer_[0]
  std::string read_buffer_;
  std::size_t read_position_ = 0;
};

}  // namespace floorwatch::collectors
