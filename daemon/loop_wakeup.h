#pragma once
// How a worker thread wakes the daemon loop's zmq::poll: an inproc PAIR whose loop end is polled
// with the other sockets. ZeroMQ sockets are not thread-safe, so the worker creates its own end.
#include <atomic>
#include <string>

#include <zmq.hpp>

namespace floorwatch::daemon {

/// The loop's end (bound here) and a factory for the worker's end. Loop thread only, except
/// connect_worker(), which the worker calls on its own thread.
class LoopWakeup {
 public:
  LoopWakeup(zmq::context_t& context, const std::string& name)
      : context_(context),
        endpoint_(unique_endpoint(name)),
        socket_(context, zmq::socket_type::pair) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(endpoint_);  // before any worker connects
  }
  /// Readable (ZMQ_POLLIN) after a worker's wake(): poll it with the loop's sockets.
  zmq::socket_t& socket() { return socket_; }
  /// Consumes every pending wake-up, so the next poll sleeps until a new one.
  void drain() {
    zmq::message_t message;
    while (socket_.recv(message, zmq::recv_flags::dontwait)) {
    }
  }
  /// The worker's end; create and use it on the worker thread only.
  zmq::socket_t connect_worker() {
    zmq::socket_t worker(context_, zmq::socket_type::pair);
    worker.set(zmq::sockopt::linger, 0);
    worker.connect(endpoint_);
    return worker;
  }
  /// Worker side: one empty message; never blocks (a full pipe already means "wake up").
  static void wake(zmq::socket_t& worker) {
    (void)worker.send(zmq::const_buffer(), zmq::send_flags::dontwait);
  }

 private:
  // Unique per object: several daemons or workers may share one context (tests).
  static std::string unique_endpoint(const std::string& name) {
    static std::atomic<std::uint64_t> counter{0};
    return "inproc://floorwatch-" + name + "-" + std::to_string(++counter);
  }
  zmq::context_t& context_;
  std::string endpoint_;
  zmq::socket_t socket_;
};

}  // namespace floorwatch::daemon
