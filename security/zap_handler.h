#pragma once
// The daemon's ZAP handler (RFC 27, ZAP 1.0): a thread on the daemon's ZeroMQ context bound to
// inproc://zeromq.zap.01. It admits CURVE clients whose public key is authorized, with the
// key's name as User-Id, and denies everything else; refused handshakes that never reach ZAP
// (plaintext clients, broken CURVE) come from the sockets' monitors. Every refusal is reported.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "security/authorized_keys.h"
#include "security/socket_security.h"

namespace floorwatch::security {

/// One refused connection attempt. Plain value type.
struct Refusal {
  std::string socket;  ///< the socket's name (its ZAP domain), e.g. "ingest"
  RefusalReason reason = RefusalReason::UnknownKey;
  std::string peer_address;  ///< the client's IP when ZAP saw it, else empty
  std::string public_key;    ///< Z85 key of an unknown CURVE client, else empty
};

/// Runs from construction to destruction. Construct it before the sockets it guards bind.
class ZapHandler {
 public:
  /// Called on the handler's thread for every refusal; must be thread-safe and cheap.
  using RefusalObserver = std::function<void(const Refusal&)>;

  /// Binds the ZAP endpoint on `context` (throws zmq::error_t if another handler has it) and
  /// reads the monitors of `socket_names`, the sockets set up with apply_server_security.
  ZapHandler(zmq::context_t& context, AuthorizedKeys keys, std::vector<std::string> socket_names,
             RefusalObserver on_refusal);
  /// Stops the thread (within 100 ms) and closes its sockets.
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  /// CURVE handshakes admitted so far.
  std::uint64_t admitted() const { return admitted_.load(); }

 private:
  void run();
  void answer(zmq::socket_t& zap);

  zmq::context_t& context_;
  const AuthorizedKeys keys_;
  const std::vector<std::string> socket_names_;
  RefusalObserver on_refusal_;
  zmq::socket_t zap_socket_;  // bound here, then used by the thread only
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> admitted_{0};
  std::thread thread_;
};

}  // namespace floorwatch::security
