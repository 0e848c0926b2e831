#include "daemon/peer_link.h"

#include <stdexcept>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "security/socket_security.h"

namespace floorwatch::daemon {
namespace {

// Few messages, each the whole set: a partner that is away does not need a backlog.
constexpr int kPeerHighWaterMark = 4;

nlohmann::json acks_json(const std::vector<std::pair<std::string, alerts::Acknowledgement>>& acks) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [fingerprint, ack] : acks)
    list.push_back({{"fingerprint", fingerprint},
                    {"by", ack.by},
                    {"comment", ack.comment},
                    {"at_ms", core::to_epoch_ms(ack.at)}});
  return list;
}

}  // namespace

std::string peer_acks_request(
    const std::string& from,
    const std::vector<std::pair<std::string, alerts::Acknowledgement>>& acks) {
  return nlohmann::json{{"command", "peer_acks"}, {"from", from}, {"acks", acks_json(acks)}}.dump();
}

std::string peer_callbacks_request(const std::string& from,
                                   const std::vector<core::CallbackClose>& closes) {
  nlohmann::json list = nlohmann::json::array();
  for (const core::CallbackClose& close : closes)
    list.push_back({{"caller", close.caller},
                    {"first_abandoned_at_ms", core::to_epoch_ms(close.first_abandoned_at)},
                    {"last_abandoned_at_ms", core::to_epoch_ms(close.last_abandoned_at)},
                    {"by", close.by},
                    {"at_ms", core::to_epoch_ms(close.at)}});
  return nlohmann::json{{"command", "peer_callbacks"}, {"from", from}, {"closes", std::move(list)}}
      .dump();
}

PeerLink::PeerLink(zmq::context_t& context, const HaConfig& ha, const SecurityConfig& security,
                   std::string daemon_id, PeerMetrics& metrics)
    : socket_(context, zmq::socket_type::dealer),
      daemon_id_(std::move(daemon_id)),
      peer_(ha.peer),
      metrics_(metrics) {
  if (security.curve() && ha.peer_key_file.empty())
    throw std::runtime_error(
        "ha.peer_key_file is required with security.curve (the partner daemon's NAME.key)");
  try {
    security::apply_client_security(
        socket_, security::load_client_security(security.curve() ? ha.peer_key_file : "",
                                                security.curve_secret_key_file));
  } catch (const std::exception& error) {
    throw std::runtime_error(std::string("ha: ") + error.what());
  }
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::immediate, 1);
  socket_.set(zmq::sockopt::sndhwm, kPeerHighWaterMark);
  socket_.set(zmq::sockopt::rcvhwm, kPeerHighWaterMark);
  socket_.connect(ha.peer);
}

void PeerLink::exchange(const std::vector<std::pair<std::string, alerts::Acknowledgement>>& acks,
                        std::chrono::steady_clock::time_point now) {
  drain_replies();
  const std::string current = acks_json(acks).dump();
  if (current == last_acks_ && now < next_exchange_) return;
  next_exchange_ = now + kExchangeInterval;
  const std::string request = peer_acks_request(daemon_id_, acks);
  last_acks_ = current;  // a failed send is retried at the interval, not at every wake-up
  send(request, PeerExchange::Acks);
}

void PeerLink::exchange_callbacks(std::uint64_t revision,
                                  const std::function<std::vector<core::CallbackClose>()>& closes,
                                  std::chrono::steady_clock::time_point now) {
  drain_replies();
  if (last_closes_revision_ == revision && now < next_callbacks_exchange_) return;
  next_callbacks_exchange_ = now + kExchangeInterval;
  last_closes_revision_ = revision;  // a failed send is retried at the interval
  send(peer_callbacks_request(daemon_id_, closes()), PeerExchange::Callbacks);
}

void PeerLink::send(const std::string& request, PeerExchange kind) {
  const bool sent = socket_.send(zmq::buffer(request), zmq::send_flags::dontwait).has_value();
  sent ? ++sent_ : ++dropped_;  // dropped: the next exchange repeats the whole set
  metrics_.send(kind, sent);
  // One line per change of reachability, not one per second while the partner is away.
  if (sent == reachable_) return;
  reachable_ = sent;
  metrics_.up(sent);
  if (sent)
    spdlog::info("ha: sharing acknowledgements and call-back closes with {} again", peer_);
  else
    spdlog::warn(
        "ha: cannot reach the partner at {}; each daemon escalates on its own until it is "
        "back (dropped={})",
        peer_, dropped_);
}

void PeerLink::drain_replies() {
  zmq::message_t reply;
  while (socket_.recv(reply, zmq::recv_flags::dontwait)) {
    const auto parsed = nlohmann::json::parse(reply.to_string_view(), nullptr, false);
    const std::string error =
        parsed.is_object() && parsed.contains("error") ? parsed["error"].dump() : "";
    // Replies to the two requests interleave; each keeps its own state, so a partner that
    // takes closes but refuses acks (no alert rules there) is not logged every second.
    const bool callbacks =
        (parsed.is_object() && parsed.value("command", std::string{}) == "peer_callbacks") ||
        error.rfind("\"peer_callbacks", 0) == 0;
    std::string& last_refusal = last_refusal_[callbacks ? 1 : 0];
    const char* what = callbacks ? "call-back closes" : "acknowledgements";
    // A refusal repeats every second until someone fixes the config: say it when it changes.
    if (error == last_refusal) continue;
    last_refusal = error;
    if (error.empty())
      spdlog::info("ha: the partner accepts our {} again", what);
    else
      spdlog::warn("ha: the partner refused our {}: {}", what, error);
  }
}

}  // namespace floorwatch::daemon
