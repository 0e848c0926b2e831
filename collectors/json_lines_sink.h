#pragma once
// --output jsonl: events as canonical JSON lines on a stream instead of sending them.
#include <cstdio>
#include <string>

#include "canonical_json.h"
#include "source.h"

namespace floorwatch::collectors {

/// Writes each event as one JSON line to a FILE (stdout by default), buffered. Not thread-safe.
class JsonLinesSink final : public EventSink {
 public:
  explicit JsonLinesSink(std::FILE* out = stdout,
                         JsonTimestampStyle style = JsonTimestampStyle::Rfc3339)
      : out_(out), style_(style) {}
  ~JsonLinesSink() override { flush(); }
  void publish(const core::Event& event) override;
  /// Writes the buffered lines; false when the stream reported an error.
  bool flush();
  std::uint64_t events_written() const { return events_written_; }

 private:
  std::FILE* out_;
  JsonTimestampStyle style_;
  std::string buffer_;
  std::uint64_t events_written_ = 0;
};

}  // namespace floorwatch::collectors
