// Event -> presented frame: from the moment a collector sends an event to floorwatchd until the
// real floorwatch-wallboard has presented the first frame drawn with it (after its buffer swap),
// under Xvfb with Mesa's software GL. A real daemon runs in-process (wall clock, loopback TCP) on
// a floor of `queues` x `agents_per_queue` agents, with `background` other agent events a second
// (a busy floor keeps the board drawing); every `interval_ms` one probe agent's reason changes.
// The board prints when each reason was first presented (--trace-agent) with CLOCK_MONOTONIC,
// the same clock this program stamps the sends with. Also reports the board's CPU.
// Usage: floorwatch_bench_frame BOARD_BINARY [samples=300] [queues=50] [agents_per_queue=40]
//        [interval_ms=100] [background=20] [size=1920x1080] [page=queues] [redraw=partial|full]
// (`full` runs the board with --full-redraw: every frame drawn whole, for comparison).
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "daemon/daemon_loop.h"
#include "live_probe.h"
#include "support/process.h"
#include "wire_codec.h"

using namespace floorwatch;
using Clock = std::chrono::steady_clock;
using bench::agent_event;
using bench::percentile;

namespace {

// CPU seconds (user + system) a process has used so far.
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  std::istringstream fields(line.substr(line.rfind(')') + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;
  double user = 0, system = 0;
  fields >> user >> system;
  return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s BOARD_BINARY [samples] [queues] [agents_per_queue] "
                 "[interval_ms] [background] [size] [page] [redraw=partial|full]\n",
                 argv[0]);
    return 2;
  }
  const std::string board_binary = argv[1];
  const int samples = argc > 2 ? std::atoi(argv[2]) : 300;
  const int queues = argc > 3 ? std::atoi(argv[3]) : 50;
  const int agents_per_queue = argc > 4 ? std::atoi(argv[4]) : 40;
  const int interval_ms = argc > 5 ? std::atoi(argv[5]) : 100;
  const int background = argc > 6 ? std::atoi(argv[6]) : 20;
  const std::string size = argc > 7 ? argv[7] : "1920x1080";
  const std::string page = argc > 8 ? argv[8] : "queues";
  const std::string redraw = argc > 9 ? argv[9] : "partial";
  if (redraw != "partial" && redraw != "full") {
    std::fprintf(stderr, "redraw must be partial or full, not %s\n", redraw.c_str());
    return 2;
  }

  bench::LiveDaemon live(queues);
  daemon::Daemon& daemon = live.daemon();
  auto send = [&](const std::vector<core::Event>& events) {
    live.send(events);
    live.drain_acks();
  };
  // The floor: every agent signed in, a few callers waiting in each queue (their forecasts are
  // rebuilt whenever their queue changes).
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

