#include "delivery.h"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <random>
#include <zmq.hpp>

#include "wire_codec.h"

namespace floorwatch::collectors {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kMaxPollTimeout{100};
constexpr int kDuplicateAcksBeforeResend = 3;

void set_curve_key(zmq::socket_t& socket, int option, const std::string& key, const char* what) {
  if (key.size() != 40)
    throw std::invalid_argument(std::string("CURVE ") + what + " must be 40 Z85 characters");
  if (zmq_setsockopt(socket.handle(), option, key.data(), key.size()) != 0) throw zmq::error_t();
}

}  // namespace

std::uint64_t random_session() {
  std::random_device device;
  std::uint64_t session = 0;
  while (session == 0)
    session = (static_cast<std::uint64_t>(device()) << 32) ^ static_cast<std::uint64_t>(device());
  return session;
}

void apply_client_security(zmq::socket_t& socket, const SocketSecurity& security) {
  switch (security.mechanism) {
    case SocketSecurity::Mechanism::None:
      return;
    case SocketSecurity::Mechanism::Curve:
      set_curve_key(socket, ZMQ_CURVE_SERVERKEY, security.curve_server_public_key,
                    "server public key");
      set_curve_key(socket, ZMQ_CURVE_PUBLICKEY, security.curve_public_key, "public key");
      set_curve_key(socket, ZMQ_CURVE_SECRETKEY, security.curve_secret_key, "secret key");
      return;
  }
}

DeliveryChannel::DeliveryChannel(zmq::context_t& context, DeliveryOptions options)
    : options_(std::move(options)),
      session_(options_.session != 0 ? options_.session : random_session()) {
  socket_ = std::make_unique<zmq::socket_t>(context, zmq::socket_type::dealer);
  // Unacknowledged events live in our buffer, not in ZeroMQ's: closing must not wait for them.
  socket_->set(zmq::sockopt::linger, 0);
  // Bounded in-flight data; beyond it sends report EAGAIN and the events wait in unacked_.
  socket_->set(zmq::sockopt::sndhwm, options_.send_high_water_mark);
  // Queue nothing on a connection that is not up: a dead daemon's pipe would only hold stale
  // copies that the go-back-N resend sends again anyway.
  socket_->set(zmq::sockopt::immediate, 1);
  socket_->set(zmq::sockopt::reconnect_ivl, 100);
  socket_->set(zmq::sockopt::reconnect_ivl_max, 1000);
  apply_client_security(*socket_, options_.security);
  socket_->connect(options_.endpoint);

  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  const auto now = SteadyClock::now();
  last_progress_at_ = now;
  last_send_at_ = now - options_.heartbeat_interval;  // say hello at once
  io_thread_ = std::thread([this] { run_io(); });
  spdlog::info("delivery to {}: source {} session {}", options_.endpoint, options_.source_id,
               session_);
}

DeliveryChannel::~DeliveryChannel() {
  std::size_t lost = 0;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    lost = unacked_.size();
  }
  acked_or_space_.notify_all();
  wake_io();
  if (io_thread_.joinable()) io_thread_.join();
  socket_.reset();
  if (wake_fd_ >= 0) close(wake_fd_);
  if (lost > 0)
    spdlog::warn("delivery to {}: closing with {} unacknowledged events", options_.endpoint, lost);
}

void DeliveryChannel::wake_io() {
  const std::uint64_t one = 1;
  // A full eventfd counter (never in practice) still leaves it readable, which is all we need.
  [[maybe_unused]] const auto written = write(wake_fd_, &one, sizeof one);
}

void DeliveryChannel::publish(const core::Event& event) {
  publish_encoded(wire::encode_event_body(event));
}

