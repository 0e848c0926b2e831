#pragma once
// The control socket's call-back commands (docs/control.md): `callbacks` lists the open
// call-backs from a published view; `callback_done` is only validated here, because closing one
// changes the floor state, which the loop alone may touch (it applies it, makes it durable and
// then replies with callback_done_reply).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "floorwatch/core/callback_worklist.h"
#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::daemon {

/// A valid `callback_done`: call-back `id` was called back by `by`. Plain value type.
struct CallbackDoneRequest {
  std::uint64_t id = 0;
  std::string by;
};

/// A valid `peer_callbacks` from the HA partner: its whole set of call-back closes
/// (docs/ha.md "Shared call-back closes"). Plain value type.
struct PeerCallbacksRequest {
  std::string from;  ///< the partner's daemon_id, for the log
  std::vector<core::CallbackClose> closes;
};

/// {"command": "peer_callbacks", "from": ID, "closes": [{"caller", "first_abandoned_at_ms",
/// "last_abandoned_at_ms", "by", "at_ms"}...]} → the request, or the error to reply, naming the
/// entry and field (`closes[3].at_ms: expected an integer (epoch ms)`).
std::variant<PeerCallbacksRequest, std::string> parse_peer_callbacks(const nlohmann::json& request);

/// {"command": "callback_done", "id": N, "by": "NAME"} → the request, or the error to reply.
/// `key_name`: the client's CURVE key name; when set it is the `by` recorded (as for `ack`).
std::variant<CallbackDoneRequest, std::string> parse_callback_done(const nlohmann::json& request,
                                                                   const std::string& key_name);

/// The `callbacks` reply: {"now", "callbacks": [entry...] oldest first, "open",
/// "without_number", "closed": {"called_back", "answered", "dropped"}}.
nlohmann::json callbacks_json(const core::FloorSnapshot& snapshot);

/// One open call-back: id, caller, queue, call, attempts, first/last abandon (RFC 3339),
/// age_seconds (since the first abandon, at `now`), last_wait_seconds.
nlohmann::json callback_json(const core::CallbackEntry& entry, core::Timestamp now);

/// The reply once `callback_done` was applied: {"called_back": entry + "by"} or, when no open
/// call-back had the id, {"error": "..."}.
nlohmann::json callback_done_reply(const std::optional<core::CallbackEntry>& closed,
                                   const CallbackDoneRequest& request, core::Timestamp now);

}  // namespace floorwatch::daemon
