#pragma once
// One place where every ZeroMQ socket of the daemon and of floorwatchctl gets its security
// options, so CURVE can be switched on by configuration alone without touching the protocol.
#include <string>

#include <zmq.hpp>

namespace floorwatch::daemon {

/// Security options applied to a socket before it binds or connects. Empty keys = plaintext
/// (the default today). Z85-encoded keys, 40 characters each. Plain value type.
struct SocketSecurity {
  /// Server side (daemon sockets): our secret key turns on CURVE server mode.
  std::string curve_server_secret_key;
  /// Client side (floorwatchctl, collectors): the server's public key and our key pair.
  std::string curve_server_public_key;
  std::string curve_client_public_key;
  std::string curve_client_secret_key;

  bool enabled() const {
    return !curve_server_secret_key.empty() || !curve_server_public_key.empty();
  }
};

/// Applies `security` to a socket that will bind (daemon side). Throws zmq::error_t.
void apply_server_security(zmq::socket_t& socket, const SocketSecurity& security);
/// Applies `security` to a socket that will connect (client side). Throws zmq::error_t.
void apply_client_security(zmq::socket_t& socket, const SocketSecurity& security);

}  // namespace floorwatch::daemon
