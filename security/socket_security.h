#pragma once
// The one place every floorwatch ZeroMQ socket gets its security options: CURVE server mode
// (daemon sockets: secret key, ZAP domain = socket name, a monitor for refused handshakes) or
// CURVE client mode (server public key + our key pair). Empty keys mean plaintext.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <zmq.hpp>

#include "security/curve_keys.h"

namespace floorwatch::security {

/// Daemon side. Plain value type.
struct ServerSecurity {
  KeyPair server_keys;  ///< secret key empty = plaintext
  bool curve() const { return !server_keys.secret_key.empty(); }
};

/// Client side (collectors, floorwatchctl, wallboard). Plain value type.
struct ClientSecurity {
  std::string server_public_key;  ///< Z85; empty = plaintext
  KeyPair client_keys;
  bool curve() const { return !server_public_key.empty(); }
};

/// Applies `security` to a socket that will bind, before it binds. With CURVE: server mode,
/// ZAP domain `socket_name` (the label of refusals) and a handshake-failure monitor at
/// refusal_monitor_endpoint(socket_name) that ZapHandler reads. Throws zmq::error_t.
void apply_server_security(zmq::socket_t& socket, const ServerSecurity& security,
                           const std::string& socket_name);
/// Applies `security` to a socket that will connect, before it connects. Throws
/// std::invalid_argument for keys that are not 40 Z85 characters, zmq::error_t otherwise.
void apply_client_security(zmq::socket_t& socket, const ClientSecurity& security);

/// Both files or neither: the daemon's public certificate (NAME.key) and our secret one
/// (NAME.key_secret). Neither = plaintext. Throws KeyFileError.
ClientSecurity load_client_security(const std::string& server_key_file,
                                    const std::string& key_file);

/// The same for a client of several daemons (an HA pair): `server_key_files` holds none
/// (plaintext), one (every daemon shares it) or one per daemon, in endpoint order; one entry per
/// daemon comes back. Otherwise throws KeyFileError `OPTION: give one key for every daemon or
/// one per PER (N daemons, M keys)`, `option` and `per` naming the client's own words.
std::vector<ClientSecurity> load_client_securities(const std::vector<std::string>& server_key_files,
                                                   const std::string& key_file, std::size_t daemons,
                                                   const std::string& option,
                                                   const std::string& per);

/// True when `endpoint` cannot be reached from another machine: tcp:// on 127.0.0.0/8, ::1,
/// localhost or the `lo` interface, and ipc:// / inproc://.
bool is_loopback_endpoint(const std::string& endpoint);

/// Why a connection was refused (label `reason` of floorwatch_connections_refused_total).
enum class RefusalReason {
  UnknownKey,    ///< a CURVE client whose public key is not authorized (ZAP denied it)
  Plaintext,     ///< a NULL or PLAIN client on a CURVE socket
  BadHandshake,  ///< a CURVE handshake that failed otherwise (e.g. wrong server key)
};
inline constexpr RefusalReason kRefusalReasons[] = {
    RefusalReason::UnknownKey, RefusalReason::Plaintext, RefusalReason::BadHandshake};
std::string_view to_string(RefusalReason reason);

/// Where apply_server_security's monitor for `socket_name` publishes (inproc).
std::string refusal_monitor_endpoint(const std::string& socket_name);

/// One ZeroMQ monitor event (libzmq 4.3 format: 16-bit event, 32-bit value, then the
/// endpoint). Plain value type.
struct MonitorEvent {
  std::uint16_t event = 0;
  std::uint32_t value = 0;
};
/// Reads one event from a monitor PAIR socket without waiting.
std::optional<MonitorEvent> read_monitor_event(zmq::socket_t& monitor);

/// Client side: watches a connecting socket's handshakes so a refusal is reported in words at
/// once instead of as a timeout (floorwatchctl). Lives on the socket's thread.
class HandshakeFailureWatch {
 public:
  /// `name` makes the inproc monitor endpoint unique within `context`; `client_uses_curve`
  /// words the explanation (a plaintext client can only be missing its keys).
  HandshakeFailureWatch(zmq::context_t& context, zmq::socket_t& watched, const std::string& name,
                        bool client_uses_curve);
  /// Poll this for ZMQ_POLLIN next to the watched socket.
  zmq::socket_t& socket() { return monitor_; }
  /// Reads pending events; what went wrong with the latest failed handshake, or empty.
  std::string take_failure();

 private:
  zmq::socket_t monitor_;
  bool client_uses_curve_;
};

}  // namespace floorwatch::security