void DeliveryChannel::publish_encoded(std::string body) {
  std::unique_lock lock(mutex_);
  if (unacked_.size() >= options_.max_unacked_events) {
    ++counters_.producer_blocked;
    if (!blocked_logged_) {
      spdlog::warn(
          "delivery to {}: {} events unacknowledged (buffer full, policy: block); reading "
          "pauses until the daemon acknowledges",
          options_.endpoint, unacked_.size());
      blocked_logged_ = true;
    }
    acked_or_space_.wait(lock,
                         [&] { return unacked_.size() < options_.max_unacked_events || stop_; });
    if (stop_) return;
  }
  const bool buffer_was_empty = unacked_.empty();
  unacked_.push_back(PendingEvent{next_seq_++, std::move(body)});
  ++counters_.events_published;
  const std::uint64_t unsent = next_seq_ - 1 - sent_seq_;
  if (unsent == 1 || buffer_was_empty) {
    const auto now = SteadyClock::now();
    if (unsent == 1) oldest_unsent_at_ = now;
    // The resend timer measures silence while something is outstanding, not idle time.
    if (buffer_was_empty) last_progress_at_ = now;
  }
  const bool wake = unsent == 1 || unsent == options_.max_batch_events;
  lock.unlock();
  if (wake) wake_io();
}

bool DeliveryChannel::flush_and_wait(milliseconds timeout) {
  {
    std::lock_guard lock(mutex_);
    flush_requested_ = true;
  }
  wake_io();
  std::unique_lock lock(mutex_);
  const auto all_acked = [&] { return unacked_.empty() || stop_; };
  bool done;
  if (timeout.count() <= 0) {
    acked_or_space_.wait(lock, all_acked);
    done = unacked_.empty();
  } else {
    done = acked_or_space_.wait_for(lock, timeout, all_acked) && unacked_.empty();
  }
  flush_requested_ = false;
  return done;
}

DeliveryCounters DeliveryChannel::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

std::size_t DeliveryChannel::unacked_events() const {
  std::lock_guard lock(mutex_);
  return unacked_.size();
}

void DeliveryChannel::run_io() {
  zmq::socket_t& socket = *socket_;
  std::vector<zmq::pollitem_t> items{{socket.handle(), 0, ZMQ_POLLIN, 0},
                                     {nullptr, wake_fd_, ZMQ_POLLIN, 0}};
  bool send_blocked = false;
  zmq::message_t message;
  try {
    while (true) {
      auto now = SteadyClock::now();
      milliseconds timeout = kMaxPollTimeout;
      {
        std::lock_guard lock(mutex_);
        if (stop_) break;
        const auto until = [&](SteadyClock::time_point deadline) {
          return std::chrono::ceil<milliseconds>(deadline - now);
        };
        // While the socket refuses to send (no daemon, or the high-water mark) overdue sends
        // must not turn into a busy loop: wait for POLLOUT, retrying at least every 100 ms.
        if (!send_blocked)
          timeout = std::min(timeout, until(last_send_at_ + options_.heartbeat_interval));
        if (sent_seq_ > acked_seq_)
          timeout = std::min(timeout, until(last_progress_at_ + options_.resend_timeout));
        const std::uint64_t unsent = next_seq_ - 1 - sent_seq_;
        if (unsent > 0 && !send_blocked) {
          if (unsent >= options_.max_batch_events || flush_requested_)
            timeout = milliseconds{0};
          else
            timeout = std::min(timeout, until(oldest_unsent_at_ + options_.flush_interval));
        }
        timeout = std::max(timeout, milliseconds{0});
      }
      items[0].events = ZMQ_POLLIN | (send_blocked ? ZMQ_POLLOUT : 0);
      items[0].revents = items[1].revents = 0;
      zmq::poll(items.data(), items.size(), timeout);
      if (items[1].revents & ZMQ_POLLIN) {
        std::uint64_t count;
        [[maybe_unused]] const auto read_bytes = read(wake_fd_, &count, sizeof count);
      }
      now = SteadyClock::now();
      while (socket.recv(message, zmq::recv_flags::dontwait))
        handle_ack(message.to_string_view(), now);
      send_blocked = !send_batches(socket, now);
    }
  } catch (const std::exception& error) {
    // A broken socket is a bug or a dead context; report it rather than spin.
    spdlog::error("delivery to {}: I/O thread stopped: {}", options_.endpoint, error.what());
    std::lock_guard lock(mutex_);
    stop_ = true;
    acked_or_space_.notify_all();
  }
}