  test::ChildProcess xvfb(
      {"/usr/bin/Xvfb", "-displayfd", "1", "-screen", "0", size + "x24", "-nolisten", "tcp"});
  const auto display = xvfb.wait_for(R"((^|\n)(\d+)\n)", std::chrono::seconds(20));
  if (!display) {
    std::fprintf(stderr, "Xvfb did not start\n");
    return 1;
  }
  std::vector<std::string> board_argv{"/usr/bin/env",
                                      "DISPLAY=:" + (*display)[2].str(),
                                      board_binary,
                                      "--feed",
                                      daemon.feed_publish_endpoint(),
                                      "--snapshot",
                                      daemon.feed_endpoint(),
                                      "--control",
                                      daemon.control_endpoint(),
                                      "--size",
                                      size,
                                      "--pages",
                                      page,
                                      "--no-sound",
                                      "--trace-agent",
                                      "zz-probe"};
  if (redraw == "full") board_argv.push_back("--full-redraw");
  test::ChildProcess board(board_argv);
  if (!board.wait_for("state=live", std::chrono::seconds(30))) {
    std::fprintf(stderr, "the board did not connect:\n%s\n", board.output().c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // fonts, first frames

  // Probes every interval_ms; background agents change state at `background` a second between.
  std::vector<std::int64_t> sent_ns(static_cast<std::size_t>(samples) + 1);
  std::mt19937 random(7);
  const double cpu_before = cpu_seconds(board.pid());
  const auto started = Clock::now();
  auto next_background = started;
  const auto background_period =
      background > 0 ? std::chrono::nanoseconds(1'000'000'000 / background) : std::chrono::hours(1);
  for (int i = 1; i <= samples; ++i) {
    const auto probe_at = started + std::chrono::milliseconds(interval_ms) * i;
    while (next_background < probe_at) {
      std::this_thread::sleep_until(next_background);
      const int q = static_cast<int>(random() % static_cast<unsigned>(queues));
      const int a = static_cast<int>(random() % static_cast<unsigned>(agents_per_queue));
      send({agent_event(
          "agent-" + std::to_string(q) + "-" + std::to_string(a), "queue-" + std::to_string(q),
          random() % 2 ? core::AgentStatus::Busy : core::AgentStatus::Available, "")});
      next_background += background_period;
      board.output();  // keep the pipe drained
    }
    std::this_thread::sleep_until(probe_at);
    sent_ns[static_cast<std::size_t>(i)] = now_ns();
    send({agent_event("zz-probe", "queue-0",
                      i % 2 ? core::AgentStatus::Paused : core::AgentStatus::Wrapup,
                      "probe-" + std::to_string(i))});
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const double board_cpu = (cpu_seconds(board.pid()) - cpu_before) / seconds * 100;

  // Probe number -> when it was presented, and that frame's draw and swap times.
  struct Presented {
    std::int64_t at_ns;
    double draw_ms, swap_ms;
    std::int64_t applied_ns;
    std::int64_t frame_start_ns;  ///< 0: a board from before the field
    int rects;                    ///< redrawn rectangles and their pixels (0: not printed)
    long long redrawn_px;
  };
  std::map<int, Presented> presented;
  const std::regex line(
      R"(presented agent=zz-probe reason=probe-(\d+) steady_ns=(\d+) draw_ms=(\S+) swap_ms=(\S+) )"
      R"(applied_ns=(\d+)(?: frame_start_ns=(\d+))?(?: rects=(\d+) redrawn_px=(\d+))?)");
  const std::string output = board.output();
  for (std::sregex_iterator it(output.begin(), output.end(), line), end; it != end; ++it)
    presented.emplace(std::stoi((*it)[1]),
                      Presented{std::stoll((*it)[2]), std::stod((*it)[3]), std::stod((*it)[4]),
                                std::stoll((*it)[5]), (*it)[6].matched ? std::stoll((*it)[6]) : 0,
                                (*it)[7].matched ? std::stoi((*it)[7]) : 0,
                                (*it)[8].matched ? std::stoll((*it)[8]) : 0});
  // Split at the board's feed client: sent -> applied (collector, daemon with its journal, feed)
  // and applied -> presented (the board's last hop).
  std::vector<double> latencies_ms, draw_ms, swap_ms, to_applied_ms, applied_to_presented_ms;
  // Of the board's hop, the part before the frame began: wake-up, a frame already being drawn,
  // the frame pacer.
  std::vector<double> applied_to_frame_ms;
  struct Slow {
    double latency, before_frame, draw, swap;
    int rects;
    long long redrawn_px;
    bool operator<(const Slow& other) const { return latency < other.latency; }
  };
  std::vector<Slow> slowest;
  for (const auto& [n, frame] : presented) {
    if (n < 1 || n > samples) continue;
    latencies_ms.push_back(double(frame.at_ns - sent_ns[static_cast<std::size_t>(n)]) / 1e6);
    draw_ms.push_back(frame.draw_ms);
    swap_ms.push_back(frame.swap_ms);
    to_applied_ms.push_back(double(frame.applied_ns - sent_ns[static_cast<std::size_t>(n)]) / 1e6);
    applied_to_presented_ms.push_back(double(frame.at_ns - frame.applied_ns) / 1e6);
    if (frame.frame_start_ns != 0)
      applied_to_frame_ms.push_back(double(frame.frame_start_ns - frame.applied_ns) / 1e6);
    slowest.push_back({latencies_ms.back(), latencies_ms.back() - frame.draw_ms - frame.swap_ms,
                       frame.draw_ms, frame.swap_ms, frame.rects, frame.redrawn_px});
  }
  // Where the slowest frames lost their time: before the frame began (feed, wake-up, frame cap)
  // or drawing and presenting it.
  std::sort(slowest.rbegin(), slowest.rend());
  std::printf("frame_latency_slowest");
  for (std::size_t i = 0; i < std::min<std::size_t>(5, slowest.size()); ++i)
    std::printf(" %.1f(before_frame=%.1f,draw=%.1f,swap=%.1f,rects=%d,redrawn_px=%lld)",
                slowest[i].latency, slowest[i].before_frame, slowest[i].draw, slowest[i].swap,
                slowest[i].rects, slowest[i].redrawn_px);
  std::printf("\n");
  std::printf(
      "frame_latency samples=%zu/%d queues=%d agents=%d size=%s page=%s redraw=%s "
      "background_per_s=%d "
      "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f draw_p50_ms=%.2f swap_p50_ms=%.2f "
      "board_cpu_percent=%.1f to_applied_p50_ms=%.2f to_applied_p99_ms=%.2f "
      "applied_to_presented_p50_ms=%.2f applied_to_presented_p99_ms=%.2f "
      "applied_to_frame_p50_ms=%.2f applied_to_frame_p99_ms=%.2f\n",
      latencies_ms.size(), samples, queues, queues * agents_per_queue, size.c_str(), page.c_str(),
      redraw.c_str(), background, percentile(latencies_ms, 0.5), percentile(latencies_ms, 0.9),
      percentile(latencies_ms, 0.99),
      latencies_ms.empty() ? 0.0 : *std::max_element(latencies_ms.begin(), latencies_ms.end()),
      percentile(draw_ms, 0.5), percentile(swap_ms, 0.5), board_cpu, percentile(to_applied_ms, 0.5),
      percentile(to_applied_ms, 0.99), percentile(applied_to_presented_ms, 0.5),
      percentile(applied_to_presented_ms, 0.99), percentile(applied_to_frame_ms, 0.5),
      percentile(applied_to_frame_ms, 0.99));
  return latencies_ms.size() == static_cast<std::size_t>(samples) ? 0 : 1;
}
