#include "security/zap_handler.h"

#include <chrono>

#include <zmq_addon.hpp>

namespace floorwatch::security {
namespace {

constexpr auto kStopCheckPeriod = std::chrono::milliseconds(100);
constexpr std::size_t kCurveKeyBytes = 32;

}  // namespace

ZapHandler::ZapHandler(zmq::context_t& context, AuthorizedKeys keys,
                       std::vector<std::string> socket_names, RefusalObserver on_refusal)
    : context_(context),
      keys_(std::move(keys)),
      socket_names_(std::move(socket_names)),
      on_refusal_(std::move(on_refusal)),
      zap_socket_(context, zmq::socket_type::rep) {
  zap_socket_.set(zmq::sockopt::linger, 0);
  // Bound before the thread starts: handshakes arriving meanwhile wait in the queue.
  zap_socket_.bind("inproc://zeromq.zap.01");
  thread_ = std::thread([this] { run(); });
}

ZapHandler::~ZapHandler() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ZapHandler::answer(zmq::socket_t& zap) {
  // RFC 27 request: version, request id, domain, address, identity, mechanism, credentials...
  std::vector<zmq::message_t> request;
  if (!zmq::recv_multipart(zap, std::back_inserter(request), zmq::recv_flags::dontwait)) return;
  const auto frame = [&](std::size_t i) {
    return i < request.size() ? request[i].to_string() : std::string();
  };
  const std::string version = frame(0);
  const std::string mechanism = frame(5);
  Refusal refusal{frame(2), RefusalReason::UnknownKey, frame(3), {}};

  std::string status = "400";
  std::string status_text;
  std::string user_id;
  if (version != "1.0") {
    status = "500";
    status_text = "unsupported ZAP version";
    refusal.reason = RefusalReason::BadHandshake;
  } else if (mechanism != "CURVE") {
    status_text = "CURVE required";
    refusal.reason = RefusalReason::Plaintext;
  } else if (request.size() < 7 || request[6].size() != kCurveKeyBytes) {
    status_text = "malformed CURVE credentials";
    refusal.reason = RefusalReason::BadHandshake;
  } else {
    char z85[41] = {};
    zmq_z85_encode(z85, static_cast<const std::uint8_t*>(request[6].data()), kCurveKeyBytes);
    refusal.public_key = z85;
    if (const auto name = keys_.name_of(z85)) {
      status = "200";
      status_text = "OK";
      user_id = *name;
    } else {
      status_text = "unknown key";
    }
  }

  const std::string request_id = frame(1);
  std::vector<zmq::const_buffer> reply{zmq::str_buffer("1.0"), zmq::buffer(request_id),
                                       zmq::buffer(status),    zmq::buffer(status_text),
                                       zmq::buffer(user_id),   zmq::const_buffer()};
  zmq::send_multipart(zap, reply);
  if (status == "200") {
    ++admitted_;
  } else if (on_refusal_) {
    on_refusal_(refusal);
  }
}

void ZapHandler::run() {
  std::vector<zmq::socket_t> monitors;
  for (const std::string& name : socket_names_) {
    zmq::socket_t monitor(context_, zmq::socket_type::pair);
    monitor.set(zmq::sockopt::linger, 0);
    monitor.connect(refusal_monitor_endpoint(name));
    monitors.push_back(std::move(monitor));
  }
  std::vector<zmq::pollitem_t> items{{zap_socket_.handle(), 0, ZMQ_POLLIN, 0}};
  for (auto& monitor : monitors) items.push_back({monitor.handle(), 0, ZMQ_POLLIN, 0});

  while (!stop_.load()) {
    try {
      zmq::poll(items, kStopCheckPeriod);
      if (items[0].revents & ZMQ_POLLIN) answer(zap_socket_);
      for (std::size_t i = 0; i < monitors.size(); ++i) {
        if (!(items[i + 1].revents & ZMQ_POLLIN)) continue;
        while (const auto event = read_monitor_event(monitors[i])) {
          if (event->event != ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
              event->event != ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
            continue;  // e.g. MONITOR_STOPPED when the daemon closes the socket
          Refusal refusal{socket_names_[i], RefusalReason::BadHandshake, {}, {}};
          if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
              event->value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
            refusal.reason = RefusalReason::Plaintext;
          if (on_refusal_) on_refusal_(refusal);
        }
      }
    } catch (const zmq::error_t& error) {
      if (error.num() == ETERM) break;
      // EINTR and the like: keep answering, a stuck ZAP handler would stall every handshake.
    }
  }
  zap_socket_.close();
}

}  // namespace floorwatch::security
