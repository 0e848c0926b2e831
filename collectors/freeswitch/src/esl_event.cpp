#include "floorwatch/freeswitch/esl_event.h"

#include <charconv>
#include <cstring>

#include "floorwatch/freeswitch/esl_framer.h"

namespace floorwatch::freeswitch {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes [from, from + size) of `s` into itself; returns the decoded size. Runs between '%'
// signs are moved in bulk: most bytes of an event need no decoding.
std::size_t decode_in_place(std::string& s, std::size_t from, std::size_t size) {
  char* const data = s.data();
  std::size_t in = from, out = from;
  const std::size_t end = from + size;
  while (in < end) {
    const void* found = std::memchr(data + in, '%', end - in);
    const std::size_t percent =
        found ? static_cast<std::size_t>(static_cast<const char*>(found) - data) : end;
    if (out != in) std::memmove(data + out, data + in, percent - in);
    out += percent - in;
    in = percent;
    if (in == end) break;
    int high = -1, low = -1;
    if (in + 2 < end && (high = hex_value(data[in + 1])) >= 0 &&
        (low = hex_value(data[in + 2])) >= 0) {
      data[out++] = static_cast<char>(high * 16 + low);
      in += 3;
    } else {
      data[out++] = data[in++];  // a '%' without two hex digits stays
    }
  }
  return out - from;
}

constexpr std::string_view kUndefined = "_undef_";

}  // namespace

std::string url_decode(std::string_view text) {
  std::string s(text);
  s.resize(decode_in_place(s, 0, s.size()));
  return s;
}

std::string url_encode(std::string_view text) {
  static constexpr std::string_view kUnsafe = "\r\n #%&+:;<=>?@[\\]^`{|}\"";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool already_encoded = c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                                 hex_value(text[i + 2]) >= 0;
    if (!already_encoded && (c < 0x20 || c > 0x7E || kUnsafe.find(c) != std::string_view::npos)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Splits the header lines; values are decoded only when read (most of an event's channel data
// never is).
std::optional<EslEvent> EslEvent::parse(std::string body, std::string* error) {
  EslEvent event;
  event.storage_ = std::move(body);
  const std::string& s = event.storage_;
  if (s.size() > UINT32_MAX) {
    if (error) *error = "event larger than 4 GiB";
    return std::nullopt;
  }
  event.fields_.reserve(64);  // a member event with channel data has dozens of headers
  std::size_t at = 0;
  while (at < s.size()) {
    std::size_t colon = at;  // names are short: a plain loop beats a library call here
    while (colon < s.size() && s[colon] != ':' && s[colon] != '\n') ++colon;
    const void* found = std::memchr(s.data() + colon, '\n', s.size() - colon);
    const std::size_t end =
        found ? static_cast<std::size_t>(static_cast<const char*>(found) - s.data()) : s.size();
    const std::size_t line_end = end > at && s[end - 1] == '\r' ? end - 1 : end;
    if (line_end == at) {  // the empty line: the event's own body may follow
      at = end + 1;
      break;
    }
    if (colon < line_end && colon > at) {
      std::size_t value_at = colon + 1;
      while (value_at < line_end && s[value_at] == ' ') ++value_at;
      event.fields_.push_back(Field{static_cast<std::uint32_t>(at),
                                    static_cast<std::uint32_t>(colon - at),
                                    static_cast<std::uint32_t>(value_at),
                                    static_cast<std::uint32_t>(line_end - value_at), false});
    }
    at = end + 1;
  }
  if (event.fields_.empty()) {
    if (error) *error = "no \"Name: value\" line in the event";
    return std::nullopt;
  }
  std::uint64_t inner_length = 0;
  if (const auto length = event.get("Content-Length"))
    std::from_chars(length->data(), length->data() + length->size(), inner_length);
  if (inner_length > 0 && at < s.size()) {
    event.body_at_ = static_cast<std::uint32_t>(at);
    event.body_size_ =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(inner_length, s.size() - at));
  }
  return event;
}

std::string_view EslEvent::value(const Field& field) const {
  if (!field.decoded) {
    const std::size_t size = decode_in_place(storage_, field.value_at, field.value_size);
    field.value_size = std::string_view(storage_.data() + field.value_at, size) == kUndefined
                           ? 0
                           : static_cast<std::uint32_t>(size);
    field.decoded = true;
  }
  return std::string_view(storage_.data() + field.value_at, field.value_size);
}

EslEvent EslEvent::from_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  EslEvent event;
  for (const auto& [name, value] : headers) {
    Field field{static_cast<std::uint32_t>(event.storage_.size()),
                static_cast<std::uint32_t>(name.size()), 0,
                static_cast<std::uint32_t>(value.size()), true};
    event.storage_ += name;
    field.value_at = static_cast<std::uint32_t>(event.storage_.size());
    event.storage_ += value;
    event.fields_.push_back(field);
  }
  return event;
}

std::optional<std::string_view> EslEvent::get(std::string_view name) const {
  for (const Field& f : fields_) {
    // Most names differ in length or in their last letter: no full comparison for those.
    if (f.name_size != name.size() || name.empty() ||
        (storage_[f.name_at + f.name_size - 1] | 0x20) != (name.back() | 0x20))
      continue;
    const std::string_view candidate(storage_.data() + f.name_at, f.name_size);
    // FreeSWITCH spells header names one way: an exact match first, any case after.
    if (candidate == name || iequals(candidate, name)) return value(f);
  }
  return std::nullopt;
}

std::pair<std::string_view, std::string_view> EslEvent::at(std::size_t i) const {
  const Field& f = fields_.at(i);
  return {std::string_view(storage_.data() + f.name_at, f.name_size), value(f)};
}

std::string_view EslEvent::body() const {
  return std::string_view(storage_.data() + body_at_, body_size_);
}

}  // namespace floorwatch::freeswitch
