// Resident memory with a big floor: 100,000 callers waiting and 10,000 agents logged in.
// Usage: floorwatch_bench_memory [waiting=100000] [agents=10000] [queues=100]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "floorwatch/core/floor_state.h"

namespace {
long resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace floorwatch;
  const int waiting = argc > 1 ? std::atoi(argv[1]) : 100'000;
  const int agents = argc > 2 ? std::atoi(argv[2]) : 10'000;
  const int queues = argc > 3 ? std::atoi(argv[3]) : 100;
  const long before = resident_kib();
  core::FloorState state(core::FloorConfig{});
  const auto t0 = core::from_epoch_ms(1795510800000);
  for (int a = 0; a < agents; ++a) {
    core::Event e;
    e.type = core::EventType::AgentState;
    e.ts = t0;
    e.agent = "agent-" + std::to_string(a);
    e.state = core::AgentStatus::Busy;
    e.queues = std::vector<std::string>{"queue-" + std::to_string(a % queues),
                                        "queue-" + std::to_string((a + 1) % queues)};
    state.apply(e);
  }
  for (int c = 0; c < waiting; ++c) {
    core::Event e;
    e.type = core::EventType::CallEnqueued;
    e.ts = t0 + core::Duration{c};
    e.call = "1795510800." + std::to_string(c);
    e.queue = "queue-" + std::to_string(c % queues);
    e.caller = "+4670" + std::to_string(1000000 + c);
    state.apply(e);
  }
  const long after = resident_kib();
  auto snapshot = state.snapshot(t0 + core::Duration{waiting + 1000});
  std::printf("memory waiting=%d agents=%d queues=%zu rss_kib=%ld state_kib=%ld\n", waiting, agents,
              snapshot.queues.size(), after, after - before);
  return 0;
}
