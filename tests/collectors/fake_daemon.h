#pragma once
// A fake floorwatchd for delivery tests over real ZeroMQ: a ROUTER that dedupes exactly like the
// daemon (core::DeliveryTracker) and acks, plus small event and option helpers.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "delivery.h"
#include "floorwatch/core/delivery_tracker.h"
#include "security/socket_security.h"
#include "wire_codec.h"

namespace floorwatch::collectors::test {

using namespace std::chrono_literals;

/// A fake daemon: a ROUTER that dedupes with core::DeliveryTracker exactly like floorwatchd
/// (apply seq == applied + 1, drop duplicates, drop anything after a gap) and acks the highest
/// applied seq. It can lose the n-th non-empty batch on purpose and hold its acks.
class FakeDaemon {
 public:
  /// `security`: CURVE server mode as in floorwatchd (a security::ZapHandler on `context`
  /// decides who gets in); default plaintext.
  FakeDaemon(zmq::context_t& context, std::string endpoint, int lose_batch_number = 0,
             const security::ServerSecurity& security = {})
      : socket_(context, zmq::socket_type::router), lose_batch_number_(lose_batch_number) {
    socket_.set(zmq::sockopt::linger, 0);
    security::apply_server_security(socket_, security, "ingest");
    socket_.bind(endpoint);
    thread_ = std::thread([this] { loop(); });
  }
  ~FakeDaemon() {
    stop_ = true;
    thread_.join();
  }

  void hold_acks(bool hold) { holding_acks_ = hold; }
  /// A restart without persistence: every stream position is forgotten.
  void forget_streams() {
    std::lock_guard lock(mutex_);
    tracker_ = core::DeliveryTracker();
  }

  std::vector<std::uint64_t> applied_seqs() const {
    std::lock_guard lock(mutex_);
    return applied_seqs_;
  }
  std::vector<std::string> applied_calls() const {
    std::lock_guard lock(mutex_);
    return applied_calls_;
  }
  /// The session of each applied event, in the same order.
  std::vector<std::uint64_t> applied_sessions() const {
    std::lock_guard lock(mutex_);
    return applied_sessions_;
  }
  int duplicates() const { return duplicates_; }
  int gaps() const { return gaps_; }
  int batches_lost() const { return batches_lost_; }
  int heartbeats() const { return heartbeats_; }
  int malformed() const { return malformed_; }
  std::string last_endpoint() const { return socket_.get(zmq::sockopt::last_endpoint); }

 private:
  void loop() {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    while (!stop_) {
      zmq::poll(&item, 1, std::chrono::milliseconds{20});
      zmq::message_t identity, payload;
      // No Catch assertions on this thread (Catch is not thread-safe): count problems instead.
      while (socket_.recv(identity, zmq::recv_flags::dontwait)) {
        if (!socket_.recv(payload))
          ++malformed_;
        else
          handle(identity, payload);
      }
    }
  }

  void handle(const zmq::message_t& identity, const zmq::message_t& payload) {
    auto batch = wire::decode_batch(payload.to_string_view());
    if (!batch.ok()) {
      ++malformed_;
      return;
    }
    const auto& decoded = batch.value();
    if (decoded.events.empty()) {
      ++heartbeats_;
    } else if (++batches_seen_ == lose_batch_number_) {
      ++batches_lost_;
      return;  // lost on the way: neither applied nor acked
    }
    {
      std::lock_guard lock(mutex_);
      for (const auto& event : decoded.events) {
        switch (tracker_.check(decoded.source, decoded.session, event.seq)) {
          case core::DeliveryTracker::Verdict::Apply:
            tracker_.mark_applied(decoded.source, decoded.session, event.seq);
            applied_seqs_.push_back(event.seq);
            applied_sessions_.push_back(decoded.session);
            if (event.event.ok())
              applied_calls_.push_back(event.event.value().call);
            else
              ++malformed_;
            break;
          case core::DeliveryTracker::Verdict::Duplicate:
            ++duplicates_;
            break;
          case core::DeliveryTracker::Verdict::Gap:
            ++gaps_;
            break;
        }
      }
    }
    if (holding_acks_) return;
    std::uint64_t applied = 0;
    {
      std::lock_guard lock(mutex_);
      applied = tracker_.applied(decoded.source, decoded.session);
    }
    const wire::Ack ack{decoded.source, decoded.session, applied, "fake"};
    const std::string bytes = wire::encode_ack(ack);
    socket_.send(zmq::buffer(identity.data(), identity.size()), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(bytes));
  }

  zmq::socket_t socket_;
  const int lose_batch_number_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> holding_acks_{false};
  std::thread thread_;
  core::DeliveryTracker tracker_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> applied_seqs_;
  std::vector<std::string> applied_calls_;
  std::vector<std::uint64_t> applied_sessions_;
  int batches_seen_ = 0;
  std::atomic<int> duplicates_{0}, gaps_{0}, batches_lost_{0}, heartbeats_{0}, malformed_{0};
};

/// Routes spdlog into memory for the test's lifetime, so a test can read what an operator sees.
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(200)),
        previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink_));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const {
    std::string all;
    for (const auto& line : sink_->last_formatted()) all += line;
    return all;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

inline core::Event call_abandoned(int number) {
  core::Event event;
  event.type = core::EventType::CallAbandoned;
  event.ts = core::from_epoch_ms(1795510800000 + number);
  event.call = "c" + std::to_string(number);
  return event;
}

inline DeliveryOptions test_options(std::string endpoint) {
  DeliveryOptions options;
  options.endpoint = std::move(endpoint);
  options.source_id = "test";
  options.max_batch_events = 10;
  options.resend_timeout = 200ms;
  options.heartbeat_interval = 100ms;
  return options;
}

inline std::vector<std::uint64_t> one_to(std::uint64_t n) {
  std::vector<std::uint64_t> seqs(n);
  for (std::uint64_t i = 0; i < n; ++i) seqs[i] = i + 1;
  return seqs;
}

}  // namespace floorwatch::collectors::test
