// How long the daemon loop stops for a state snapshot of a big floor. The loop only forks
// (SnapshotWriter, as floorwatchd does); the child serializes, writes and fsyncs. For
// comparison, the time the same snapshot takes when serialized and written on the loop, as
// floorwatchd did before.
//   floorwatch_bench_snapshot_stall [events] [queues] [snapshots] [dir]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/snapshot_file.h"
#include "daemon/snapshot_writer.h"
#include "floorwatch/core/floor_state.h"
#include "workload.h"

namespace {

using namespace floorwatch;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t events = argc > 1 ? std::atoll(argv[1]) : 3'000'000;
  const int queues = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int snapshots = argc > 3 ? std::atoi(argv[3]) : 20;
  const std::string dir = argc > 4 ? argv[4] : "/tmp";
  const std::string path = dir + "/floorwatch-snapshot-bench-" + std::to_string(::getpid()) + ".db";

  const std::int64_t calls = events * 10 / 37;  // ~3.7 events per call
  bench::CallWorkload day{queues, 2, 86'400'000 / calls, core::from_epoch_ms(1795478400000)};
  core::FloorConfig config;
  config.time_zone = "Europe/Stockholm";
  core::FloorState floor(config);
  for (const auto& e : day.agent_logins()) floor.apply(e);
  std::vector<core::Event> batch;
  for (std::int64_t i = 0; i < calls; ++i) {
    batch.clear();
    day.append_call(i, batch);
    for (const auto& e : batch) floor.apply(e);
    if (i % 1000 == 0) floor.advance(batch.front().ts);
  }

  std::vector<double> fork_ms, child_ms, inline_ms;
  std::size_t bytes = 0;
  daemon::SnapshotWriter writer(path, true);
  for (int i = 0; i < snapshots; ++i) {
    std::string problem;
    const auto started = Clock::now();
    if (!writer.start([&] { return floor.save(); }, i + 1, problem)) {
      std::fprintf(stderr, "snapshot not started: %s\n", problem.c_str());
      return 1;
    }
    fork_ms.push_back(ms_since(started));
    const auto result = writer.wait();
    if (!result || !result->written) {
      std::fprintf(stderr, "snapshot failed: %s\n", result ? result->problem.c_str() : "?");
      return 1;
    }
    child_ms.push_back(static_cast<double>(result->took.count()));
    const auto inline_start = Clock::now();
    const std::string state = floor.save();
    bytes = state.size();
    daemon::write_snapshot_files(path, i + 1, state, true);
    inline_ms.push_back(ms_since(inline_start));
  }
  for (const char* suffix : {".snapshot", ".snapshot.previous"})
    std::filesystem::remove(path + suffix);
  std::printf(
      "snapshot_stall queues=%d events=%lld snapshot_bytes=%zu snapshots=%d "
      "loop_stall_ms(fork) p50=%.2f p99=%.2f max=%.2f | child_ms p50=%.0f | "
      "on_the_loop_ms(before) p50=%.1f max=%.1f\n",
      queues, static_cast<long long>(events), bytes, snapshots, percentile(fork_ms, 0.5),
      percentile(fork_ms, 0.99), percentile(fork_ms, 1.0), percentile(child_ms, 0.5),
      percentile(inline_ms, 0.5), percentile(inline_ms, 1.0));
  return 0;
}
