// Scrape cost with many queues: builds the floor (N queues, 20 agents and some waiting calls
// each), then times real HTTP GET /metrics against the daemon's exporter.
// Usage: floorwatch_bench_scrape [queues=1000] [scrapes=20]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/metrics_exporter.h"
#include "daemon/self_metrics.h"
#include "floorwatch/core/clock.h"
#include "workload.h"

namespace {

// One GET over a fresh connection; returns the body size (0 on failure).
std::size_t http_get_size(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return 0;
  }
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) < 0) {
    ::close(fd);
    return 0;
  }
  std::size_t total = 0;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
    total += static_cast<std::size_t>(n);
  ::close(fd);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace floorwatch;
  const int queues = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int scrapes = argc > 2 ? std::atoi(argv[2]) : 20;
  // 20 calls per queue, leaving the last ones waiting so live figures exist too.
  auto events = bench::make_call_events(queues * 20, queues, 20);
  core::ManualClock clock(events.back().ts);
  core::FloorState floor(core::FloorConfig{});
  for (const auto& event : events) floor.apply(event);
  const daemon::Identity identity{"bench", "bench-daemon"};
  daemon::SelfMetrics self_metrics(identity, "bench");
  daemon::FloorViewPublisher views;
  views.publish(floor, clock.now(), std::chrono::steady_clock::now());
  daemon::MetricsExporter exporter("127.0.0.1:0", views, identity, self_metrics.registry());
  const std::string address = exporter.listening_address();
  const int port = std::atoi(address.substr(address.rfind(':') + 1).c_str());

  std::vector<double> milliseconds;
  std::size_t bytes = 0;
  for (int i = 0; i < scrapes; ++i) {
    const auto start = std::chrono::steady_clock::now();
    bytes = http_get_size(port);
    milliseconds.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (bytes == 0) {
      std::fprintf(stderr, "scrape failed\n");
      return 1;
    }
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  std::printf("scrape queues=%d bytes=%zu median_ms=%.1f max_ms=%.1f\n", queues, bytes,
              milliseconds[milliseconds.size() / 2], milliseconds.back());
  return 0;
}
