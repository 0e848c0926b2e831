// Fuzz target: AMI bytes -> AmiFramer -> AmiMapper, with time moving forward and a reconnect's
// QueueStatus reconciliation switched on by the input. Invariants: no crash or sanitizer
// report, and every event names what the daemon needs to place it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "floorwatch/asterisk/ami_framer.h"
#include "floorwatch/asterisk/ami_mapper.h"

using namespace floorwatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  asterisk::AmiMapperOptions options;
  options.remembered_finished_calls = 8;
  asterisk::AmiMapper mapper(options);
  if (data[0] & 1) mapper.begin_status_reconciliation();
  asterisk::AmiFramer framer;
  framer.feed(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  core::Timestamp now = core::from_epoch_ms(1'700'000'000'000);
  const auto check = [](const std::vector<core::Event>& events) {
    for (const core::Event& event : events) {
      const bool placed =
          event.type == core::EventType::AgentState ? !event.agent.empty() : !event.call.empty();
      if (!placed) std::abort();
    }
  };
  while (auto message = framer.next()) {
    now += core::Duration{7'000};
    check(mapper.map(*message, now).events);
    check(mapper.expire(now));
  }
  mapper.waiting_calls();
  mapper.agent_states();
  return 0;
}
