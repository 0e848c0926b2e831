#include "floorwatch/asterisk/ami_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace floorwatch::asterisk {
namespace {

using core::Duration;
using core::Timestamp;

int poll_timeout_ms(Duration wait) {
  return static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, 60'000));
}

std::string seconds_text(Duration duration) {
  return fmt::format("{:.1f} s", core::to_seconds(duration));
}

// A non-blocking TCP connection to host:port within `timeout`, or -1 with `error` set.
int connect_tcp(const std::string& host, int port, Duration timeout, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  const std::string service = std::to_string(port);
  if (const int status = getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses);
      status != 0) {
    error = std::string("cannot resolve: ") + gai_strerror(status);
    return -1;
  }
  int connected = -1;
  for (addrinfo* address = addresses; address != nullptr && connected < 0;
       address = address->ai_next) {
    const int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          address->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    int status = connect(fd, address->ai_addr, address->ai_addrlen);
    if (status != 0 && errno == EINPROGRESS) {
      pollfd writable{fd, POLLOUT, 0};
      status = poll(&writable, 1, poll_timeout_ms(timeout));
      if (status == 0) {
        error = "connect timed out";
        close(fd);
        continue;
      }
      int socket_error = 0;
      socklen_t length = sizeof socket_error;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);
      errno = socket_error;
      status = socket_error == 0 ? 0 : -1;
    }
    if (status != 0) {
      error = std::strerror(errno);
      close(fd);
      continue;
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    connected = fd;
  }
  freeaddrinfo(addresses);
  return connected;
}

