#pragma once
// A synthetic but realistic event mix for benchmarks: each call is enqueued, answered by an
// agent of its queue, completed, and the agent's wrap-up ends; some calls abandon instead.
// Generated per call, so a 10-million-event day need not sit in one vector.
#include <algorithm>
#include <string>
#include <vector>

#include "floorwatch/core/event.h"

namespace floorwatch::bench {

/// A floor of `queues` queues with `agents_per_queue` agents each, calls every
/// `call_spacing_ms` from `start`, round-robin over the queues.
struct CallWorkload {
  int queues = 50;
  int agents_per_queue = 20;
  std::int64_t call_spacing_ms = 10;
  core::Timestamp start = core::from_epoch_ms(1795510800000);  // 2026-11-24T09:00Z

  static std::string queue_name(int q) { return "queue-" + std::to_string(q); }
  static std::string agent_name(int q, int a) {
    return "agent-" + std::to_string(q) + "-" + std::to_string(a);
  }

  /// Every agent logs in, available, member of its queue, at `start`.
  std::vector<core::Event> agent_logins() const {
    std::vector<core::Event> events;
    for (int q = 0; q < queues; ++q)
      for (int a = 0; a < agents_per_queue; ++a) {
        core::Event e;
        e.type = core::EventType::AgentState;
        e.ts = start;
        e.agent = agent_name(q, a);
        e.state = core::AgentStatus::Available;
        e.queues = std::vector<std::string>{queue_name(q)};
        events.push_back(std::move(e));
      }
    return events;
  }

  /// Call `i`'s events, appended to `out`: one call in ten abandons after 4 s; the others are
  /// answered after 1 s, completed at 2 s, and the agent is available again at 3 s.
  void append_call(std::int64_t i, std::vector<core::Event>& out) const {
    const int q = static_cast<int>(i % queues);
    const auto at = start + core::Duration{i * call_spacing_ms};
    const std::string call = "call-" + std::to_string(i);
    core::Event enqueued;
    enqueued.type = core::EventType::CallEnqueued;
    enqueued.ts = at;
    enqueued.call = call;
    enqueued.queue = queue_name(q);
    out.push_back(std::move(enqueued));
    if (i % 10 == 0) {
      core::Event abandoned;
      abandoned.type = core::EventType::CallAbandoned;
      abandoned.ts = at + core::Duration{4000};
      abandoned.call = call;
      out.push_back(std::move(abandoned));
      return;
    }
    const std::string agent = agent_name(q, static_cast<int>((i / queues) % agents_per_queue));
    core::Event answered;
    answered.type = core::EventType::CallAnswered;
    answered.ts = at + core::Duration{1000};
    answered.call = call;
    answered.agent = agent;
    out.push_back(std::move(answered));
    core::Event completed;
    completed.type = core::EventType::CallCompleted;
    completed.ts = at + core::Duration{2000};
    completed.call = call;
    out.push_back(std::move(completed));
    core::Event available;
    available.type = core::EventType::AgentState;
    available.ts = at + core::Duration{3000};
    available.agent = agent;
    available.state = core::AgentStatus::Available;
    out.push_back(std::move(available));
  }
};

/// `calls` calls 10 ms apart, as one live stream in time order (calls interleave; per-call order
/// kept for equal times), after the agents' logins.
inline std::vector<core::Event> make_call_events(int calls, int queues, int agents_per_queue) {
  const CallWorkload workload{queues, agents_per_queue, 10};
  std::vector<core::Event> events = workload.agent_logins();
  events.reserve(events.size() + static_cast<std::size_t>(calls) * 4);
  for (int i = 0; i < calls; ++i) workload.append_call(i, events);
  std::stable_sort(events.begin(), events.end(),
                   [](const core::Event& a, const core::Event& b) { return a.ts < b.ts; });
  return events;
}

}  // namespace floorwatch::bench
