#include "floorwatch/asterisk/ami_framer.h"

#include <cctype>

#include "text.h"

namespace floorwatch::asterisk {

namespace {

constexpr std::string_view kBannerPrefix = "Asterisk Call Manager/";
constexpr std::string_view kEndCommand = "--END COMMAND--";

// AMI keys are identifiers such as "ActionID", "SIPcallid", "CallerIDNum". A key that starts
// with anything else ("[218 bytes missing in capture file]Event") means the line is damaged.
bool is_valid_key(std::string_view key) {
  if (key.empty() || !std::isalnum(static_cast<unsigned char>(key.front()))) return false;
  for (const char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '-' && c != '.' && c != '/' && c != '(' && c != ')' &&
        c != ' ') {
      return false;
    }
  }
  return key.back() != ' ';
}

bool starts_with_key(std::string_view line, std::string_view key) {
  return line.size() > key.size() && line[key.size()] == ':' &&
         text::iequals(line.substr(0, key.size()), key);
}

}  // namespace

void AmiMessage::add(std::string key, std::string value) {
  fields_.emplace_back(std::move(key), std::move(value));
}

std::optional<std::string_view> AmiMessage::get(std::string_view key) const {
  for (const auto& [k, v] : fields_) {
    if (text::iequals(k, key)) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view AmiMessage::get_or(std::string_view key, std::string_view fallback) const {
  return get(key).value_or(fallback);
}

std::vector<std::string_view> AmiMessage::get_all(std::string_view key) const {
  std::vector<std::string_view> values;
  for (const auto& [k, v] : fields_) {
    if (text::iequals(k, key)) values.emplace_back(v);
  }
  return values;
}

void AmiFramer::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    if (discarding_overlong_line_) {
      // Skip the rest of an overlong line; it ends at the next newline.
    } else if (partial_line_.size() + piece.size() > kMaxLineBytes) {
      ++stats_.overlong_lines;
      partial_line_.clear();
      discarding_overlong_line_ = true;
      current_is_damaged_ = true;
    } else {
      partial_line_.append(piece);
    }
    if (newline == std::string_view::npos) return;
    bytes.remove_prefix(newline + 1);
    if (discarding_overlong_line_) {
      discarding_overlong_line_ = false;
      continue;
    }
    std::string_view line = partial_line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line);
    partial_line_.clear();
  }
}

std::optional<AmiMessage> AmiFramer::next() {
  if (ready_.empty()) return std::nullopt;
  AmiMessage message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

void AmiFramer::on_line(std::string_view line) {
  if (in_command_output_) {
    // Asterisk <= 13 answers `Action: Command` with free text (blank lines included) closed by
    // "--END COMMAND--", which may follow the last output on the same line.
    const std::size_t end = line.rfind(kEndCommand);
    if (end != std::string_view::npos && end + kEndCommand.size() == line.size()) {
      if (end > 0) current_.add("Output", text::to_valid_utf8(line.substr(0, end)));
      in_command_output_ = false;
      end_message();
      return;
    }
    const bool header_line = !saw_command_output_ && (starts_with_key(line, "Privilege") ||
                                                      starts_with_key(line, "ActionID"));
    if (!header_line) {
      // A lost "--END COMMAND--" must not swallow the rest of the stream: an empty line
      // followed by a new Event/Response starts a new message.
      if (previous_output_blank_ &&
          (starts_with_key(line, "Event") || starts_with_key(line, "Response"))) {
        in_command_output_ = false;
        end_message();
      } else {
        previous_output_blank_ = text::trim(line).empty();
        saw_command_output_ = true;
        current_.add("Output", text::to_valid_utf8(line));
        return;
      }
    }
  }
  if (text::trim(line).empty()) {
    end_message();
    return;
  }
  if (current_.empty() && !current_is_damaged_ &&
      line.substr(0, kBannerPrefix.size()) == kBannerPrefix) {
    // Sent once on connect, ended by a single CRLF rather than an empty line.
    banner_ = text::to_valid_utf8(line);
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_valid_key(line.substr(0, colon))) {
    ++stats_.garbage_lines;
    current_is_damaged_ = true;
    return;
  }
  std::string_view value = line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  current_.add(std::string(line.substr(0, colon)), text::to_valid_utf8(value));
  if (current_.fields().size() == 1 && text::iequals(current_.fields().front().first, "Response") &&
      text::iequals(current_.fields().front().second, "Follows")) {
    in_command_output_ = true;
    saw_command_output_ = false;
    previous_output_blank_ = false;
  }
}

void AmiFramer::end_message() {
  if (current_is_damaged_) {
    if (!current_.empty()) ++stats_.dropped_messages;
  } else if (!current_.empty()) {
    ++stats_.messages;
    ready_.push_back(std::move(current_));
  }
  current_ = AmiMessage{};
  current_is_damaged_ = false;
}

}  // namespace floorwatch::asterisk
