#include "daemon/daemon_loop.h"

#include <cerrno>

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

namespace floorwatch::daemon {
namespace {

// Per-socket bounds. An ingest message is a whole batch, so 10k messages is plenty; above it
// ZeroMQ stops reading from that collector (TCP back-pressure), which resends unacked events.
constexpr int kIngestHighWaterMark = 10'000;
constexpr int kControlHighWaterMark = 100;
// Messages handled per socket per wake-up, so neither socket nor the tick starves.
constexpr int kMessagesPerWakeup = 256;
constexpr auto kTickPeriod = std::chrono::milliseconds(100);

std::unique_ptr<core::Clock> make_clock(ClockMode mode) {
  if (mode == ClockMode::Event) return std::make_unique<core::EventClock>();
  return std::make_unique<core::SystemClock>();
}

std::string last_endpoint(const zmq::socket_t& socket) {
  return socket.get(zmq::sockopt::last_endpoint);
}

zmq::socket_t bind_router(zmq::context_t& context, const std::string& endpoint, int high_water_mark,
                          const SocketSecurity& security) {
  zmq::socket_t socket(context, zmq::socket_type::router);
  apply_server_security(socket, security);
  // Unroutable replies fail loudly (counted) instead of vanishing.
  socket.set(zmq::sockopt::router_mandatory, 1);
  socket.set(zmq::sockopt::sndhwm, high_water_mark);
  socket.set(zmq::sockopt::rcvhwm, high_water_mark);
  socket.set(zmq::sockopt::linger, 0);
  socket.bind(endpoint);
  return socket;
}

// Sends `payload` back along the envelope of a request (identity frames, and the empty
// delimiter a REQ peer adds). False when the peer is gone or its queue is full.
bool reply(zmq::socket_t& socket, std::vector<zmq::message_t>& request, const std::string& payload,
           std::string& why_not) {
  try {
    for (std::size_t i = 0; i + 1 < request.size(); ++i) {
      if (!socket.send(request[i], zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
        why_not = "peer_queue_full";
        return false;
      }
    }
    if (!socket.send(zmq::buffer(payload), zmq::send_flags::dontwait)) {
      why_not = "peer_queue_full";
      return false;
    }
    return true;
  } catch (const zmq::error_t& error) {
    why_not = error.num() == EHOSTUNREACH ? "peer_gone" : "send_error";
    return false;
  }
}

}  // namespace

bool RateLimitedLog::allow(std::chrono::steady_clock::time_point now, std::size_t& suppressed) {
  if (now - window_start_ >= period_) {
    window_start_ = now;
    used_ = 0;
  }
  if (used_ >= burst_) {
    ++suppressed_;
    return false;
  }
  ++used_;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

Daemon::Daemon(DaemonConfig config, ClockMode clock_mode, SocketSecurity security)
    : config_(std::move(config)),
      identity_{config_.site, config_.daemon_id},
      clock_(make_clock(clock_mode)),
      event_clock_(clock_mode == ClockMode::Event ? static_cast<core::EventClock*>(clock_.get())
                                                  : nullptr),
      floor_(config_.floor, *clock_),
      self_metrics_(identity_, FLOORWATCH_VERSION),
      ingest_(floor_, self_metrics_, event_clock_, config_.daemon_id),
      control_(floor_, ingest_,
               DaemonInfo{identity_, FLOORWATCH_VERSION,
                          clock_mode == ClockMode::Event ? "event" : "wall"}),
      context_(1) {
  exporter_ = std::make_unique<MetricsExporter>(config_.metrics_listen, floor_, identity_,
                                                self_metrics_.registry());
  ingest_socket_ = bind_router(context_, config_.ingest_bind, kIngestHighWaterMark, security);
  control_socket_ = bind_router(context_, config_.control_bind, kControlHighWaterMark, security);
  ingest_endpoint_ = last_endpoint(ingest_socket_);
  control_endpoint_ = last_endpoint(control_socket_);
}

Daemon::~Daemon() = default;

void Daemon::log_bad_input(const std::string& what) {
  std::size_t suppressed = 0;
  if (!bad_input_log_.allow(std::chrono::steady_clock::now(), suppressed)) return;
  if (suppressed > 0)
    spdlog::warn("bad input: {} (suppressed={} similar messages)", what, suppressed);
  else
    spdlog::warn("bad input: {}", what);
}

void Daemon::drain_ingest() {
  for (int handled = 0; handled < kMessagesPerWakeup; ++handled) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(ingest_socket_, std::back_inserter(frames),
                             zmq::recv_flags::dontwait))
      return;
    if (frames.size() < 2) continue;  // a ROUTER always prepends the identity
    const FrameOutcome outcome = ingest_.handle_frame(frames.back().to_string_view());
    if (!outcome.problem.empty()) {
      const std::string source = outcome.decoded ? outcome.ack.source : "?";
      log_bad_input("source=" + source + " rejected=" + std::to_string(outcome.rejected) +
                    " first=\"" + outcome.problem + "\"");
    }
    if (!outcome.decoded) continue;
    std::string why_not;
    if (!reply(ingest_socket_, frames, wire::encode_ack(outcome.ack), why_not)) {
      // The collector resends after a second of silence, so a lost ack costs a resend only.
      self_metrics_.ack_unsent(why_not);
      log_bad_input("ack not sent source=" + outcome.ack.source + " reason=" + why_not);
    }
  }
}

void Daemon::drain_control() {
  for (int handled = 0; handled < kMessagesPerWakeup; ++handled) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(control_socket_, std::back_inserter(frames),
                             zmq::recv_flags::dontwait))
      return;
    if (frames.size() < 2) continue;
    const std::string answer = control_.handle(frames.back().to_string_view());
    std::string why_not;
    if (!reply(control_socket_, frames, answer, why_not))
      spdlog::debug("control reply not sent reason={}", why_not);
  }
}

void Daemon::run(const std::atomic<bool>& stop) {
  std::vector<zmq::pollitem_t> items{{ingest_socket_.handle(), 0, ZMQ_POLLIN, 0},
                                     {control_socket_.handle(), 0, ZMQ_POLLIN, 0}};
  auto next_tick = std::chrono::steady_clock::now();
  while (!stop.load()) {
    try {
      zmq::poll(items, kTickPeriod);
      if (items[0].revents & ZMQ_POLLIN) drain_ingest();
      if (items[1].revents & ZMQ_POLLIN) drain_control();
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_tick) {
        floor_.advance();
        next_tick = now + kTickPeriod;
      }
    } catch (const zmq::error_t& error) {
      if (error.num() == EINTR) continue;  // a signal: the stop flag says whether to leave
      spdlog::error("loop error: {}", error.what());
    } catch (const std::exception& error) {
      // Never let an exception end ingestion; log and keep serving.
      spdlog::error("loop error: {}", error.what());
    }
  }
  ingest_socket_.close();
  control_socket_.close();
}

}  // namespace floorwatch::daemon
