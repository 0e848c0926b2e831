#include "daemon/router_socket.h"

#include <cerrno>

namespace floorwatch::daemon {

zmq::socket_t bind_router(zmq::context_t& context, const std::string& endpoint, int high_water_mark,
                          const security::ServerSecurity& security, const char* name) {
  zmq::socket_t socket(context, zmq::socket_type::router);
  security::apply_server_security(socket, security, name);
  socket.set(zmq::sockopt::router_mandatory, 1);
  socket.set(zmq::sockopt::sndhwm, high_water_mark);
  socket.set(zmq::sockopt::rcvhwm, high_water_mark);
  socket.set(zmq::sockopt::linger, 0);
  socket.bind(endpoint);
  return socket;
}

bool reply(zmq::socket_t& socket, std::vector<zmq::message_t>& request, zmq::message_t& payload,
           std::string& why_not) {
  try {
    for (std::size_t i = 0; i + 1 < request.size(); ++i) {
      if (!socket.send(request[i], zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
        why_not = "peer_queue_full";
        return false;
      }
    }
    if (!socket.send(payload, zmq::send_flags::dontwait)) {
      why_not = "peer_queue_full";
      return false;
    }
    return true;
  } catch (const zmq::error_t& error) {
    why_not = error.num() == EHOSTUNREACH ? "peer_gone" : "send_error";
    return false;
  }
}

bool reply(zmq::socket_t& socket, std::vector<zmq::message_t>& request, const std::string& payload,
           std::string& why_not) {
  zmq::message_t message(payload.data(), payload.size());
  return reply(socket, request, message, why_not);
}

}  // namespace floorwatch::daemon
