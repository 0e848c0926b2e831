// floorwatch_bench_freeswitch EVENTS: ESL bytes of mod_callcenter traffic (frames built like
// tests/freeswitch/esl_transcript.h: core headers, CC-* headers and a subset of the channel
// data, URL-encoded) -> EslFramer -> EslEvent -> CallcenterMapper, on one core, no I/O. The
// bytes are fed in 64 KiB chunks as the client's recv() gets them. A block of 10,000 events
// (answered calls, abandons, ring-all losers, members-count noise) is replayed until EVENTS.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "floorwatch/freeswitch/callcenter_mapper.h"
#include "floorwatch/freeswitch/esl_event.h"
#include "floorwatch/freeswitch/esl_framer.h"
#include "freeswitch/esl_transcript.h"

namespace {

namespace esl = floorwatch::test::esl;

// About `wanted` events: per call 10 (answered) or 4 (abandoned) frames, 20 queues, 200 agents.
std::string generate(std::size_t wanted, std::size_t& frames) {
  esl::Box box;
  std::string bytes;
  std::int64_t t = 1'800'000'000;
  frames = 0;
  for (std::uint64_t call = 0; frames < wanted; ++call) {
    const std::string queue = "q" + std::to_string(call % 20) + "@default";
    const std::string agent = std::to_string(1000 + call % 200) + "@default";
    const std::string id = std::to_string(call);
    const esl::Member m{queue, "3f9c0d6e-4b1a-4f7e-9c2d-" + id, "8a7b6c5d-1e2f-4a3b-8c9d-" + id,
                        "+4670" + std::to_string(1000000 + call % 9000000)};
    t += 1;
    bytes += esl::member_queue_start(box, m, t) + esl::members_count(box, queue, 3, t);
    if (call % 5 == 4) {  // one in five hangs up while waiting
      bytes += esl::member_queue_end_cancel(box, m, t, t + 40, "BREAK_OUT", esl::Caller::HungUp) +
               esl::members_count(box, queue, 2, t + 40);
      frames += 4;
      continue;
    }
    const esl::Answer a{agent, "5e4d3c2b-aaaa-4bbb-8ccc-" + id, t, t + 1, t + 9};
    bytes += esl::agent_state_change(box, agent, "Receiving", t + 1) +
             esl::agent_offering(box, m, agent, t + 1) + esl::bridge_agent_start(box, m, a) +
             esl::members_count(box, queue, 2, t + 9) +
             esl::agent_state_change(box, agent, "In a queue call", t + 9) +
             esl::bridge_agent_end(box, m, a, t + 120) +
             esl::member_queue_end_terminated(box, m, a, t + 120) +
             esl::agent_state_change(box, agent, "Waiting", t + 120);
    frames += 10;
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace floorwatch::freeswitch;
  const std::size_t wanted = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  std::size_t block_frames = 0;
  const std::string block = generate(std::min<std::size_t>(wanted, 10'000), block_frames);
  CallcenterMapper mapper;
  std::size_t frames = 0, events = 0, bytes = 0;
  const auto now = floorwatch::core::from_epoch_ms(1'800'000'000'000);
  const auto started = std::chrono::steady_clock::now();
  while (frames < wanted) {
    EslFramer framer;
    for (std::size_t at = 0; at < block.size(); at += 65536) {
      framer.feed(std::string_view(block).substr(at, 65536));
      while (auto frame = framer.next()) {
        ++frames;
        if (auto event = EslEvent::parse(std::move(frame->body)))
          events += mapper.map(*event, now).events.size();
      }
    }
    bytes += block.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "freeswitch_parse_map esl_events=%zu bytes=%zu canonical_events=%zu seconds=%.3f "
      "events_per_second=%.0f mib_per_second=%.0f\n",
      frames, bytes, events, seconds, static_cast<double>(frames) / seconds,
      static_cast<double>(bytes) / seconds / 1048576.0);
  return 0;
}
