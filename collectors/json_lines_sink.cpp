#include "json_lines_sink.h"

namespace floorwatch::collectors {

void JsonLinesSink::publish(const core::Event& event) {
  append_json_line(buffer_, event, style_);
  ++events_written_;
  if (buffer_.size() >= 64 * 1024) flush();
}

bool JsonLinesSink::flush() {
  if (!buffer_.empty()) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    buffer_.clear();
  }
  return std::fflush(out_) == 0 && !std::ferror(out_);
}

}  // namespace floorwatch::collectors
