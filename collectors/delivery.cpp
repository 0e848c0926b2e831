#include "delivery.h"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <random>
#include <stdexcept>

#include <zmq.hpp>

#include "floorwatch/core/byte_codec.h"
#include "wire_codec.h"

namespace floorwatch::collectors {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kMaxPollTimeout{100};
constexpr int kDuplicateAcksBeforeResend = 3;
constexpr std::chrono::seconds kWatermarkInterval{1};
// Bodies kept for reuse: a few batches' worth covers the producer until the next ack.
constexpr std::size_t kMaxSpareBodies = 4096;

// <root>/<source id>-<endpoint hash>: one directory per channel, readable by an operator.
std::filesystem::path channel_spool_directory(const DeliveryOptions& options) {
  std::string name;
  for (const char c : options.source_id)
    name +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '@' ? c : '_';
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(core::fnv1a64(options.endpoint)));
  return std::filesystem::path(options.spool_directory) / (name + "-" + hash);
}

// What an operator must do about a refused handshake, from the monitor event.
std::string refusal_reason(const security::MonitorEvent& event, bool curve) {
  if (event.event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    return "the daemon refused this collector's CURVE key (ZAP status " +
           std::to_string(event.value) +
           "): list its public key (NAME.key) in the daemon's authorized_keys and restart the "
           "daemon";
  if (!curve)
    return "security mismatch: the daemon requires CURVE; give --curve-server-key and "
           "--curve-key";
  if (event.value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
    return "security mismatch: this collector uses CURVE but the daemon is plaintext";
  if (event.value == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    return "the CURVE handshake failed: is --curve-server-key the daemon's public key?";
  char code[16];
  std::snprintf(code, sizeof code, "0x%08x", event.value);
  return std::string("the handshake failed (ZMTP protocol error ") + code + ")";
}

}  // namespace

std::uint64_t random_session() {
  std::random_device device;
  std::uint64_t session = 0;
  while (session == 0)
    session = (static_cast<std::uint64_t>(device()) << 32) ^ static_cast<std::uint64_t>(device());
  return session;
}

DeliveryChannel::DeliveryChannel(zmq::context_t& context, DeliveryOptions options)
    : options_(std::move(options)),
      context_(context),
      session_(options_.session != 0 ? options_.session : random_session()) {
  if (!options_.spool_directory.empty()) {
    SpoolOptions spool_options;
    spool_options.directory = channel_spool_directory(options_);
    spool_options.max_bytes = options_.spool_max_bytes;
    spool_ = std::make_unique<Spool>(std::move(spool_options), session_);
    session_ = spool_->session();
    next_seq_ = spool_->last_seq() + 1;
    acked_seq_ = sent_seq_ = highest_sent_seq_ = spool_->acked_seq();
    if (spool_->resumed()) {
      awaiting_first_ack_ = true;
      resumed_last_seq_ = spool_->last_seq();
      counters_.events_resumed = spool_->resumed_records();
      spdlog::info(
          "delivery to {}: resuming session {} from spool {}: {} unacknowledged events (seq "
          "{}..{}) "
          "go first",
          options_.endpoint, session_, spool_->directory().string(), spool_->resumed_records(),
          acked_seq_ + 1, resumed_last_seq_);
    }
  }
  open_socket();

  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  const auto now = SteadyClock::now();
  last_progress_at_ = last_spool_sync_at_ = last_watermark_at_ = now;
  last_send_at_ = now - options_.heartbeat_interval;  // say hello at once
  io_thread_ = std::thread([this] { run_io(); });
  spdlog::info("delivery to {}: source {} session {}{}", options_.endpoint, options_.source_id,
               session_, spool_ ? " spool " + spool_->directory().string() : std::string());
}

DeliveryChannel::~DeliveryChannel() {
  std::size_t lost = 0;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    lost = unacked_count();
  }
  acked_or_space_.notify_all();
  wake_io();
  if (io_thread_.joinable()) io_thread_.join();
  close_socket();
  if (wake_fd_ >= 0) close(wake_fd_);
  if (spool_) {
    const std::string directory = spool_->directory().string();
    spool_.reset();  // hands everything to the disk (fdatasync) and saves the watermark
    if (lost > 0)
      spdlog::info("delivery to {}: {} unacknowledged events stay in spool {} for the next start",
                   options_.endpoint, lost, directory);
  } else if (lost > 0) {
    spdlog::warn("delivery to {}: closing with {} unacknowledged events", options_.endpoint, lost);
  }
}

void DeliveryChannel::open_socket() {
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::dealer);
  // Unacknowledged events live in our buffer, not in ZeroMQ's: closing must not wait for them.
  socket_->set(zmq::sockopt::linger, 0);
  // Bounded in-flight data; beyond it sends report EAGAIN and the events wait in unacked_.
  socket_->set(zmq::sockopt::sndhwm, options_.send_high_water_mark);
  // Queue nothing on a connection that is not up: a dead daemon's pipe would only hold stale
  // copies that the go-back-N resend sends again anyway.
  socket_->set(zmq::sockopt::immediate, 1);
  socket_->set(zmq::sockopt::reconnect_ivl, 100);
  socket_->set(zmq::sockopt::reconnect_ivl_max, 1000);
  security::apply_client_security(*socket_, options_.security);
  // libzmq 4.3 gives up on a connection whose handshake the daemon refused (ZAP denial,
  // mechanism mismatch) without a word; the monitor is how the channel learns of it.
  static std::atomic<std::uint64_t> monitors{0};
  const std::string monitor_endpoint =
      "inproc://floorwatch.delivery.monitor." + std::to_string(monitors.fetch_add(1));
  if (zmq_socket_monitor(socket_->handle(), monitor_endpoint.c_str(),
                         ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0)
    throw zmq::error_t();
  monitor_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::pair);
  monitor_->set(zmq::sockopt::linger, 0);
  monitor_->connect(monitor_endpoint);
  socket_->connect(options_.endpoint);
}

