#pragma once
// Shared by the latency benchmarks (feed_latency_bench, frame_latency_bench): a real daemon
// in-process on loopback with a collector's socket to it, the agent events they send through it
// and the percentiles they report.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "daemon/daemon_loop.h"
#include "floorwatch/core/clock.h"
#include "floorwatch/core/event.h"
#include "wire_codec.h"

namespace floorwatch::bench {

/// An agent's state change stamped with the wall clock (the daemons run on it).
inline core::Event agent_event(const std::string& agent, const std::string& queue,
                               core::AgentStatus state, std::string reason) {
  core::Event e;
  e.type = core::EventType::AgentState;
  e.ts = core::SystemClock().now();
  e.agent = agent;
  e.state = state;
  e.reason = std::move(reason);
  e.queues = std::vector<std::string>{queue};
  return e;
}

/// Caller `n` waiting in `queue`, enqueued now.
inline core::Event waiting_call(const std::string& queue, int n) {
  core::Event e;
  e.type = core::EventType::CallEnqueued;
  e.ts = core::SystemClock().now();
  e.call = queue + "-waiting-" + std::to_string(n);
  e.queue = queue;
  return e;
}

/// The p-quantile (0..1) by nearest rank; 0 for no values.
inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

/// A fresh directory on the disk (not tmpfs: /var/tmp), removed with everything in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = "/var/tmp/floorwatch-bench-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed in /var/tmp");
    path_ = pattern;
  }
  ~ScratchDirectory() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// floorwatchd on the wall clock with `queues` configured queues ("queue-0"...), every socket
/// on an OS-chosen loopback port, its loop on a thread, and its journal on the disk with fsync
/// as in production (an event is applied only once durable); and a DEALER sending it batches
/// as a collector does. Stops the loop when destroyed.
class LiveDaemon {
 public:
  explicit LiveDaemon(int queues)
      : daemon_(config(queues, scratch_.path()), daemon::ClockMode::Wall) {
    loop_ = std::thread([this] { daemon_.run(stop_); });
    dealer_.set(zmq::sockopt::linger, 0);
    dealer_.connect(daemon_.ingest_endpoint());
  }
  ~LiveDaemon() {
    stop_ = true;
    loop_.join();
  }
  daemon::Daemon& daemon() { return daemon_; }
  /// One batch, numbered after the previous ones (acks are not waited for).
  void send(const std::vector<core::Event>& events) {
    wire::Batch batch{"bench", 1, {}};
    for (const auto& event : events) batch.events.push_back({++seq_, event});
    dealer_.send(zmq::buffer(wire::encode_batch(batch)), zmq::send_flags::none);
  }
  /// Reads the acks that arrived, so they do not pile up.
  void drain_acks() {
    zmq::message_t ack;
    while (dealer_.recv(ack, zmq::recv_flags::dontwait)) {
    }
  }

 private:
  static daemon::DaemonConfig config(int queues, const std::string& directory) {
    daemon::DaemonConfig config;
    config.state.path = directory + "/journal.db";
    config.site = config.daemon_id = "bench";
    config.ingest_bind = config.control_bind = config.feed_bind = config.feed_publish =
        "tcp://127.0.0.1:*";
    config.metrics_listen = "127.0.0.1:0";
    for (int q = 0; q < queues; ++q) config.floor.queues["queue-" + std::to_string(q)] = {};
    return config;
  }

  ScratchDirectory scratch_;  // first: outlives the daemon
  daemon::Daemon daemon_;
  std::atomic<bool> stop_{false};
  std::thread loop_;
  zmq::context_t context_{1};
  zmq::socket_t dealer_{context_, zmq::socket_type::dealer};
  std::uint64_t seq_ = 0;
};

}  // namespace floorwatch::bench
