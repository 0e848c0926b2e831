#pragma once
// Helpers shared by the FreeSWITCH tests: feeding a transcript through the real framer,
// decoder and mapper, and a one-line, human-checkable rendering of canonical events.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "floorwatch/core/event.h"
#include "floorwatch/freeswitch/callcenter_mapper.h"
#include "floorwatch/freeswitch/esl_event.h"
#include "floorwatch/freeswitch/esl_framer.h"
#include "freeswitch/esl_transcript.h"

namespace floorwatch::freeswitch::testing {

/// "call_answered m2 agent=1001@default @+31" with the time in seconds after `t0` (epoch s).
inline std::string describe(const core::Event& e, std::int64_t t0) {
  std::string text{core::to_string(e.type)};
  if (!e.call.empty()) text += " " + e.call;
  if (!e.queue.empty()) text += " queue=" + e.queue;
  if (!e.agent.empty()) text += " " + e.agent;
  if (e.type == core::EventType::CallExited)
    text += " " + std::string(core::to_string(e.exit_reason));
  if (e.type == core::EventType::AgentState) {
    text += " " + std::string(core::to_string(e.state));
    if (!e.reason.empty()) text += "(" + e.reason + ")";
    if (e.queues) {
      text += " queues=[";
      for (std::size_t i = 0; i < e.queues->size(); ++i) text += (i ? "," : "") + (*e.queues)[i];
      text += "]";
    }
  }
  const std::int64_t ms = core::to_epoch_ms(e.ts) - t0 * 1000;
  text += " @+" + std::to_string(ms / 1000);
  if (ms % 1000 != 0) text += "." + std::to_string(ms % 1000 / 100);
  return text;
}

inline std::vector<std::string> describe_all(const std::vector<core::Event>& events,
                                             std::int64_t t0) {
  std::vector<std::string> lines;
  for (const auto& e : events) lines.push_back(describe(e, t0));
  return lines;
}

/// Frames every byte of `bytes` and decodes each text/event-plain body.
inline std::vector<EslEvent> decode_transcript(const std::string& bytes) {
  EslFramer framer;
  framer.feed(bytes);
  std::vector<EslEvent> events;
  while (auto frame = framer.next()) {
    REQUIRE(frame->content_type() == "text/event-plain");
    auto event = EslEvent::parse(std::move(frame->body));
    REQUIRE(event);
    events.push_back(std::move(*event));
  }
  REQUIRE_FALSE(framer.broken());
  REQUIRE(framer.buffered_bytes() == 0);
  return events;
}

/// Maps a transcript with `now` = the given epoch seconds; returns every canonical event.
inline std::vector<core::Event> map_transcript(CallcenterMapper& mapper, const std::string& bytes,
                                               std::int64_t now_s) {
  std::vector<core::Event> out;
  for (const auto& event : decode_transcript(bytes)) {
    auto result = mapper.map(event, core::from_epoch_ms(now_s * 1000));
    INFO(result.error);
    CHECK(result.outcome != CcOutcome::Invalid);
    out.insert(out.end(), result.events.begin(), result.events.end());
  }
  return out;
}

}  // namespace floorwatch::freeswitch::testing
