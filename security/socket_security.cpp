#include "security/socket_security.h"

#include <cstring>
#include <stdexcept>

namespace floorwatch::security {
namespace {

// Events of refused handshakes. HANDSHAKE_FAILED_AUTH (a ZAP denial) is left out on the
// server: the ZAP handler counts those itself, with the key.
constexpr int kServerMonitorEvents =
    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
constexpr int kClientMonitorEvents = kServerMonitorEvents | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

void set_key(zmq::socket_t& socket, int option, const std::string& key, const char* what) {
  if (!is_z85_key(key))
    throw std::invalid_argument(std::string("CURVE ") + what + " must be 40 Z85 characters");
  if (zmq_setsockopt(socket.handle(), option, key.data(), key.size()) != 0) throw zmq::error_t();
}

}  // namespace

void apply_server_security(zmq::socket_t& socket, const ServerSecurity& security,
                           const std::string& socket_name) {
  if (!security.curve()) return;
  socket.set(zmq::sockopt::curve_server, 1);
  set_key(socket, ZMQ_CURVE_SECRETKEY, security.server_keys.secret_key, "server secret key");
  socket.set(zmq::sockopt::zap_domain, socket_name);
  if (zmq_socket_monitor(socket.handle(), refusal_monitor_endpoint(socket_name).c_str(),
                         kServerMonitorEvents) != 0)
    throw zmq::error_t();
}

void apply_client_security(zmq::socket_t& socket, const ClientSecurity& security) {
  if (!security.curve()) return;
  set_key(socket, ZMQ_CURVE_SERVERKEY, security.server_public_key, "server public key");
  set_key(socket, ZMQ_CURVE_PUBLICKEY, security.client_keys.public_key, "public key");
  set_key(socket, ZMQ_CURVE_SECRETKEY, security.client_keys.secret_key, "secret key");
}

ClientSecurity load_client_security(const std::string& server_key_file,
                                    const std::string& key_file) {
  if (server_key_file.empty() && key_file.empty()) return {};
  if (server_key_file.empty() || key_file.empty())
    throw KeyFileError(
        "CURVE needs both the daemon's public certificate (--curve-server-key NAME.key) and "
        "this client's secret certificate (--curve-key NAME.key_secret)");
  ClientSecurity security;
  security.server_public_key = read_public_key_file(server_key_file);
  security.client_keys = read_key_pair_file(key_file);
  return security;
}

std::vector<ClientSecurity> load_client_securities(const std::vector<std::string>& server_key_files,
                                                   const std::string& key_file, std::size_t daemons,
                                                   const std::string& option,
                                                   const std::string& per) {
  if (server_key_files.size() > 1 && server_key_files.size() != daemons)
    throw KeyFileError(option + ": give one key for every daemon or one per " + per + " (" +
                       std::to_string(daemons) + " daemons, " +
                       std::to_string(server_key_files.size()) + " keys)");
  if (server_key_files.size() <= 1) {
    const std::string shared = server_key_files.empty() ? "" : server_key_files.front();
    return std::vector<ClientSecurity>(daemons, load_client_security(shared, key_file));
  }
  std::vector<ClientSecurity> securities;
  for (const std::string& server_key_file : server_key_files)
    securities.push_back(load_client_security(server_key_file, key_file));
  return securities;
}

bool is_loopback_endpoint(const std::string& endpoint) {
  const auto scheme_end = endpoint.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string scheme = endpoint.substr(0, scheme_end);
  if (scheme == "ipc" || scheme == "inproc") return true;
  if (scheme != "tcp") return false;
  std::string host = endpoint.substr(scheme_end + 3);
  const auto colon = host.rfind(':');
  if (colon != std::string::npos) host = host.substr(0, colon);
  // tcp://lo;127.0.0.1:5570 style source;destination: the bind address is the last part.
  if (const auto semicolon = host.rfind(';'); semicolon != std::string::npos)
    host = host.substr(semicolon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost" || host == "lo";
}

std::string_view to_string(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::UnknownKey:
      return "unknown_key";
    case RefusalReason::Plaintext:
      return "plaintext";
    case RefusalReason::BadHandshake:
      return "bad_handshake";
  }
  return "bad_handshake";
}

std::string refusal_monitor_endpoint(const std::string& socket_name) {
  return "inproc://floorwatch.security.monitor." + socket_name;
}

std::optional<MonitorEvent> read_monitor_event(zmq::socket_t& monitor) {
  zmq::message_t header;
  if (!monitor.recv(header, zmq::recv_flags::dontwait)) return std::nullopt;
  // The second frame (the endpoint) is always sent; drain it so frames stay paired.
  for (bool more = header.more(); more;) {
    zmq::message_t rest;
    if (!monitor.recv(rest, zmq::recv_flags::dontwait)) break;
    more = rest.more();
  }
  MonitorEvent event;
  if (header.size() < 6) return event;
  std::memcpy(&event.event, header.data(), 2);
  std::memcpy(&event.value, static_cast<const char*>(header.data()) + 2, 4);
  return event;
}

HandshakeFailureWatch::HandshakeFailureWatch(zmq::context_t& context, zmq::socket_t& watched,
                                             const std::string& name, bool client_uses_curve)
    : monitor_(context, zmq::socket_type::pair), client_uses_curve_(client_uses_curve) {
  const std::string endpoint = "inproc://floorwatch.security.client-monitor." + name;
  if (zmq_socket_monitor(watched.handle(), endpoint.c_str(), kClientMonitorEvents) != 0)
    throw zmq::error_t();
  monitor_.set(zmq::sockopt::linger, 0);
  monitor_.connect(endpoint);
}

std::string HandshakeFailureWatch::take_failure() {
  std::string failure;
  while (const auto event = read_monitor_event(monitor_)) {
    const bool failed = event->event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
                        event->event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
    if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
      failure = "the daemon refused this client's CURVE key (ZAP status " +
                std::to_string(event->value) +
                "): its public key is not in the daemon's authorized_keys";
    else if (failed && !client_uses_curve_)
      // Whichever side notices the mismatch first hangs up, so the event varies; the cause not.
      failure =
          "security mismatch: the daemon requires CURVE; give --curve-server-key (the daemon's "
          "NAME.key) and --curve-key (this client's NAME.key_secret)";
    else if (failed && event->value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
      failure = "security mismatch: this client uses CURVE but the daemon is plaintext";
    else if (failed)
      failure =
          "the CURVE handshake failed: is --curve-server-key the daemon's public key, and is "
          "CURVE on in the daemon (security.curve)?";
  }
  return failure;
}

}  // namespace floorwatch::security