void DeliveryChannel::close_socket() {
  if (socket_) zmq_socket_monitor(socket_->handle(), nullptr, 0);
  monitor_.reset();
  socket_.reset();
}

bool DeliveryChannel::handshake_refused(SteadyTime now) {
  bool refused = false;
  while (const auto event = security::read_monitor_event(*monitor_)) {
    if (event->event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
      if (refusals_in_streak_ > 0)
        spdlog::info(
            "delivery to {}: the daemon accepted the connection after {} refusals; "
            "sending the {} unacknowledged events",
            options_.endpoint, refusals_in_streak_, unacked_events());
      refusals_in_streak_ = 0;
      refused_backoff_ = milliseconds{0};
    } else if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
      // The connection dropped mid-handshake: libzmq reconnects on its own.
      spdlog::debug("delivery to {}: handshake interrupted; reconnecting", options_.endpoint);
    } else if (!refused) {
      // AUTH and PROTOCOL failures end the connection for good (libzmq 4.3: protocol_error).
      refused = true;
      refused_backoff_ = refused_backoff_.count() == 0
                             ? options_.refused_retry_min
                             : std::min(refused_backoff_ * 2, options_.refused_retry_max);
      reopen_at_ = now + refused_backoff_;
      if (refusals_in_streak_++ == 0)
        spdlog::error(
            "delivery to {}: connection refused: {}; retrying with a new connection in {:g} s, "
            "backing off to every {:g} s (logged once until accepted); {} unacknowledged events "
            "are kept",
            options_.endpoint, refusal_reason(*event, options_.security.curve()),
            refused_backoff_.count() / 1000.0, options_.refused_retry_max.count() / 1000.0,
            unacked_events());
      else
        spdlog::debug("delivery to {}: refused again ({} in a row); next try in {} ms",
                      options_.endpoint, refusals_in_streak_, refused_backoff_.count());
    }
  }
  return refused;
}

void DeliveryChannel::wake_io() {
  const std::uint64_t one = 1;
  // A full eventfd counter (never in practice) still leaves it readable, which is all we need.
  [[maybe_unused]] const auto written = write(wake_fd_, &one, sizeof one);
}

void DeliveryChannel::publish(const core::Event& event) {
  publish_encoded(wire::encode_event_body(event));
}

