#pragma once
// Splitting an Asterisk Manager Interface byte stream into messages. AMI messages are
// "Key: Value" lines ended by an empty line; see docs/collectors/asterisk.md. Pure: bytes in,
// messages out; the TCP client that produces the bytes lives elsewhere.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floorwatch::asterisk {

/// One AMI message: its key/value lines in wire order. Keys compare case-insensitively (AMI
/// clients write "action:" and "Action:" alike); repeated keys (ChanVariable, Output) are all
/// kept. Plain value type.
class AmiMessage {
 public:
  void add(std::string key, std::string value);

  /// The first value for `key` (case-insensitive), or nullopt.
  std::optional<std::string_view> get(std::string_view key) const;
  /// The first value for `key`, or `fallback` when absent.
  std::string_view get_or(std::string_view key, std::string_view fallback) const;
  /// Every value for `key`, in order.
  std::vector<std::string_view> get_all(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }

  /// The `Event` value, or empty when this is a response or an action.
  std::string_view event_name() const { return get_or("Event", {}); }

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// Counters of what the framer saw and threw away. Plain value type.
struct AmiFramerStats {
  std::int64_t messages = 0;          ///< messages returned
  std::int64_t garbage_lines = 0;     ///< lines that are not "Key: Value" (capture markers, ...)
  std::int64_t dropped_messages = 0;  ///< messages discarded because they held garbage
  std::int64_t overlong_lines = 0;    ///< lines longer than the limit, discarded
};

/// Reassembles AMI messages from bytes that arrive in arbitrary chunks. Accepts "\r\n" and
/// "\n", records the "Asterisk Call Manager/x.y.z" banner, keeps `Response: Follows` command
/// output (Asterisk <= 13) as repeated `Output` values, and resynchronises after garbage by
/// dropping the damaged message up to the next empty line. Not thread-safe.
class AmiFramer {
 public:
  /// Lines longer than this are dropped (and their message with them): the policy that keeps
  /// a peer sending no newline from growing the buffer without bound.
  static constexpr std::size_t kMaxLineBytes = 64 * 1024;

  void feed(std::string_view bytes);
  /// The next complete message, or nullopt until more bytes arrive.
  std::optional<AmiMessage> next();

  /// "Asterisk Call Manager/5.0.1", once seen; empty before.
  const std::string& banner() const { return banner_; }
  const AmiFramerStats& stats() const { return stats_; }
  /// Bytes held while waiting for the rest of a line.
  std::size_t buffered_bytes() const { return partial_line_.size(); }

 private:
  void on_line(std::string_view line);
  void end_message();

  std::string partial_line_;
  bool discarding_overlong_line_ = false;
  AmiMessage current_;
  bool current_is_damaged_ = false;
  bool in_command_output_ = false;
  bool saw_command_output_ = false;
  bool previous_output_blank_ = false;
  std::deque<AmiMessage> ready_;
  std::string banner_;
  AmiFramerStats stats_;
};

}  // namespace floorwatch::asterisk
