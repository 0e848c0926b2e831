// Fuzz target: canonical JSON lines (collectors/canonical_json), each line parsed both in place
// (padded) and copied, as the jsonl collector does. Invariants: nothing crashes or trips a
// sanitizer, both paths agree, and an accepted line's canonical form parses back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "canonical_json.h"

using namespace floorwatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static collectors::JsonLineParser parser;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;

    const collectors::JsonLineResult copied = parser.parse(line);
    std::string padded(line);
    padded.resize(line.size() + collectors::JsonLineParser::padding(), '\0');
    const collectors::JsonLineResult in_place =
        parser.parse(std::string_view(padded.data(), line.size()), padded.size() - line.size());
    if (copied.ok() != in_place.ok()) std::abort();
    if (!copied.ok()) {
      if (copied.error.empty()) std::abort();  // a rejection always says why
      continue;
    }
    const std::string canonical = collectors::to_json_line(*copied.event);
    if (collectors::to_json_line(*in_place.event) != canonical) std::abort();
    const collectors::JsonLineResult again = parser.parse(canonical);
    if (!again.ok() || collectors::to_json_line(*again.event) != canonical) std::abort();
  }
  return 0;
}
