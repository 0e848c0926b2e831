#include "floorwatch/freeswitch/esl_event.h"

#include <charconv>

#include "floorwatch/freeswitch/esl_framer.h"

namespace floorwatch::freeswitch {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes [from, from + size) of `s` into itself; returns the decoded size.
std::size_t decode_in_place(std::string& s, std::size_t from, std::size_t size) {
  std::size_t out = from;
  const std::size_t end = from + size;
  for (std::size_t in = from; in < end; ++in, ++out) {
    int high = -1, low = -1;
    if (s[in] == '%' && in + 2 < end && (high = hex_value(s[in + 1])) >= 0 &&
        (low = hex_value(s[in + 2])) >= 0) {
      s[out] = static_cast<char>(high * 16 + low);
      in += 2;
    } else {
      s[out] = s[in];
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

std::optional<EslEvent> EslEvent::parse(std::string body, std::string* error) {
  EslEvent event;
  event.storage_ = std::move(body);
  std::string& s = event.storage_;
  if (s.size() > UINT32_MAX) {
    if (error) *error = "event larger than 4 GiB";
    return std::nullopt;
  }
  std::size_t at = 0;
  std::uint64_t inner_length = 0;
  while (at < s.size()) {
    std::size_t end = s.find('\n', at);
    if (end == std::string::npos) end = s.size();
    std::size_t line_end = end;
    if (line_end > at && s[line_end - 1] == '\r') --line_end;
    if (line_end == at) {  // the empty line: the event's own body may follow
      at = end + 1;
      break;
    }
    const std::size_t colon = s.find(':', at);
    if (colon != std::string::npos && colon < line_end && colon > at) {
      std::size_t value_at = colon + 1;
      while (value_at < line_end && s[value_at] == ' ') ++value_at;
      const std::size_t size = decode_in_place(s, value_at, line_end - value_at);
      const std::string_view value(s.data() + value_at, size);
      const std::string_view name(s.data() + at, colon - at);
      Field field{static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(colon - at),
                  static_cast<std::uint32_t>(value_at),
                  static_cast<std::uint32_t>(value == kUndefined ? 0 : size)};
      if (iequals(name, "Content-Length"))
        std::from_chars(value.data(), value.data() + value.size(), inner_length);
      event.fields_.push_back(field);
    }
    at = end + 1;
  }
  if (event.fields_.empty()) {
    if (error) *error = "no \"Name: value\" line in the event";
    return std::nullopt;
  }
  if (inner_length > 0 && at < s.size()) {
    event.body_at_ = static_cast<std::uint32_t>(at);
    event.body_size_ =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(inner_length, s.size() - at));
  }
  return event;
}

EslEvent EslEvent::from_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  EslEvent event;
  for (const auto& [name, value] : headers) {
    Field field{static_cast<std::uint32_t>(event.storage_.size()),
                static_cast<std::uint32_t>(name.size()), 0,
                static_cast<std::uint32_t>(value.size())};
    event.storage_ += name;
    field.value_at = static_cast<std::uint32_t>(event.storage_.size());
    event.storage_ += value;
    event.fields_.push_back(field);
  }
  return event;
}

std::optional<std::string_view> EslEvent::get(std::string_view name) const {
  for (const Field& f : fields_) {
    if (f.name_size == name.size() &&
        iequals(std::string_view(storage_.data() + f.name_at, f.name_size), name))
      return std::string_view(storage_.data() + f.value_at, f.value_size);
  }
  return std::nullopt;
}

std::pair<std::string_view, std::string_view> EslEvent::at(std::size_t i) const {
  const Field& f = fields_.at(i);
  return {std::string_view(storage_.data() + f.name_at, f.name_size),
          std::string_view(storage_.data() + f.value_at, f.value_size)};
}

std::string_view EslEvent::body() const {
  return std::string_view(storage_.data() + body_at_, body_size_);
}

}  // namespace floorwatch::freeswitch
