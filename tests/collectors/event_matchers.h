#pragma once
// Field-by-field comparison of core::Event (which has no operator==) for the collectors tests.
#include <sstream>
#include <string>

#include "floorwatch/core/event.h"

namespace floorwatch::test {

inline std::string describe(const core::Event& e) {
  std::ostringstream s;
  s << core::to_string(e.type) << " ts=" << core::to_epoch_ms(e.ts) << " call=" << e.call
    << " queue=" << e.queue << " agent=" << e.agent << " caller=" << e.caller
    << " channel=" << core::to_string(e.channel) << " exit=" << core::to_string(e.exit_reason)
    << " state=" << core::to_string(e.state) << " reason=" << e.reason << " queues=";
  if (e.queues) {
    s << "[";
    for (const auto& q : *e.queues) s << q << ";";
    s << "]";
  } else {
    s << "unchanged";
  }
  return s.str();
}

/// True when every field matches (use describe() in INFO to see a mismatch).
inline bool same_event(const core::Event& actual, const core::Event& expected) {
  const bool same = actual.type == expected.type && actual.ts == expected.ts &&
                    actual.call == expected.call && actual.queue == expected.queue &&
                    actual.agent == expected.agent && actual.caller == expected.caller &&
                    actual.channel == expected.channel &&
                    actual.exit_reason == expected.exit_reason && actual.state == expected.state &&
                    actual.reason == expected.reason && actual.queues == expected.queues;
  return same;
}

}  // namespace floorwatch::test
