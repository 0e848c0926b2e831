// Fuzz target: queue_log lines through QueueLogParser and QueueLogMapper (stateful across the
// lines of one input, as in a real file). Invariants: nothing crashes or trips a sanitizer,
// and every event names what the daemon needs to place it.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "floorwatch/asterisk/asterisk_service_level.h"
#include "floorwatch/asterisk/queue_log_mapper.h"
#include "floorwatch/asterisk/queue_log_parser.h"

using namespace floorwatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  asterisk::QueueLogMapperOptions options;
  options.member_names = {{"PJSIP/alice", "Alice"}};
  options.remembered_finished_calls = 8;  // small, so eviction paths run too
  asterisk::QueueLogMapper mapper(options);
  const asterisk::QueueLogParser parser;
  std::vector<asterisk::QueueLogRecord> records;
  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    auto parsed = parser.parse(input.substr(start, end - start));
    start = end + 1;
    auto* record = std::get_if<asterisk::QueueLogRecord>(&parsed);
    if (record == nullptr) continue;
    for (const core::Event& event : mapper.map(*record).events) {
      const bool placed =
          event.type == core::EventType::AgentState ? !event.agent.empty() : !event.call.empty();
      if (!placed) std::abort();
    }
    records.push_back(std::move(*record));
  }
  asterisk::asterisk_service_level(records, std::chrono::seconds(20));
  return 0;
}