// Writes all of `bytes`, waiting at most `timeout` for room; false on error or timeout.
bool send_all(int fd, std::string_view bytes, Duration timeout) {
  while (!bytes.empty()) {
    const ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd writable{fd, POLLOUT, 0};
      if (poll(&writable, 1, poll_timeout_ms(timeout)) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(AmiDisconnectReason reason) {
  switch (reason) {
    case AmiDisconnectReason::ConnectFailed:
      return "connect_failed";
    case AmiDisconnectReason::LoginTimeout:
      return "login_timeout";
    case AmiDisconnectReason::LoginRefused:
      return "login_refused";
    case AmiDisconnectReason::ClosedByPeer:
      return "closed_by_peer";
    case AmiDisconnectReason::PingTimeout:
      return "ping_timeout";
  }
  return "unknown";
}

AmiClient::AmiClient(AmiClientOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock), mapper_(options_.mapper) {
  reconnect_at_ = clock_.now();
}

AmiClient::~AmiClient() {
  if (fd_ >= 0) close(fd_);
}

void AmiClient::disconnect() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  state_ = State::Disconnected;
}

std::vector<core::Event> AmiClient::poll(Duration max_wait) {
  std::vector<core::Event> events;
  Timestamp now = clock_.now();
  if (state_ == State::Disconnected) {
    if (now >= reconnect_at_) try_connect(now);
    if (state_ == State::Disconnected) {
      // Nothing to watch until the next attempt: wait here so callers need no timer of their own.
      ::poll(nullptr, 0, poll_timeout_ms(std::min(max_wait, reconnect_at_ - now)));
      return mapper_.expire(clock_.now());
    }
  }
  pollfd readable{fd_, POLLIN, 0};
  const Duration wait = std::min(max_wait, next_deadline(now) - now);
  const int ready = ::poll(&readable, 1, poll_timeout_ms(wait));
  now = clock_.now();
  if (ready > 0) {
    bool closed = false;
    std::string detail = "connection closed by Asterisk";
    char chunk[65536];
    while (true) {
      const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
      if (got > 0) {
        framer_->feed(std::string_view(chunk, static_cast<std::size_t>(got)));
        if (static_cast<std::size_t>(got) < sizeof chunk) break;
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (got < 0) detail = std::strerror(errno);
      closed = true;
      break;
    }
    // What arrived before a close is still used: Asterisk may send a burst, then hang up.
    if (banner_.empty() && !framer_->banner().empty()) banner_ = framer_->banner();
    if (state_ == State::AwaitBanner && !banner_.empty()) {
      if (send_action("Login", "Username: " + options_.username + "\r\nSecret: " + options_.secret +
                                   "\r\nEvents: " + options_.events + "\r\n")) {
        state_ = State::LoggingIn;
      } else {
        lose_link(AmiDisconnectReason::ClosedByPeer, "cannot send Login", now);
      }
    }
    while (fd_ >= 0) {
      auto message = framer_->next();
      if (!message) break;
      handle(*message, now, events);
    }
    if (closed && fd_ >= 0) lose_link(AmiDisconnectReason::ClosedByPeer, detail, now);
  }
  if (fd_ >= 0) check_deadlines(now);
  auto expired = mapper_.expire(now);
  events.insert(events.end(), expired.begin(), expired.end());
  return events;
}

void AmiClient::try_connect(Timestamp now) {
  std::string error;
  const int fd = connect_tcp(options_.host, options_.port, options_.connect_timeout, error);
  if (fd < 0) {
    lose_link(AmiDisconnectReason::ConnectFailed, error, clock_.now());
    return;
  }
  fd_ = fd;
  ++stats_.connects;
  framer_ = std::make_unique<AmiFramer>();
  banner_.clear();
  state_ = State::AwaitBanner;
  login_deadline_ = now + options_.login_timeout;
  ping_sent_at_.reset();
  spdlog::info("ami: connected to {}:{}, logging in as {}", options_.host, options_.port,
               options_.username);
}

void AmiClient::lose_link(AmiDisconnectReason reason, const std::string& detail, Timestamp now) {
  const bool was_logged_in = logged_in();
  if (framer_) {
    const AmiFramerStats& s = framer_->stats();
    framer_stats_.messages += s.messages;
    framer_stats_.garbage_lines += s.garbage_lines;
    framer_stats_.dropped_messages += s.dropped_messages;
    framer_stats_.overlong_lines += s.overlong_lines;
    framer_.reset();
  }
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  state_ = State::Disconnected;
  ping_sent_at_.reset();
  ++stats_.disconnects[static_cast<std::size_t>(reason)];
  // A link that stayed up a whole ping round was healthy: start the backoff over.
  if (was_logged_in && now - logged_in_at_ >= options_.ping_interval)
    stats_.current_backoff = Duration{0};
  stats_.current_backoff = stats_.current_backoff == Duration{0}
                               ? options_.initial_backoff
                               : std::min(options_.max_backoff, stats_.current_backoff * 2);
  reconnect_at_ = now + stats_.current_backoff;
  if (was_logged_in) {
    link_lost_at_ = now;
    spdlog::warn(
        "ami: link to {}:{} lost ({}: {}); queue events are not seen until it is back; "
        "reconnecting in {}",
        options_.host, options_.port, to_string(reason), detail,
        seconds_text(stats_.current_backoff));
  } else {
    spdlog::warn("ami: {}:{}: {}: {}; retrying in {}", options_.host, options_.port,
                 to_string(reason), detail, seconds_text(stats_.current_backoff));
  }
}

bool AmiClient::send_action(const std::string& action, const std::string& fields) {
  const std::string bytes = "Action: " + action + "\r\nActionID: floorwatch-" +
                            std::to_string(++action_counter_) + "\r\n" + fields + "\r\n";
  return fd_ >= 0 && send_all(fd_, bytes, Duration{1000});
}

void AmiClient::handle(const AmiMessage& message, Timestamp now, std::vector<core::Event>& out) {
  const bool is_response = message.has("Response");
  if (state_ == State::AwaitBanner || state_ == State::LoggingIn) {
    // Actions are answered in order, so the first Response after Login is Login's.
    if (state_ != State::LoggingIn || !is_response) return;
    const std::string_view response = message.get_or("Response", "");
    if (response != "Success") {
      lose_link(AmiDisconnectReason::LoginRefused, std::string(message.get_or("Message", response)),
                now);
      return;
    }
    ++stats_.logins;
    logged_in_at_ = now;
    last_ping_at_ = now;
    if (link_lost_at_) {
      const Duration gap = now - *link_lost_at_;
      ++stats_.gaps;
      stats_.gap_time += gap;
      stats_.last_gap = gap;
      link_lost_at_.reset();
      spdlog::warn(
          "ami: link to {}:{} back after {} disconnected: events in that time were lost (gap {}, "
          "{} in total); QueueStatus re-seeds callers still waiting",
          options_.host, options_.port, seconds_text(gap), stats_.gaps,
          seconds_text(stats_.gap_time));
    } else {
      spdlog::info("ami: logged in to {} at {}:{}", banner_, options_.host, options_.port);
    }
    // After a gap, callers that vanished meanwhile are closed when the status list ends.
    if (ever_logged_in_) mapper_.begin_status_reconciliation();
    ever_logged_in_ = true;
    state_ = State::Seeding;
    if (!send_action("QueueStatus", "")) {
      lose_link(AmiDisconnectReason::ClosedByPeer, "cannot send QueueStatus", now);
    }
    return;
  }
  ++stats_.messages;
  // Any Response answers an action, which proves the link carries traffic both ways.
  if (is_response) ping_sent_at_.reset();
  if (state_ == State::Seeding && message.event_name() == "QueueStatusComplete")
    state_ = State::Streaming;
  AmiMapResult result = mapper_.map(message, now);
  if (result.outcome == AmiOutcome::Invalid) {
    const std::int64_t invalid = mapper_.stats().count(AmiOutcome::Invalid);
    // The first ten, then one in a thousand: enough to diagnose, never a flood.
    if (invalid <= 10 || invalid % 1000 == 0)
      spdlog::warn("ami: unusable message ({} so far): {}", invalid, result.error);
  }
  out.insert(out.end(), std::make_move_iterator(result.events.begin()),
             std::make_move_iterator(result.events.end()));
}

Timestamp AmiClient::next_deadline(Timestamp now) const {
  switch (state_) {
    case State::Disconnected:
      return reconnect_at_;
    case State::AwaitBanner:
    case State::LoggingIn:
      return login_deadline_;
    case State::Seeding:
    case State::Streaming:
      return ping_sent_at_ ? *ping_sent_at_ + options_.ping_timeout
                           : last_ping_at_ + options_.ping_interval;
  }
  return now;
}

void AmiClient::check_deadlines(Timestamp now) {
  if (state_ == State::AwaitBanner || state_ == State::LoggingIn) {
    if (now >= login_deadline_)
      lose_link(AmiDisconnectReason::LoginTimeout,
                state_ == State::AwaitBanner ? "no banner" : "no Login response", now);
    return;
  }
  if (state_ != State::Seeding && state_ != State::Streaming) return;
  if (ping_sent_at_) {
    if (now - *ping_sent_at_ >= options_.ping_timeout)
      lose_link(AmiDisconnectReason::PingTimeout,
                "no response to Ping within " + seconds_text(options_.ping_timeout), now);
    return;
  }
  if (now - last_ping_at_ >= options_.ping_interval) {
    if (!send_action("Ping", "")) {
      lose_link(AmiDisconnectReason::ClosedByPeer, "cannot send Ping", now);
      return;
    }
    ++stats_.pings_sent;
    ping_sent_at_ = now;
    last_ping_at_ = now;
  }
}

}  // namespace floorwatch::asterisk