void DeliveryChannel::handle_ack(std::string_view bytes, SteadyTime now) {
  auto decoded = wire::decode_ack(bytes);
  if (!decoded) {
    spdlog::warn("delivery to {}: ignoring a reply: {}", options_.endpoint,
                 decoded.error().message);
    return;
  }
  const wire::Ack& ack = decoded.value();
  std::lock_guard lock(mutex_);
  if (ack.session != session_ || ack.source != options_.source_id) return;  // not our stream
  ++counters_.acks_received;
  if (ack.applied_seq < acked_seq_) {
    // Acks on one connection never go back, so the daemon lost this stream (restarted without
    // its state). Its gap would never fill: renumber what is still unacked in a new session.
    spdlog::warn(
        "delivery to {}: daemon {} went back from seq {} to {}; restarting the stream in a new "
        "session with the {} unacknowledged events",
        options_.endpoint, ack.daemon, acked_seq_, ack.applied_seq, unacked_.size());
    restart_session(now);
    return;
  }
  if (ack.applied_seq == acked_seq_) {
    // Fast retransmit (as TCP does): acks that keep answering later batches without moving
    // mean the daemon holds back a gap; go back once now instead of waiting for the timeout.
    if (sent_seq_ > acked_seq_ && ++duplicate_acks_ >= kDuplicateAcksBeforeResend &&
        !fast_resend_done_) {
      go_back_n(now);
      fast_resend_done_ = true;
    }
    return;
  }
  duplicate_acks_ = 0;
  fast_resend_done_ = false;
  const std::uint64_t applied = std::min(ack.applied_seq, next_seq_ - 1);
  while (!unacked_.empty() && unacked_.front().seq <= applied) unacked_.pop_front();
  counters_.events_acked += applied - acked_seq_;
  acked_seq_ = applied;
  sent_seq_ = std::max(sent_seq_, acked_seq_);
  last_progress_at_ = now;
  if (blocked_logged_ && unacked_.size() < options_.max_unacked_events / 2) {
    spdlog::info("delivery to {}: buffer drained to {} events, reading resumes", options_.endpoint,
                 unacked_.size());
    blocked_logged_ = false;
  }
  acked_or_space_.notify_all();
}

void DeliveryChannel::go_back_n(SteadyTime now) {
  // The daemon holds back everything after a gap, so resend from the oldest unacked event.
  sent_seq_ = acked_seq_;
  ++counters_.resend_rounds;
  last_progress_at_ = now;
}

void DeliveryChannel::restart_session(SteadyTime now) {
  session_ = random_session();
  std::uint64_t seq = 0;
  for (auto& pending : unacked_) pending.seq = ++seq;
  next_seq_ = seq + 1;
  acked_seq_ = sent_seq_ = highest_sent_seq_ = 0;
  duplicate_acks_ = 0;
  fast_resend_done_ = false;
  oldest_unsent_at_ = now;
  last_progress_at_ = now;
  ++counters_.session_restarts;
}

std::uint64_t DeliveryChannel::session() const {
  std::lock_guard lock(mutex_);
  return session_;
}

