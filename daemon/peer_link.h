#pragma once
// The daemon's side of an HA pair's sharing (docs/ha.md): a DEALER connected to the partner's
// control socket that sends this daemon's whole set of acknowledgements as a `peer_acks`
// request, and its whole set of call-back closes as `peer_callbacks`, each at once when the set
// changes and every second otherwise. Sending the whole set each time is what makes the pair
// converge after a lost message, a restart or a link down: nothing has to be remembered about
// what the partner already has.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <zmq.hpp>

#include "alerts/alert_state.h"
#include "daemon/config.h"
#include "daemon/peer_metrics.h"
#include "floorwatch/core/callback_worklist.h"

namespace floorwatch::daemon {

/// The `peer_acks` request for `acks` (fingerprint, acknowledgement), from daemon `from`.
std::string peer_acks_request(
    const std::string& from,
    const std::vector<std::pair<std::string, alerts::Acknowledgement>>& acks);

/// The `peer_callbacks` request for `closes` (caller, abandons covered, who, when), from `from`.
std::string peer_callbacks_request(const std::string& from,
                                   const std::vector<core::CallbackClose>& closes);

/// Owned by the loop, like the control socket; no thread of its own. Never blocks: nothing
/// queues for a partner that is not connected (ZMQ_IMMEDIATE), and a send that would block is
/// dropped and counted (the next exchange carries the same acks).
class PeerLink {
 public:
  static constexpr std::chrono::milliseconds kExchangeInterval{1000};

  /// Connects to `ha.peer`; with CURVE it authenticates with this daemon's own key pair
  /// (`security.curve.secret_key_file`) against `ha.peer_key_file`. Throws std::runtime_error
  /// for missing or bad keys.
  PeerLink(zmq::context_t& context, const HaConfig& ha, const SecurityConfig& security,
           std::string daemon_id, PeerMetrics& metrics);

  /// Sends `acks` when they differ from the last set sent or the interval has passed; reads
  /// and discards the partner's replies (logging an error reply, rate-limited by the interval).
  void exchange(const std::vector<std::pair<std::string, alerts::Acknowledgement>>& acks,
                std::chrono::steady_clock::time_point now);
  /// The same for the call-back closes: sent when `revision` (CallbackWorklist::
  /// closes_revision) moved or the interval has passed; `closes` is only called then, so a
  /// wake-up with nothing to send costs nothing.
  void exchange_callbacks(std::uint64_t revision,
                          const std::function<std::vector<core::CallbackClose>()>& closes,
                          std::chrono::steady_clock::time_point now);

  std::uint64_t sent() const { return sent_; }
  std::uint64_t dropped() const { return dropped_; }  ///< not connected, or its queue full

 private:
  void drain_replies();
  /// Hands one request to ZeroMQ without blocking; counts it and logs a change of reachability.
  void send(const std::string& request, PeerExchange kind);

  zmq::socket_t socket_;
  std::string daemon_id_;
  std::string peer_;
  bool reachable_ = true;        // as of the last send; a change is logged once
  std::string last_refusal_[2];  // the partner's last error reply (acks, callbacks); empty: ok
  std::string last_acks_;        // the acks part of the last request sent, to spot a change
  std::chrono::steady_clock::time_point next_exchange_{};
  std::optional<std::uint64_t> last_closes_revision_;  // none sent yet
  std::chrono::steady_clock::time_point next_callbacks_exchange_{};
  PeerMetrics& metrics_;
  std::uint64_t sent_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace floorwatch::daemon
