// Fuzz target: event-socket bytes -> EslFramer -> EslEvent -> CallcenterMapper, with api/response
// bodies read as callcenter_config tables and applied as a snapshot (a reconnect's
// reconciliation switched on by the input), and time moving forward. Invariants: no crash or
// sanitizer report, and every event names what the daemon needs to place it.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "floorwatch/freeswitch/callcenter_mapper.h"
#include "floorwatch/freeswitch/callcenter_seed.h"
#include "floorwatch/freeswitch/esl_framer.h"

using namespace floorwatch;
using namespace floorwatch::freeswitch;

namespace {

void check(const std::vector<core::Event>& events) {
  for (const core::Event& event : events) {
    const bool placed =
        event.type == core::EventType::AgentState ? !event.agent.empty() : !event.call.empty();
    if (!placed) std::abort();
  }
}

void seed(CallcenterMapper& mapper, const std::string& body, core::Timestamp now, bool reconcile) {
  std::string error;
  const auto table = parse_api_table(body, "contact", error);
  if (!table) return;
  CallcenterSnapshot snapshot;
  read_queue_list(*table, snapshot, error);
  read_members(*table, snapshot, error);
  read_agents(*table, snapshot, error);
  read_tiers(*table, snapshot, error);
  check(mapper.seed(snapshot, now, reconcile));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  CcMapperOptions options;
  options.remembered_finished_calls = 8;
  options.renames = {{"support@default", "support"}};
  CallcenterMapper mapper(options);
  EslFramer framer;
  framer.feed(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  core::Timestamp now = core::from_epoch_ms(1'800'000'000'000);
  while (auto frame = framer.next()) {
    now += core::Duration{1'000};
    if (frame->content_type() == "api/response") {
      seed(mapper, frame->body, now, data[0] & 1);
    } else if (auto event = EslEvent::parse(std::move(frame->body))) {
      check(mapper.map(*event, now).events);
    }
    check(mapper.expire(now));
  }
  mapper.waiting_calls();
  mapper.agent_states();
  return 0;
}
