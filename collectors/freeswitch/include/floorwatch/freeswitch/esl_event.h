#pragma once
// The body of a `text/event-plain` frame: "Name: url-encoded-value" lines, an empty line, and
// optionally "Content-Length: M" + M bytes of event body (switch_event_serialize). Values are
// URL-decoded as libesl does it (%XX only; '+' stays '+'), and FreeSWITCH's `_undef_` marker
// for an empty value reads as empty. docs/collectors/freeswitch.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace floorwatch::freeswitch {

/// One decoded event. Owns its bytes; header lookups are case-insensitive and return views
/// into it. A value is URL-decoded in place the first time it is read, so even const reads
/// must not run concurrently. Plain value type (copies are independent); not thread-safe.
class EslEvent {
 public:
  /// Parses a text/event-plain body. nullopt when no "Name: value" line is in it; `error`
  /// then says why.
  static std::optional<EslEvent> parse(std::string body, std::string* error = nullptr);
  /// An event from already-decoded headers (tests, seeding).
  static EslEvent from_headers(const std::vector<std::pair<std::string, std::string>>& headers);

  std::optional<std::string_view> get(std::string_view name) const;
  std::string_view get_or(std::string_view name, std::string_view fallback) const {
    return get(name).value_or(fallback);
  }
  bool has(std::string_view name) const { return get(name).has_value(); }
  std::size_t size() const { return fields_.size(); }
  /// Header `i` as (name, value).
  std::pair<std::string_view, std::string_view> at(std::size_t i) const;
  /// The event's own body (after its inner Content-Length), usually empty.
  std::string_view body() const;

 private:
  struct Field {
    std::uint32_t name_at, name_size, value_at;
    mutable std::uint32_t value_size;
    mutable bool decoded;
  };
  std::string_view value(const Field& field) const;

  mutable std::string storage_;
  std::vector<Field> fields_;
  std::uint32_t body_at_ = 0, body_size_ = 0;
};

/// Decodes %XX sequences in place semantics: returns the decoded text. A '%' not followed by
/// two hex digits stays as it is (libesl's esl_url_decode does the same).
std::string url_decode(std::string_view text);
/// FreeSWITCH's switch_url_encode for event values (switch_utils.h's unsafe set, bytes < 0x20
/// and > 0x7E); an existing "%XX" is not encoded again. Used to write test transcripts.
std::string url_encode(std::string_view text);

}  // namespace floorwatch::freeswitch
