// Crash recovery after a busy day: how long floorwatchd needs to be back, for a day of
// EVENTS events (default 10 million) over 24 h in QUEUES queues, crashed at the end of the day.
// What the daemon does at start (daemon_loop recover_state): open the SQLite journal, read the
// newest snapshot, load it, and re-apply the frames journaled after it (at most one snapshot
// interval of traffic). This bench runs those same steps with the same classes (Journal,
// FloorState, wire codec) on a real file, with the journal holding `SNAPSHOT_SECONDS` of the
// day's peak traffic (3x the average rate), then prints one result line.
// Usage: floorwatch_bench_recovery [events=10000000] [queues=100] [snapshot_seconds=60] [dir=/tmp]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/journal.h"
#include "floorwatch/core/floor_state.h"
#include "wire_codec.h"
#include "workload.h"

namespace {

using namespace floorwatch;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t day_events = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  const int queues = argc > 2 ? std::atoi(argv[2]) : 100;
  const int snapshot_seconds = argc > 3 ? std::atoi(argv[3]) : 60;
  const std::string dir = argc > 4 ? argv[4] : "/tmp";
  const std::string path = dir + "/floorwatch-recovery-bench-" + std::to_string(::getpid()) + ".db";

  // ~4.6 events per call on average (1 in 10 abandons with 2 events, others 4).
  const std::int64_t calls = day_events * 10 / 37;
  bench::CallWorkload day{queues, 20, 86'400'000 / calls,
                          core::from_epoch_ms(1795478400000)};  // 2026-11-24T00:00Z
  core::FloorConfig config;
  config.time_zone = "Europe/Stockholm";
  config.interval_minutes = 30;

  // The live daemon's day: every event applied; the last snapshot taken snapshot_seconds
  // before the crash, with the journal holding the frames since then.
  const auto build_start = Clock::now();
  core::FloorState live(config);
  for (const auto& e : day.agent_logins()) live.apply(e);
  const std::int64_t journal_calls =
      std::min<std::int64_t>(calls, 3 * snapshot_seconds * 1000 / day.call_spacing_ms);
  std::vector<core::Event> batch;
  std::int64_t applied = 0;
  for (std::int64_t i = 0; i < calls - journal_calls; ++i) {
    batch.clear();
    day.append_call(i, batch);
    for (const auto& e : batch) live.apply(e);
    applied += static_cast<std::int64_t>(batch.size());
    // The daemon's tick moves the rolling windows every 100 ms; once a simulated second is
    // plenty to keep only the last hour, as the live daemon does.
    if (i % std::max<std::int64_t>(1, 1000 / day.call_spacing_ms) == 0)
      live.advance(batch.front().ts);
  }
  std::filesystem::remove(path);
  daemon::Journal::Options options{path, true};
  std::size_t snapshot_bytes = 0;
  std::int64_t journal_events = 0;
  int frames = 0;
  {
    daemon::Journal store(options);
    const std::string state = live.save();
    snapshot_bytes = state.size();
    store.write_snapshot(state);
    // Peak traffic after the snapshot: 1000-event frames, as collectors batch them.
    wire::Batch frame{"collector", 1, {}};
    std::uint64_t seq = 1;
    auto flush = [&] {
      store.append(wire::encode_batch(frame));
      frame.events.clear();
      ++frames;
    };
    for (std::int64_t i = calls - journal_calls; i < calls; ++i) {
      batch.clear();
      day.append_call(i, batch);
      for (auto& e : batch) {
        live.apply(e);  // the live daemon applied them too before it crashed
        frame.events.push_back({seq++, std::move(e)});
      }
      journal_events += static_cast<std::int64_t>(batch.size());
      if (frame.events.size() >= 1000) flush();
    }
    if (!frame.events.empty()) flush();
    store.commit();
  }  // the crash: nothing else is written
  const double build_ms = ms_since(build_start);

  // Recovery, timed as the daemon's own log line measures it.
  const auto recover_start = Clock::now();
  daemon::Journal store(options);
  daemon::Journal::Recovered recovered = store.recover();
  const double read_ms = ms_since(recover_start);
  core::FloorState restored(config);
  if (recovered.snapshot) restored.load(*recovered.snapshot);
  const double load_ms = ms_since(recover_start);
  std::int64_t replayed = 0;
  for (const std::string& bytes : recovered.frames) {
    auto decoded = wire::decode_batch(bytes);
    if (!decoded) continue;
    for (const auto& event : decoded.value().events)
      if (event.event) {
        restored.apply(event.event.value());
        ++replayed;
      }
  }
  const double total_ms = ms_since(recover_start);
  // The recovered state is byte for byte the state the daemon had when it crashed.
  const bool same = restored.save() == live.save();

  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  std::filesystem::remove(path + ".snapshot");
  std::filesystem::remove(path + ".snapshot.previous");
  std::printf(
      "recovery day_events=%lld queues=%d snapshot_bytes=%zu journal_frames=%d "
      "journal_events=%lld read_ms=%.1f load_snapshot_ms=%.1f replay_ms=%.1f total_ms=%.1f "
      "(building the day took %.1f s) state_equal=%s\n",
      static_cast<long long>(applied + journal_events), queues, snapshot_bytes, frames,
      static_cast<long long>(replayed), read_ms, load_ms - read_ms, total_ms - load_ms, total_ms,
      build_ms / 1000.0, same ? "yes" : "no");
  return same && replayed == journal_events ? 0 : 1;
}
