#pragma once
// floorwatchctl's work, separate from its command line: the Erlang C / Erlang A staffing table
// and the control-socket client.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "floorwatch/core/erlang_c.h"
#include "security/socket_security.h"

namespace floorwatch::ctl {

/// Inputs of `floorwatchctl erlang`. Plain value type.
struct ErlangRequest {
  core::erlang::Workload workload;
  double answer_target_seconds = 20;
  double service_level_target = 0.8;
  /// Callers' mean patience: set, the table follows Erlang A (callers hang up); unset, Erlang C.
  std::optional<double> patience_seconds;
};

/// {"agents_required": N|null, "traffic_erlangs": ..., inputs..., "rows": [{agents,
/// probability_of_waiting, service_level, asa_seconds|null, occupancy}]} for agent counts from
/// required-2 to required+3 (at least 1). With a patience: Erlang A figures, plus
/// "model": "erlang_a", "patience_seconds" and a probability_of_abandoning in every row.
/// Throws std::invalid_argument when Erlang A cannot take the inputs (a patience or handle time
/// that is not positive, or a patience of years).
nlohmann::json erlang_table(const ErlangRequest& request);
/// The same table for people: a heading line and aligned columns.
std::string format_erlang_table(const nlohmann::json& table);

/// The daemon did not answer, or answered with an error. The message names the endpoint.
class ControlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
/// The daemon could not be reached at all (no connection, refused handshake, no reply): the
/// partner of an HA pair may answer instead. An error reply is not this.
class ControlUnreachable : public ControlError {
 public:
  using ControlError::ControlError;
};

/// One daemon's control socket and the keys to reach it. Plain value type.
struct ControlEndpoint {
  std::string endpoint;
  security::ClientSecurity security;  ///< CURVE keys (docs/security.md); empty = plaintext
};

/// Sends one JSON request to the control socket at `endpoint` and returns the reply. Throws
/// ControlError when there is no answer within `timeout`, the daemon refuses the handshake
/// (unknown CURVE key, CURVE vs plaintext: said at once, in words) or the reply is
/// {"error": ...}. `security`: CURVE keys (docs/security.md); empty = plaintext.
nlohmann::json control_request(const std::string& endpoint, const nlohmann::json& request,
                               std::chrono::milliseconds timeout,
                               const security::ClientSecurity& security = {});

/// The same, to whichever daemon of `daemons` answers (an HA pair), tried in order: a daemon
/// that cannot be reached within `connect_timeout` (or does not reply within `timeout`) is
/// skipped; an error reply is final. Throws ControlUnreachable naming every endpoint when none
/// answers. `answered_by`, when given, receives the endpoint that answered.
nlohmann::json control_request(const std::vector<ControlEndpoint>& daemons,
                               const nlohmann::json& request, std::chrono::milliseconds timeout,
                               std::chrono::milliseconds connect_timeout,
                               std::string* answered_by = nullptr);

/// Human form of an `alerts` reply: one line per alert (id, state, rule, queue, since, who).
std::string format_alerts(const nlohmann::json& reply, bool with_resolved);

/// Human form of a `status` reply.
std::string format_status(const nlohmann::json& status);

}  // namespace floorwatch::ctl
