// Core apply rate: how many canonical events per second FloorState::apply handles on one core.
// Usage: floorwatch_bench_core [calls=1000000] [queues=50]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "floorwatch/core/floor_state.h"
#include "workload.h"

int main(int argc, char** argv) {
  using namespace floorwatch;
  const int calls = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
  const int queues = argc > 2 ? std::atoi(argv[2]) : 50;
  const auto events = bench::make_call_events(calls, queues, 20);

  core::FloorState state(core::FloorConfig{});
  std::size_t rejected = 0;
  // CPU time as well as wall time: on a shared machine the wall figure understates the engine.
  const std::clock_t cpu_start = std::clock();
  const auto start = std::chrono::steady_clock::now();
  // Like the daemon loop, which advances the windows every 100 ms of its clock.
  std::size_t applied_since_advance = 0;
  for (const auto& event : events) {
    if (!state.apply(event).applied) ++rejected;
    if (++applied_since_advance == 10'000) {
      state.advance(event.ts);
      applied_since_advance = 0;
    }
  }
  state.advance(events.back().ts);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::printf(
      "core_apply events=%zu seconds=%.3f events_per_second=%.0f cpu_seconds=%.3f "
      "events_per_cpu_second=%.0f rejected=%zu\n",
      events.size(), seconds, events.size() / seconds, cpu_seconds, events.size() / cpu_seconds,
      rejected);
  return rejected == 0 ? 0 : 1;
}