std::string DeliveryChannel::publish_encoded(std::string body) {
  std::unique_lock lock(mutex_);
  throw_if_failed();
  const auto has_space = [&] {
    return spool_ ? spool_->has_room_for(body.size())
                  : unacked_count() < options_.max_unacked_events;
  };
  if (!has_space()) {
    ++counters_.producer_blocked;
    if (!blocked_logged_) {
      if (spool_)
        spdlog::warn(
            "delivery to {}: spool {} full ({} bytes, {} events unacknowledged; policy: block); "
            "reading pauses until the daemon acknowledges",
            options_.endpoint, spool_->directory().string(), spool_->bytes_on_disk(),
            unacked_count());
      else
        spdlog::warn(
            "delivery to {}: {} events unacknowledged (buffer full, policy: block); reading "
            "pauses until the daemon acknowledges",
            options_.endpoint, unacked_count());
      blocked_logged_ = true;
    }
    acked_or_space_.wait(lock, [&] { return has_space() || stop_; });
    throw_if_failed();
    if (stop_) return {};
  }
  const bool nothing_unacked = unacked_count() == 0;
  const std::uint64_t seq = next_seq_++;
  bool spool_buffer_started = false;
  if (spool_) {
    counters_.spooled_bytes += Spool::record_bytes(body.size());
    spool_buffer_started = spool_->append(seq, body);
    // Memory keeps the oldest unacked events; once it is full, newer ones wait on disk only.
    if (window_end() == seq - 1 && unacked_.size() < options_.max_unacked_events)
      unacked_.push_back(PendingEvent{seq, std::move(body)});
  } else {
    unacked_.push_back(PendingEvent{seq, std::move(body)});
  }
  ++counters_.events_published;
  const std::uint64_t unsent = next_seq_ - 1 - sent_seq_;
  if (unsent == 1 || nothing_unacked || spool_buffer_started) {
    const auto now = SteadyClock::now();
    if (unsent == 1) oldest_unsent_at_ = now;
    // The resend timer measures silence while something is outstanding, not idle time.
    if (nothing_unacked) last_progress_at_ = now;
    if (spool_buffer_started) spool_buffered_since_ = now;
  }
  // The I/O thread also hands the spool's buffer to the OS within flush_interval.
  const bool wake = unsent == 1 || unsent == options_.max_batch_events || spool_buffer_started;
  std::string spare;
  if (!spare_bodies_.empty()) {
    spare = std::move(spare_bodies_.back());
    spare_bodies_.pop_back();
  }
  lock.unlock();
  if (wake) wake_io();
  return spare;
}

bool DeliveryChannel::flush_and_wait(milliseconds timeout) {
  {
    std::lock_guard lock(mutex_);
    flush_requested_ = true;
  }
  wake_io();
  std::unique_lock lock(mutex_);
  const auto all_acked = [&] { return unacked_count() == 0 || stop_; };
  bool done;
  if (timeout.count() <= 0) {
    acked_or_space_.wait(lock, all_acked);
    done = unacked_count() == 0;
  } else {
    done = acked_or_space_.wait_for(lock, timeout, all_acked) && unacked_count() == 0;
  }
  flush_requested_ = false;
  throw_if_failed();
  return done;
}

void DeliveryChannel::sync_spool() {
  std::shared_ptr<Spool::File> file;
  {
    std::lock_guard lock(mutex_);
    if (!spool_) return;
    file = spool_->begin_sync();
  }
  if (file) Spool::sync(*file);
}

DeliveryCounters DeliveryChannel::counters() const {
  std::lock_guard lock(mutex_);
  DeliveryCounters counters = counters_;
  if (spool_) {
    counters.spool_records = spool_->unacked_records();
    counters.spool_bytes = spool_->bytes_on_disk();
  }
  return counters;
}

std::size_t DeliveryChannel::unacked_events() const {
  std::lock_guard lock(mutex_);
  return unacked_count();
}

std::string DeliveryChannel::spool_path() const {
  std::lock_guard lock(mutex_);
  return spool_ ? spool_->directory().string() : std::string();
}

