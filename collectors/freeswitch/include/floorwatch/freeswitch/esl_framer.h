#pragma once
// Splitting a FreeSWITCH Event Socket (ESL) byte stream into frames. A frame is a block of
// "Name: value" lines ended by an empty line, followed by exactly Content-Length bytes of body
// when that header is present (mod_event_socket.c writes Content-Length before Content-Type,
// but nothing here depends on the order). Pure: bytes in, frames out;
// docs/collectors/freeswitch.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floorwatch::freeswitch {

/// One ESL frame: its outer header lines (values as sent, not URL-decoded) and its body.
/// Header names compare case-insensitively. Plain value type.
struct EslFrame {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first value of `name`, or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  /// `Content-Type`, or empty.
  std::string_view content_type() const { return header("Content-Type").value_or(""); }
};

/// Counters of what the framer saw. Plain value type.
struct EslFramerStats {
  std::int64_t frames = 0;            ///< frames returned
  std::int64_t oversized_frames = 0;  ///< bodies over the limit, skipped without buffering
  std::int64_t oversized_bytes = 0;   ///< bytes of those bodies
  std::int64_t garbage_lines = 0;     ///< header lines without "Name:" (ignored)
};

/// Reassembles ESL frames from bytes that arrive in arbitrary chunks. Accepts "\n" and "\r\n".
/// A body longer than kMaxBodyBytes is refused: its bytes are skipped as they arrive (never
/// held), counted, and the stream goes on with the next frame. A Content-Length that is not a
/// number, or a header block over kMaxHeaderBytes, leaves the stream unreadable: `broken()`
/// turns true with a reason and the caller must reconnect. Not thread-safe.
class EslFramer {
 public:
  /// libesl's own cap (libs/esl/src/esl.c refuses larger Content-Length values).
  static constexpr std::size_t kMaxBodyBytes = 16 * 1024 * 1024;
  static constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

  void feed(std::string_view bytes);
  /// The next complete frame, or nullopt until more bytes arrive (or the stream is broken).
  std::optional<EslFrame> next();

  bool broken() const { return !error_.empty(); }
  /// Why the stream is unreadable ("Content-Length: not a number: \"12x\""), empty if it is not.
  const std::string& error() const { return error_; }
  /// The Content-Type and length of the latest refused frame, for the log line.
  const std::pair<std::string, std::uint64_t>& last_oversized() const { return last_oversized_; }
  const EslFramerStats& stats() const { return stats_; }
  /// Bytes held while waiting for the rest of a frame.
  std::size_t buffered_bytes() const { return buffer_.size() - read_at_; }

 private:
  bool read_headers();
  void start_body(std::uint64_t length);
  void compact();

  std::string buffer_;
  std::size_t read_at_ = 0;
  EslFrame current_;
  bool in_body_ = false;
  std::size_t body_length_ = 0;
  std::uint64_t skip_remaining_ = 0;
  std::string error_;
  std::pair<std::string, std::uint64_t> last_oversized_;
  EslFramerStats stats_;
};

/// Case-insensitive ASCII comparison of header names.
bool iequals(std::string_view a, std::string_view b);

}  // namespace floorwatch::freeswitch
