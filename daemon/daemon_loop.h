#pragma once
// floorwatchd assembled: config -> clock, floor state, metrics, sockets; and the loop that owns
// the state (polls ingest and control, applies batches, acks, ticks the windows).
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <zmq.hpp>

#include "daemon/config.h"
#include "daemon/control_server.h"
#include "daemon/ingest_processor.h"
#include "daemon/metrics_exporter.h"
#include "daemon/self_metrics.h"
#include "daemon/shared_floor.h"
#include "daemon/socket_security.h"

namespace floorwatch::daemon {

enum class ClockMode { Wall, Event };

/// Logs at most `burst` messages per `period`, then counts the rest and reports the count with
/// the next message let through (bad input must never flood the log). Not thread-safe.
class RateLimitedLog {
 public:
  RateLimitedLog(std::chrono::steady_clock::duration period, int burst)
      : period_(period), burst_(burst) {}
  /// True when a message may be logged at `now`; `suppressed` receives how many were dropped
  /// since the last one let through.
  bool allow(std::chrono::steady_clock::time_point now, std::size_t& suppressed);

 private:
  std::chrono::steady_clock::duration period_;
  int burst_;
  std::chrono::steady_clock::time_point window_start_{};
  int used_ = 0;
  std::size_t suppressed_ = 0;
};

/// The whole daemon. Construction binds every socket (throws on failure); run() is the loop.
/// Not thread-safe apart from `stop`, which any thread (or a signal handler) may set.
class Daemon {
 public:
  Daemon(DaemonConfig config, ClockMode clock_mode, SocketSecurity security = {});
  ~Daemon();

  /// Endpoints actually bound (port 0 / `*` resolved).
  const std::string& ingest_endpoint() const { return ingest_endpoint_; }
  const std::string& control_endpoint() const { return control_endpoint_; }
  std::string metrics_address() const { return exporter_->listening_address(); }

  /// Polls until `stop` becomes true (checked at least every 100 ms), then closes the sockets.
  void run(const std::atomic<bool>& stop);

 private:
  void drain_ingest();
  void drain_control();
  void log_bad_input(const std::string& what);

  DaemonConfig config_;
  Identity identity_;
  std::unique_ptr<core::Clock> clock_;
  core::EventClock* event_clock_ = nullptr;  // the same object as clock_ in event mode
  SharedFloor floor_;
  SelfMetrics self_metrics_;
  IngestProcessor ingest_;
  ControlServer control_;
  std::unique_ptr<MetricsExporter> exporter_;
  zmq::context_t context_;
  zmq::socket_t ingest_socket_;
  zmq::socket_t control_socket_;
  std::string ingest_endpoint_;
  std::string control_endpoint_;
  RateLimitedLog bad_input_log_{std::chrono::seconds(10), 5};
};

}  // namespace floorwatch::daemon
