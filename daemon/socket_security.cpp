#include "daemon/socket_security.h"

namespace floorwatch::daemon {

void apply_server_security(zmq::socket_t& socket, const SocketSecurity& security) {
  if (security.curve_server_secret_key.empty()) return;
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, security.curve_server_secret_key);
}

void apply_client_security(zmq::socket_t& socket, const SocketSecurity& security) {
  if (security.curve_server_public_key.empty()) return;
  socket.set(zmq::sockopt::curve_serverkey, security.curve_server_public_key);
  socket.set(zmq::sockopt::curve_publickey, security.curve_client_public_key);
  socket.set(zmq::sockopt::curve_secretkey, security.curve_client_secret_key);
}

}  // namespace floorwatch::daemon