bool DeliveryChannel::send_batches(zmq::socket_t& socket, SteadyTime now) {
  while (true) {
    std::uint64_t first = 0, last = 0;
    std::optional<wire::BatchEncoder> encoder;
    {
      std::lock_guard lock(mutex_);
      encoder.emplace(options_.source_id, session_);
      if (sent_seq_ > acked_seq_ && now - last_progress_at_ >= options_.resend_timeout) {
        spdlog::info("delivery to {}: no ack progress for {} ms, resending from seq {} ({} events)",
                     options_.endpoint, options_.resend_timeout.count(), acked_seq_ + 1,
                     sent_seq_ - acked_seq_);
        go_back_n(now);
      }
      const std::uint64_t unsent = next_seq_ - 1 - sent_seq_;
      if (unsent == 0) {
        if (now - last_send_at_ < options_.heartbeat_interval) return true;
      } else {
        const bool due = unsent >= options_.max_batch_events || flush_requested_ ||
                         now - oldest_unsent_at_ >= options_.flush_interval ||
                         sent_seq_ < highest_sent_seq_;  // resends go at once
        if (!due) return true;
        first = sent_seq_ + 1;
        last = sent_seq_ + std::min<std::uint64_t>(unsent, options_.max_batch_events);
        std::size_t index = static_cast<std::size_t>(first - acked_seq_ - 1);
        for (std::uint64_t seq = first; seq <= last; ++seq, ++index)
          encoder->add(seq, unacked_[index].body);
      }
    }
    const std::string bytes = encoder->take();
    if (!socket.send(zmq::buffer(bytes), zmq::send_flags::dontwait)) return false;  // EAGAIN
    std::lock_guard lock(mutex_);
    ++counters_.batches_sent;
    last_send_at_ = now;
    if (last == 0) {
      ++counters_.heartbeats_sent;
      return true;
    }
    const std::uint64_t resent =
        highest_sent_seq_ >= first ? std::min(highest_sent_seq_, last) - first + 1 : 0;
    counters_.events_resent += resent;
    counters_.events_sent += (last - first + 1) - resent;
    highest_sent_seq_ = std::max(highest_sent_seq_, last);
    sent_seq_ = last;
  }
}

DeliveryFanout::DeliveryFanout(zmq::context_t& context, const std::vector<std::string>& endpoints,
                               const DeliveryOptions& common_options) {
  // One session for all channels: the same stream, acknowledged by each daemon for itself.
  const std::uint64_t session =
      common_options.session != 0 ? common_options.session : random_session();
  for (const auto& endpoint : endpoints) {
    DeliveryOptions options = common_options;
    options.endpoint = endpoint;
    options.session = session;
    channels_.push_back(std::make_unique<DeliveryChannel>(context, std::move(options)));
  }
}

void DeliveryFanout::publish(const core::Event& event) {
  std::string body = wire::encode_event_body(event);
  for (std::size_t i = 0; i + 1 < channels_.size(); ++i) channels_[i]->publish_encoded(body);
  if (!channels_.empty()) channels_.back()->publish_encoded(std::move(body));
}

std::optional<std::uint64_t> DeliveryFanout::delivered_events() const {
  std::optional<std::uint64_t> delivered;
  for (const auto& channel : channels_) {
    const std::uint64_t acked = channel->counters().events_acked;
    delivered = delivered ? std::min(*delivered, acked) : acked;
  }
  return delivered.value_or(0);
}

bool DeliveryFanout::flush_and_wait(milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  bool all = true;
  for (auto& channel : channels_) {
    milliseconds remaining{0};
    if (timeout.count() > 0) {
      remaining = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
      if (remaining.count() <= 0) remaining = milliseconds{1};
    }
    all = channel->flush_and_wait(remaining) && all;
  }
  return all;
}

void DeliveryFanout::log_counters() const {
  for (const auto& channel : channels_) {
    const DeliveryCounters c = channel->counters();
    spdlog::info(
        "delivery to {}: session {} published={} sent={} resent={} acked={} unacked={} "
        "batches={} heartbeats={} acks={} resend_rounds={} producer_blocked={} "
        "session_restarts={}",
        channel->endpoint(), channel->session(), c.events_published, c.events_sent, c.events_resent,
        c.events_acked, channel->unacked_events(), c.batches_sent, c.heartbeats_sent,
        c.acks_received, c.resend_rounds, c.producer_blocked, c.session_restarts);
  }
}

}  // namespace floorwatch::collectors