std::uint64_t DeliveryChannel::sendable_events() const {
  if (awaiting_first_ack_) return 0;
  std::uint64_t sendable = window_end() - sent_seq_;
  if (spool_ && unacked_.size() < options_.max_unacked_events) {
    const std::uint64_t on_disk_only = next_seq_ - 1 - window_end();
    sendable +=
        std::min<std::uint64_t>(on_disk_only, options_.max_unacked_events - unacked_.size());
  }
  return sendable;
}

void DeliveryChannel::fill_window(std::uint64_t through_seq) {
  if (window_end() >= through_seq) return;
  // The producer may have appended to memory since the last read: read on from the window.
  if (spool_->reader_seq() != window_end() + 1) spool_->rewind_reader(window_end() + 1);
  SpoolRecord record;
  while (window_end() < through_seq && unacked_.size() < options_.max_unacked_events) {
    if (!spool_->read_next(record)) break;
    unacked_.push_back(PendingEvent{record.seq, std::move(record.body)});
    ++counters_.events_read_back;
  }
}

void DeliveryChannel::run_io() {
  bool send_blocked = false;
  zmq::message_t message;
  try {
    while (true) {
      auto now = SteadyClock::now();
      if (!socket_ && now >= reopen_at_) {
        // After a refusal: a new socket, and everything unacknowledged goes again, in order.
        open_socket();
        send_blocked = false;
        std::lock_guard lock(mutex_);
        ++counters_.sockets_recreated;
        last_send_at_ = now - options_.heartbeat_interval;  // the heartbeat asks where we stand
      }
      milliseconds timeout = kMaxPollTimeout;
      {
        std::lock_guard lock(mutex_);
        if (stop_) break;
        const auto until = [&](SteadyClock::time_point deadline) {
          return std::chrono::ceil<milliseconds>(deadline - now);
        };
        if (!socket_) {
          timeout = std::min(timeout, until(reopen_at_));
        } else {
          // While the socket refuses to send (no daemon, or the high-water mark) overdue sends
          // must not turn into a busy loop: wait for POLLOUT, retrying at least every 100 ms.
          if (!send_blocked)
            timeout = std::min(timeout, until(last_send_at_ + options_.heartbeat_interval));
          if (sent_seq_ > acked_seq_)
            timeout = std::min(timeout, until(last_progress_at_ + options_.resend_timeout));
          const std::uint64_t unsent = sendable_events();
          if (unsent > 0 && !send_blocked) {
            if (unsent >= options_.max_batch_events || flush_requested_)
              timeout = milliseconds{0};
            else
              timeout = std::min(timeout, until(oldest_unsent_at_ + options_.flush_interval));
          }
        }
        if (spool_ && spool_->has_buffered())
          timeout = std::min(timeout, until(spool_buffered_since_ + options_.flush_interval));
        timeout = std::max(timeout, milliseconds{0});
      }
      std::array<zmq::pollitem_t, 3> items{};
      items[0] = {nullptr, wake_fd_, ZMQ_POLLIN, 0};
      if (socket_) {
        items[1] = {socket_->handle(), 0,
                    static_cast<short>(ZMQ_POLLIN | (send_blocked ? ZMQ_POLLOUT : 0)), 0};
        items[2] = {monitor_->handle(), 0, ZMQ_POLLIN, 0};
      }
      zmq::poll(items.data(), socket_ ? 3 : 1, timeout);
      if (items[0].revents & ZMQ_POLLIN) {
        std::uint64_t count;
        [[maybe_unused]] const auto read_bytes = read(wake_fd_, &count, sizeof count);
      }
      now = SteadyClock::now();
      if (socket_ && handshake_refused(now)) {
        close_socket();
        std::lock_guard lock(mutex_);
        ++counters_.handshakes_refused;
        // Nothing in flight reached the daemon: resend from the oldest unacked on the new socket.
        sent_seq_ = acked_seq_;
        last_progress_at_ = now;
      }
      if (socket_) {
        while (socket_->recv(message, zmq::recv_flags::dontwait))
          handle_ack(message.to_string_view(), now);
        send_blocked = !send_batches(*socket_, now);
      }
      maintain_spool(now);
    }
  } catch (const std::exception& error) {
    // A broken socket is a bug or a dead context; report it rather than spin.
    spdlog::error("delivery to {}: I/O thread stopped: {}", options_.endpoint, error.what());
    std::lock_guard lock(mutex_);
    stop_ = true;
    failure_ = error.what();
    acked_or_space_.notify_all();
  }
}

