// Event -> board latency: from the moment a collector sends an event to floorwatchd until the
// wallboard's feed client has applied the delta that carries it (the model the next frame
// draws). Runs a real daemon in-process (wall clock, loopback TCP, OS-chosen ports) and the
// board's FeedClient, on a floor of `queues` x `agents_per_queue` agents, and changes one probe
// agent's reason every `interval_ms`.
// Usage: floorwatch_bench_feed [samples=1000] [queues=10] [agents_per_queue=20] [interval_ms=10]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "daemon/daemon_loop.h"
#include "live_probe.h"
#include "wallboard/feed_client.h"
#include "wire_codec.h"

using namespace floorwatch;
using Clock = std::chrono::steady_clock;
using bench::agent_event;
using bench::percentile;

namespace {}  // namespace

int main(int argc, char** argv) {
  const int samples = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int queues = argc > 2 ? std::atoi(argv[2]) : 10;
  const int agents_per_queue = argc > 3 ? std::atoi(argv[3]) : 20;
  const int interval_ms = argc > 4 ? std::atoi(argv[4]) : 10;

  bench::LiveDaemon live(queues);
  daemon::Daemon& daemon = live.daemon();
  auto send = [&](const std::vector<core::Event>& events) { live.send(events); };
  auto drain_acks = [&] { live.drain_acks(); };

  // The floor: every agent signed in, a few callers waiting in each queue.
  std::vector<core::Event> floor;
  for (int q = 0; q < queues; ++q) {
    const std::string queue = "queue-" + std::to_string(q);
    for (int a = 0; a < agents_per_queue; ++a)
      floor.push_back(
          agent_event("agent-" + std::to_string(q) + "-" + std::to_string(a), queue,
                      a % 3 == 0 ? core::AgentStatus::Available : core::AgentStatus::Busy, ""));
    for (int c = 0; c < 3; ++c) floor.push_back(bench::waiting_call(queue, c));
  }
  send(floor);

  // The probe: the board records when it first sees each new reason.
  std::mutex mutex;
  std::vector<Clock::time_point> sent_at(static_cast<std::size_t>(samples) + 1);
  std::vector<Clock::time_point> seen_at(static_cast<std::size_t>(samples) + 1);
  std::atomic<int> last_seen{0};
  wallboard::FeedClient client(
      {daemon.feed_publish_endpoint(), daemon.feed_endpoint(), daemon.control_endpoint()}, "bench");
  client.set_model_observer([&](const wallboard::BoardModel& model) {
    const auto now = Clock::now();
    auto it = std::lower_bound(
        model.agents.begin(), model.agents.end(), std::string("zz-probe"),
        [](const wallboard::AgentView& a, const std::string& id) { return a.agent < id; });
    if (it == model.agents.end() || it->agent != "zz-probe" || it->reason.rfind("probe-", 0) != 0)
      return;
    const int n = std::atoi(it->reason.c_str() + 6);
    std::lock_guard lock(mutex);
    for (int i = last_seen + 1; i <= n && i <= samples; ++i)
      seen_at[static_cast<std::size_t>(i)] = now;
    last_seen = std::max(last_seen.load(), n);
  });
  // Wait until the board is live with the whole floor.
  wallboard::BoardModel model;
  std::uint64_t version = 0;
  const auto ready_deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < ready_deadline &&
         !(client.copy_model_if_changed(model, version),
           model.feed_state == wallboard::FeedState::Live &&
               model.agents.size() >= static_cast<std::size_t>(queues * agents_per_queue))) {
    drain_acks();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  for (int i = 1; i <= samples; ++i) {
    {
      std::lock_guard lock(mutex);
      sent_at[static_cast<std::size_t>(i)] = Clock::now();
    }
    send({agent_event("zz-probe", "queue-0",
                      i % 2 ? core::AgentStatus::Paused : core::AgentStatus::Wrapup,
                      "probe-" + std::to_string(i))});
    drain_acks();
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (last_seen < samples && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));

  std::vector<double> latencies_ms;
  {
    std::lock_guard lock(mutex);
    for (int i = 1; i <= samples; ++i)
      if (seen_at[static_cast<std::size_t>(i)] != Clock::time_point{})
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(seen_at[static_cast<std::size_t>(i)] -
                                                      sent_at[static_cast<std::size_t>(i)])
                .count());
  }
  client.copy_model_if_changed(model, version);
  std::printf(
      "feed_latency samples=%zu/%d queues=%d agents=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
      "max_ms=%.2f "
      "deltas=%llu resyncs=%llu\n",
      latencies_ms.size(), samples, queues, queues * agents_per_queue,
      percentile(latencies_ms, 0.5), percentile(latencies_ms, 0.9), percentile(latencies_ms, 0.99),
      latencies_ms.empty() ? 0.0 : *std::max_element(latencies_ms.begin(), latencies_ms.end()),
      static_cast<unsigned long long>(daemon.feed_counters().deltas),
      static_cast<unsigned long long>(model.resyncs));
  return latencies_ms.size() == static_cast<std::size_t>(samples) ? 0 : 1;
}
