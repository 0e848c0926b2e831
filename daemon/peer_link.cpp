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

PeerLink::PeerLink(zmq::context_t& context, const HaConfig& ha, const SecurityConfig& security,
                   std::string daemon_id)
    : socket_(context, zmq::socket_type::dealer), daemon_id_(std::move(daemon_id)), peer_(ha.peer) {
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
  const bool sent = socket_.send(zmq::buffer(request), zmq::send_flags::dontwait).has_value();
  sent ? ++sent_ : ++dropped_;  // dropped: the next exchange repeats the whole set
  // One line per change of reachability, not one per second while the partner is away.
  if (sent == reachable_) return;
  reachable_ = sent;
  if (sent)
    spdlog::info("ha: sharing acknowledgements with {} again", peer_);
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
    // A refusal repeats every second until someone fixes the config: say it when it changes.
    if (error == last_refusal_) continue;
    last_refusal_ = error;
    if (error.empty())
      spdlog::info("ha: the partner accepts our acknowledgements again");
    else
      spdlog::warn("ha: the partner refused our acknowledgements: {}", error);
  }
}

}  // namespace floorwatch::daemon