void DeliveryChannel::throw_if_failed() const {
  if (failure_.empty()) return;
  // Unacknowledged events stay in the spool (if any): a restart checks it and cuts at damage.
  throw DeliveryStopped("delivery to " + options_.endpoint + " stopped: " + failure_ +
                        (spool_ ? "; restart the collector (on start the spool is checked and "
                                  "cut at the damage)"
                                : "; restart the collector"));
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
  if (awaiting_first_ack_) {
    awaiting_first_ack_ = false;
    if (ack.applied_seq > resumed_last_seq_) {
      // The daemon has seqs that our spool lost (a power failure before the group sync): they
      // did arrive, but a new event under one of their numbers would be taken for a resend.
      spdlog::warn(
          "delivery to {}: daemon {} has applied seq {} but the spool ends at seq {} (its newest "
          "records were lost before a sync, after they were delivered); new events go in a new "
          "session",
          options_.endpoint, ack.daemon, ack.applied_seq, resumed_last_seq_);
      advance_acked(resumed_last_seq_, now);
      restart_session(now);
      return;
    }
  }
  if (ack.applied_seq < acked_seq_) {
    // Acks on one connection never go back, so the daemon lost this stream (restarted without
    // its state). Its gap would never fill: renumber what is still unacked in a new session.
    spdlog::warn(
        "delivery to {}: daemon {} went back from seq {} to {}; restarting the stream in a new "
        "session with the {} unacknowledged events",
        options_.endpoint, ack.daemon, acked_seq_, ack.applied_seq, unacked_count());
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
  advance_acked(ack.applied_seq, now);
}

void DeliveryChannel::advance_acked(std::uint64_t applied, SteadyTime now) {
  applied = std::min(applied, next_seq_ - 1);
  if (applied <= acked_seq_) return;
  while (!unacked_.empty() && unacked_.front().seq <= applied) {
    if (spare_bodies_.size() < kMaxSpareBodies)
      spare_bodies_.push_back(std::move(unacked_.front().body));
    unacked_.pop_front();
  }
  counters_.events_acked += applied - acked_seq_;
  acked_seq_ = applied;
  sent_seq_ = std::max(sent_seq_, acked_seq_);
  highest_sent_seq_ = std::max(highest_sent_seq_, acked_seq_);
  last_progress_at_ = now;
  if (spool_) spool_->acknowledge(acked_seq_);
  if (blocked_logged_ &&
      (spool_ ? spool_->has_room_for(0) && spool_->bytes_on_disk() < options_.spool_max_bytes / 2
              : unacked_count() < options_.max_unacked_events / 2)) {
    spdlog::info("delivery to {}: {} drained to {} events, reading resumes", options_.endpoint,
                 spool_ ? "spool" : "buffer", unacked_count());
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
  // Renumber from 1: what was acked_seq_ + k becomes k, in memory and on disk alike.
  const std::uint64_t shift = acked_seq_;
  for (auto& pending : unacked_) pending.seq -= shift;
  next_seq_ -= shift;
  if (spool_) {
    spool_->restart_session(session_);
    spool_->rewind_reader(unacked_.size() + 1);
  }
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
      encoder.emplace(options_.source_id, session_,
                      options_.gaps ? options_.gaps->totals() : wire::SourceHealth{});
      if (sent_seq_ > acked_seq_ && now - last_progress_at_ >= options_.resend_timeout) {
        spdlog::info("delivery to {}: no ack progress for {} ms, resending from seq {} ({} events)",
                     options_.endpoint, options_.resend_timeout.count(), acked_seq_ + 1,
                     sent_seq_ - acked_seq_);
        go_back_n(now);
      }
      const std::uint64_t unsent = sendable_events();
      if (unsent == 0) {
        if (now - last_send_at_ < options_.heartbeat_interval) return true;
      } else {
        const bool due = unsent >= options_.max_batch_events || flush_requested_ ||
                         now - oldest_unsent_at_ >= options_.flush_interval ||
                         sent_seq_ < highest_sent_seq_;  // resends go at once
        if (!due) return true;
        first = sent_seq_ + 1;
        last = sent_seq_ + std::min<std::uint64_t>(unsent, options_.max_batch_events);
        if (spool_) {
          fill_window(last);
          last = std::min(last, window_end());
          if (last < first) return true;
          spool_->flush_through(last);  // nothing is sent before the OS has it
        }
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

void DeliveryChannel::maintain_spool(SteadyTime now) {
  std::shared_ptr<Spool::File> to_sync;
  {
    std::lock_guard lock(mutex_);
    if (!spool_) return;
    if (spool_->has_buffered() && now - spool_buffered_since_ >= options_.flush_interval)
      spool_->flush();  // from here on a crash of this process loses none of it
    if (now - last_spool_sync_at_ >= options_.spool_sync_interval) {
      to_sync = spool_->begin_sync();
      last_spool_sync_at_ = now;
    }
    if (spool_->watermark_dirty() && now - last_watermark_at_ >= kWatermarkInterval) {
      spool_->save_watermark();
      last_watermark_at_ = now;
    }
  }
  // fdatasync without the lock: the producer keeps appending meanwhile.
  if (to_sync) Spool::sync(*to_sync);
}

DeliveryFanout::DeliveryFanout(zmq::context_t& context, const std::vector<std::string>& endpoints,
                               const DeliveryOptions& common_options,
                               const std::vector<security::ClientSecurity>& securities) {
  if (!securities.empty() && securities.size() != endpoints.size())
    throw std::invalid_argument("one CURVE server key for every daemon, or one per endpoint");
  // One session for all channels: the same stream, acknowledged by each daemon for itself.
  const std::uint64_t session =
      common_options.session != 0 ? common_options.session : random_session();
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const std::string& endpoint = endpoints[i];
    DeliveryOptions options = common_options;
    if (!securities.empty()) options.security = securities[i];
    options.endpoint = endpoint;
    options.session = session;
    options.gaps = &gaps_;
    channels_.push_back(std::make_unique<DeliveryChannel>(context, std::move(options)));
  }
}

void DeliveryFanout::publish(const core::Event& event) {
  wire::encode_event_body(event, body_);
  for (std::size_t i = 0; i + 1 < channels_.size(); ++i) channels_[i]->publish_encoded(body_);
  if (!channels_.empty()) body_ = channels_.back()->publish_encoded(std::move(body_));
}

std::optional<std::uint64_t> DeliveryFanout::delivered_events() const {
  std::optional<std::uint64_t> delivered;
  for (const auto& channel : channels_) {
    const DeliveryCounters counters = channel->counters();
    const std::uint64_t acked = counters.events_acked > counters.events_resumed
                                    ? counters.events_acked - counters.events_resumed
                                    : 0;
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

void DeliveryFanout::sync_spools() {
  for (auto& channel : channels_) channel->sync_spool();
}

void DeliveryFanout::log_counters() const {
  for (const auto& channel : channels_) {
    const DeliveryCounters c = channel->counters();
    spdlog::info(
        "delivery to {}: session {} published={} sent={} resent={} acked={} unacked={} "
        "batches={} heartbeats={} acks={} resend_rounds={} producer_blocked={} "
        "session_restarts={} handshakes_refused={}",
        channel->endpoint(), channel->session(), c.events_published, c.events_sent, c.events_resent,
        c.events_acked, channel->unacked_events(), c.batches_sent, c.heartbeats_sent,
        c.acks_received, c.resend_rounds, c.producer_blocked, c.session_restarts,
        c.handshakes_refused);
    const std::string spool = channel->spool_path();
    if (!spool.empty())
      spdlog::info(
          "spool {}: spooled_bytes={} resumed={} read_back={} records_on_disk={} "
          "bytes_on_disk={} producer_blocked={}",
          spool, c.spooled_bytes, c.events_resumed, c.events_read_back, c.spool_records,
          c.spool_bytes, c.producer_blocked);
  }
}

}  // namespace floorwatch::collectors
