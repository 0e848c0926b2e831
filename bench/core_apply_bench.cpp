// Core apply rate: how many canonical events per second FloorState::apply handles on one core.
// Usage: floorwatch_bench_core [calls=1000000] [queues=50]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "floorwatch/core/floor_state.h"
#include "workload.h"

int main(int argc, char** argv) {
  using namespace floorwatch;
  const int calls = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  const int queues = argc > 2 ? std::atoi(argv[2]) : 50;
  const auto events = bench::make_call_events(calls, queues, 20);

  core::FloorState state(core::FloorConfig{});
  std::size_t rejected = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& event : events) {
    if (!state.apply(event).applied) ++rejected;
  }
  state.advance(events.back().ts);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("core_apply events=%zu seconds=%.3f events_per_second=%.0f rejected=%zu\n",
              events.size(), seconds, events.size() / seconds, rejected);
  return rejected == 0 ? 0 : 1;
}
