// Source `jsonl`: canonical JSON lines from a file or stdin (docs/events.md). A malformed line is
// logged as FILE:LINE: message (rate-limited), counted and skipped; it never stops ingestion.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "canonical_json.h"
#include "common/rate_limited_log.h"
#include "source.h"

namespace floorwatch::collectors {
namespace {

class JsonlSource final : public Source {
 public:
  void add_options(CLI::App& command) override {
    command.add_option("--file", file_, "JSON lines file, or - for stdin")->capture_default_str();
  }

  int run(SourceContext& context) override {
    const bool from_stdin = file_ == "-";
    const int fd = from_stdin ? STDIN_FILENO : open(file_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      spdlog::error("jsonl: cannot open {}: {}", file_, std::strerror(errno));
      return 2;
    }
    const std::string name = from_stdin ? "<stdin>" : file_;
    const int status = read_lines(fd, name, context);
    if (!from_stdin) close(fd);
    return status;
  }

 private:
  int read_lines(int fd, const std::string& name, SourceContext& context) {
    JsonLineParser parser;
    common::RateLimitedLog<std::chrono::steady_clock::time_point> bad_line_log(
        std::chrono::seconds(1), 10, "bad lines");
    const std::size_t padding = JsonLineParser::padding();
    // Lines are parsed in place: the buffer keeps `padding` readable bytes after its data.
    std::vector<char> buffer(std::size_t{1} << 20);
    std::size_t begin = 0, end = 0;
    std::uint64_t line_number = 0, events = 0, bad_lines = 0;
    bool at_eof = false;

    const auto handle_line = [&](std::size_t line_begin, std::size_t line_end) {
      ++line_number;
      std::size_t last = line_end;
      while (last > line_begin &&
             (buffer[last - 1] == '\r' || buffer[last - 1] == ' ' || buffer[last - 1] == '\t'))
        --last;
      std::size_t first = line_begin;
      while (first < last && (buffer[first] == ' ' || buffer[first] == '\t')) ++first;
      if (first == last) return;  // blank lines are allowed
      const std::string_view line(buffer.data() + first, last - first);
      JsonLineResult result = parser.parse(line, buffer.size() - last);
      if (!result.ok()) {
        ++bad_lines;
        bad_line_log.log(std::chrono::steady_clock::now(),
                         name + ":" + std::to_string(line_number) + ": " + result.error);
        return;
      }
      context.sink.publish(*result.event);
      ++events;
    };

    while (!at_eof && !context.stop_requested.load(std::memory_order_relaxed)) {
      // Keep the unfinished line, make room, read more.
      if (begin > 0) {
        std::memmove(buffer.data(), buffer.data() + begin, end - begin);
        end -= begin;
        begin = 0;
      }
      if (buffer.size() - end < padding + 4096) buffer.resize(buffer.size() * 2);
      const ssize_t got = read(fd, buffer.data() + end, buffer.size() - padding - end);
      if (got < 0) {
        if (errno == EINTR) continue;
        spdlog::error("jsonl: reading {}: {}", name, std::strerror(errno));
        return 2;
      }
      if (got == 0) at_eof = true;
      end += static_cast<std::size_t>(got);
      while (begin < end) {
        const void* newline = std::memchr(buffer.data() + begin, '\n', end - begin);
        if (newline == nullptr) break;
        const auto line_end =
            static_cast<std::size_t>(static_cast<const char*>(newline) - buffer.data());
        handle_line(begin, line_end);
        begin = line_end + 1;
      }
      if (at_eof && begin < end) {  // a last line without newline
        handle_line(begin, end);
        begin = end;
      }
    }
    bad_line_log.flush();
    spdlog::info("jsonl: {}: {} lines, {} events, {} bad lines skipped", name, line_number, events,
                 bad_lines);
    return 0;
  }

  std::string file_ = "-";
};

}  // namespace

std::unique_ptr<Source> make_jsonl_source() {
  return std::make_unique<JsonlSource>();
}

}  // namespace floorwatch::collectors
