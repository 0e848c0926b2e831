#include "floorwatch/freeswitch/esl_framer.h"

#include <charconv>

namespace floorwatch::freeswitch {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string_view> EslFrame::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return std::string_view(value);
  return std::nullopt;
}

void EslFramer::feed(std::string_view bytes) {
  if (broken()) return;
  if (skip_remaining_ > 0) {
    // Refused body: drop its bytes as they come so a huge frame never sits in memory.
    const auto dropped = std::min<std::uint64_t>(skip_remaining_, bytes.size());
    skip_remaining_ -= dropped;
    bytes.remove_prefix(static_cast<std::size_t>(dropped));
  }
  buffer_.append(bytes);
}

std::optional<EslFrame> EslFramer::next() {
  while (!broken()) {
    if (skip_remaining_ > 0) return std::nullopt;
    if (!in_body_ && !read_headers()) return std::nullopt;
    if (!in_body_) continue;  // a refused frame was skipped; look for the next one
    if (buffered_bytes() < body_length_) return std::nullopt;
    current_.body.assign(buffer_, read_at_, body_length_);
    read_at_ += body_length_;
    in_body_ = false;
    compact();
    ++stats_.frames;
    EslFrame frame = std::move(current_);
    current_ = EslFrame{};
    return frame;
  }
  return std::nullopt;
}

// Reads header lines until the empty line. True when a frame's headers are complete (in_body_
// then says whether its body is still to read), false when more bytes are needed.
bool EslFramer::read_headers() {
  while (true) {
    const std::size_t end = buffer_.find('\n', read_at_);
    if (end == std::string::npos) {
      if (buffered_bytes() > kMaxHeaderBytes) error_ = "a header line longer than 64 KiB";
      return false;
    }
    std::string_view line(buffer_.data() + read_at_, end - read_at_);
    read_at_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (current_.headers.empty()) continue;  // stray blank lines between frames
      break;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      ++stats_.garbage_lines;
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    current_.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    if (current_.headers.size() > 1024) {
      error_ = "a header block of more than 1024 lines";
      return false;
    }
  }
  std::uint64_t length = 0;
  if (const auto text = current_.header("Content-Length")) {
    const auto [end, status] = std::from_chars(text->data(), text->data() + text->size(), length);
    if (status != std::errc{} || end != text->data() + text->size() || text->empty()) {
      error_ = "Content-Length: not a number: \"" + std::string(*text) + "\"";
      return false;
    }
  }
  start_body(length);
  return true;
}

void EslFramer::start_body(std::uint64_t length) {
  if (length <= kMaxBodyBytes) {
    in_body_ = true;
    body_length_ = static_cast<std::size_t>(length);
    return;
  }
  ++stats_.oversized_frames;
  stats_.oversized_bytes += static_cast<std::int64_t>(length);
  last_oversized_ = {std::string(current_.content_type()), length};
  current_ = EslFrame{};
  const std::uint64_t held = std::min<std::uint64_t>(length, buffered_bytes());
  read_at_ += static_cast<std::size_t>(held);
  skip_remaining_ = length - held;
  compact();
}

void EslFramer::compact() {
  if (read_at_ == buffer_.size()) {
    buffer_.clear();
    read_at_ = 0;
  } else if (read_at_ > 1024 * 1024 && read_at_ * 2 > buffer_.size()) {
    buffer_.erase(0, read_at_);
    read_at_ = 0;
  }
}

}  // namespace floorwatch::freeswitch
