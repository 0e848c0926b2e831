#pragma once
// A synthetic but realistic event mix for benchmarks: each call is enqueued, answered by an
// agent of its queue, completed, and the agent's wrap-up ends; some calls abandon instead.
#include <algorithm>
#include <string>
#include <vector>

#include "floorwatch/core/event.h"

namespace floorwatch::bench {

inline std::vector<core::Event> make_call_events(int calls, int queues, int agents_per_queue) {
  using core::Event;
  using core::EventType;
  std::vector<Event> events;
  events.reserve(static_cast<std::size_t>(calls) * 4 + queues * agents_per_queue);
  const auto t0 = core::from_epoch_ms(1795510800000);
  for (int q = 0; q < queues; ++q) {
    for (int a = 0; a < agents_per_queue; ++a) {
      Event e;
      e.type = EventType::AgentState;
      e.ts = t0;
      e.agent = "agent-" + std::to_string(q) + "-" + std::to_string(a);
      e.state = core::AgentStatus::Available;
      e.queues = std::vector<std::string>{"queue-" + std::to_string(q)};
      events.push_back(std::move(e));
    }
  }
  for (int i = 0; i < calls; ++i) {
    const int q = i % queues;
    const auto start = t0 + core::Duration{static_cast<long>(i) * 10};
    const std::string call = "call-" + std::to_string(i);
    Event enqueued;
    enqueued.type = EventType::CallEnqueued;
    enqueued.ts = start;
    enqueued.call = call;
    enqueued.queue = "queue-" + std::to_string(q);
    events.push_back(enqueued);
    if (i % 10 == 0) {  // one call in ten abandons
      Event abandoned;
      abandoned.type = EventType::CallAbandoned;
      abandoned.ts = start + core::Duration{4000};
      abandoned.call = call;
      events.push_back(abandoned);
      continue;
    }
    const std::string agent =
        "agent-" + std::to_string(q) + "-" + std::to_string((i / queues) % agents_per_queue);
    Event answered;
    answered.type = EventType::CallAnswered;
    answered.ts = start + core::Duration{1000};
    answered.call = call;
    answered.agent = agent;
    events.push_back(answered);
    Event completed;
    completed.type = EventType::CallCompleted;
    completed.ts = start + core::Duration{2000};
    completed.call = call;
    events.push_back(completed);
    Event available;
    available.type = EventType::AgentState;
    available.ts = start + core::Duration{3000};
    available.agent = agent;
    available.state = core::AgentStatus::Available;
    events.push_back(available);
  }
  // A live stream is in time order (calls interleave); keep per-call order for equal times.
  std::stable_sort(events.begin(), events.end(),
                   [](const core::Event& a, const core::Event& b) { return a.ts < b.ts; });
  return events;
}

}  // namespace floorwatch::bench
