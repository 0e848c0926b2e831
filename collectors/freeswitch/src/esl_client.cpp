#include "floorwatch/freeswitch/esl_client.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tcp.h"

namespace floorwatch::freeswitch {
namespace {

using core::Duration;
using core::Timestamp;

std::string seconds_text(Duration duration) {
  return fmt::format("{:.1f} s", core::to_seconds(duration));
}

std::string first_line(std::string_view text) {
  const auto end = text.find('\n');
  return std::string(text.substr(0, end));
}

}  // namespace

std::string_view to_string(EslDisconnectReason reason) {
  switch (reason) {
    case EslDisconnectReason::ConnectFailed:
      return "connect_failed";
    case EslDisconnectReason::HandshakeTimeout:
      return "handshake_timeout";
    case EslDisconnectReason::AuthRefused:
      return "auth_refused";
    case EslDisconnectReason::Rejected:
      return "rude_rejection";
    case EslDisconnectReason::DisconnectNotice:
      return "disconnect_notice";
    case EslDisconnectReason::ClosedByPeer:
      return "closed_by_peer";
    case EslDisconnectReason::ProtocolError:
      return "protocol_error";
    case EslDisconnectReason::PingTimeout:
      return "ping_timeout";
  }
  return "unknown";
}

EslClient::EslClient(EslClientOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock), mapper_(options_.mapper) {
  reconnect_at_ = clock_.now();
}

EslClient::~EslClient() {
  if (fd_ >= 0) close(fd_);
}

void EslClient::disconnect() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  state_ = State::Disconnected;
}

EslFramerStats EslClient::framer_stats() const {
  EslFramerStats total = framer_stats_;
  if (framer_) {
    total.frames += framer_->stats().frames;
    total.oversized_frames += framer_->stats().oversized_frames;
    total.oversized_bytes += framer_->stats().oversized_bytes;
    total.garbage_lines += framer_->stats().garbage_lines;
  }
  return total;
}

std::vector<core::Event> EslClient::poll(Duration max_wait) {
  std::vector<core::Event> events;
  Timestamp now = clock_.now();
  if (state_ == State::Disconnected) {
    if (now >= reconnect_at_) try_connect(now);
    if (state_ == State::Disconnected) {
      // Nothing to watch until the next attempt: wait here so callers need no timer of their own.
      ::poll(nullptr, 0, tcp::poll_timeout_ms(std::min(max_wait, reconnect_at_ - now)));
      return mapper_.expire(clock_.now());
    }
  }
  pollfd readable{fd_, POLLIN, 0};
  const int ready =
      ::poll(&readable, 1, tcp::poll_timeout_ms(std::min(max_wait, next_deadline(now) - now)));
  now = clock_.now();
  if (ready > 0) read_socket(now, events);
  if (fd_ >= 0) check_deadlines(now);
  auto expired = mapper_.expire(now);
  events.insert(events.end(), expired.begin(), expired.end());
  return events;
}

void EslClient::read_socket(Timestamp now, std::vector<core::Event>& out) {
  bool closed = false;
  std::string detail = "connection closed by FreeSWITCH";
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
  // What arrived before a close is still used: FreeSWITCH may send a notice, then hang up.
  while (fd_ >= 0) {
    auto frame = framer_->next();
    check_oversized();
    if (!frame) break;
    handle(*frame, now, out);
  }
  if (fd_ >= 0 && framer_->broken()) {
    const std::string error = framer_->error();  // lose_link destroys the framer
    lose_link(EslDisconnectReason::ProtocolError, error, now);
  }
  if (closed && fd_ >= 0) lose_link(EslDisconnectReason::ClosedByPeer, detail, now);
}

void EslClient::check_oversized() {
  const std::int64_t refused = framer_stats().oversized_frames;
  if (refused == oversized_logged_) return;
  oversized_logged_ = refused;
  const auto& [type, length] = framer_->last_oversized();
  spdlog::warn(
      "freeswitch: refused a {} frame of {} bytes (over the {} MiB limit; {} refused so far); "
      "its bytes are skipped",
      type.empty() ? "(no Content-Type)" : type, length, EslFramer::kMaxBodyBytes >> 20, refused);
}

void EslClient::try_connect(Timestamp now) {
  std::string error;
  const int fd = tcp::connect_to(options_.host, options_.port, options_.connect_timeout, error);
  if (fd < 0) {
    lose_link(EslDisconnectReason::ConnectFailed, error, clock_.now());
    return;
  }
  fd_ = fd;
  ++stats_.connects;
  framer_ = std::make_unique<EslFramer>();
  pending_.clear();
  state_ = State::AwaitAuthRequest;
  handshake_deadline_ = now + options_.handshake_timeout;
  ping_sent_at_.reset();
  spdlog::info("freeswitch: connected to {}:{}, authenticating", options_.host, options_.port);
}

void EslClient::lose_link(EslDisconnectReason reason, const std::string& detail, Timestamp now) {
  const bool was_authenticated = authenticated();
  if (framer_) {
    framer_stats_ = framer_stats();
    framer_.reset();
  }
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  state_ = State::Disconnected;
  ping_sent_at_.reset();
  pending_.clear();
  ++stats_.disconnects[static_cast<std::size_t>(reason)];
  // A link that stayed up a whole ping round was healthy: start the backoff over.
  if (was_authenticated && now - authenticated_at_ >= options_.ping_interval)
    stats_.current_backoff = Duration{0};
  stats_.current_backoff = stats_.current_backoff == Duration{0}
                               ? options_.initial_backoff
                               : std::min(options_.max_backoff, stats_.current_backoff * 2);
  reconnect_at_ = now + stats_.current_backoff;
  if (was_authenticated) {
    link_lost_at_ = now;
    spdlog::warn(
        "freeswitch: link to {}:{} lost ({}: {}); callcenter events are not seen until it is "
        "back; reconnecting in {}",
        options_.host, options_.port, to_string(reason), detail,
        seconds_text(stats_.current_backoff));
  } else {
    spdlog::warn("freeswitch: {}:{}: {}: {}; retrying in {}", options_.host, options_.port,
                 to_string(reason), detail, seconds_text(stats_.current_backoff));
  }
}

bool EslClient::send_command(const std::string& line, Pending pending) {
  if (fd_ < 0 || !tcp::send_all(fd_, line + "\n\n", Duration{1000})) return false;
  pending_.push_back(std::move(pending));
  return true;
}

void EslClient::handle(const EslFrame& frame, Timestamp now, std::vector<core::Event>& out) {
  const std::string_view type = frame.content_type();
  if (type == "auth/request") {
    if (state_ != State::AwaitAuthRequest) return;
    state_ = State::Authenticating;
    if (!send_command("auth " + options_.password, {Command::Auth}))
      lose_link(EslDisconnectReason::ClosedByPeer, "cannot send auth", now);
  } else if (type == "command/reply") {
    on_command_reply(frame, now);
  } else if (type == "api/response") {
    on_api_response(frame, now, out);
  } else if (type == "text/event-plain") {
    if (authenticated()) on_event(frame, now, out);
  } else if (type == "text/disconnect-notice") {
    lose_link(EslDisconnectReason::DisconnectNotice, first_line(frame.body), now);
  } else if (type == "text/rude-rejection") {
    lose_link(EslDisconnectReason::Rejected, first_line(frame.body), now);
  }
  // Anything else (log/data, text/event-json we never asked for) carries nothing for us.
}

void EslClient::on_command_reply(const EslFrame& frame, Timestamp now) {
  if (pending_.empty()) return;
  const Pending pending = pending_.front();
  pending_.pop_front();
  const std::string reply(frame.header("Reply-Text").value_or(""));
  if (pending.command == Command::Auth) {
    if (reply.rfind("+OK", 0) != 0) {
      lose_link(EslDisconnectReason::AuthRefused, reply.empty() ? "no Reply-Text" : reply, now);
      return;
    }
    on_authenticated(now);
    return;
  }
  if (pending.command != Command::Subscribe) return;
  if (reply.rfind("+OK", 0) != 0)
    spdlog::error("freeswitch: {}:{} refused an event subscription: {}", options_.host,
                  options_.port, reply);
  const bool subscribing = std::any_of(pending_.begin(), pending_.end(), [](const Pending& p) {
    return p.command == Command::Subscribe;
  });
  if (state_ == State::Subscribing && !subscribing) start_seeding(now);
}

void EslClient::on_authenticated(Timestamp now) {
  ++stats_.authenticated;
  authenticated_at_ = now;
  last_ping_at_ = now;
  state_ = State::Subscribing;
  if (link_lost_at_) {
    const Duration gap = now - *link_lost_at_;
    ++stats_.gaps;
    stats_.gap_time += gap;
    stats_.last_gap = gap;
    link_lost_at_.reset();
    spdlog::warn(
        "freeswitch: link to {}:{} back after {} disconnected: events in that time were lost "
        "(gap {}, {} in total); callcenter_config re-seeds the floor",
        options_.host, options_.port, seconds_text(gap), stats_.gaps,
        seconds_text(stats_.gap_time));
  } else {
    spdlog::info("freeswitch: authenticated at {}:{}", options_.host, options_.port);
  }
  // Subscribing first, then reading the snapshot: nothing falls between the two.
  bool sent = send_command("event plain CUSTOM callcenter::info", {Command::Subscribe});
  if (sent && options_.hangup_events)
    sent = send_command("event plain CHANNEL_HANGUP_COMPLETE", {Command::Subscribe});
  if (!sent) lose_link(EslDisconnectReason::ClosedByPeer, "cannot send event", now);
}

void EslClient::start_seeding(Timestamp now) {
  state_ = State::Seeding;
  snapshot_ = CallcenterSnapshot{};
  const bool sent = send_command("api callcenter_config queue list", {Command::QueueList}) &&
                    send_command("api callcenter_config agent list", {Command::AgentList}) &&
                    send_command("api callcenter_config tier list", {Command::TierList});
  if (!sent) lose_link(EslDisconnectReason::ClosedByPeer, "cannot send api", now);
}

void EslClient::on_api_response(const EslFrame& frame, Timestamp now,
                                std::vector<core::Event>& out) {
  if (pending_.empty()) return;
  const Pending pending = pending_.front();
  pending_.pop_front();
  ping_sent_at_.reset();  // any reply proves the link carries traffic both ways
  if (pending.command == Command::Ping || state_ != State::Seeding) return;
  read_seed_reply(pending, frame.body);
  if (fd_ < 0 || !pending_.empty()) return;
  auto events = mapper_.seed(snapshot_, now, ever_seeded_);
  ever_seeded_ = true;
  ++stats_.seeds;
  state_ = State::Streaming;
  spdlog::info("freeswitch: seeded from callcenter_config: {} queues, {} members, {} agents",
               snapshot_.queues.size(), snapshot_.members.size(), snapshot_.agents.size());
  out.insert(out.end(), std::make_move_iterator(events.begin()),
             std::make_move_iterator(events.end()));
}

void EslClient::read_seed_reply(const Pending& pending, const std::string& body) {
  std::string error;
  const auto table = parse_api_table(body, "contact", error);
  bool ok = table.has_value();
  if (ok) {
    for (const auto& row_error : table->row_errors)
      spdlog::warn("freeswitch: seeding: {}", row_error);
    switch (pending.command) {
      case Command::QueueList:
        ok = read_queue_list(*table, snapshot_, error);
        for (const auto& queue : snapshot_.queues)
          ok = send_command("api callcenter_config queue list members " + queue,
                            {Command::Members, queue}) &&
               ok;
        break;
      case Command::AgentList:
        ok = read_agents(*table, snapshot_, error);
        break;
      case Command::TierList:
        ok = read_tiers(*table, snapshot_, error);
        break;
      default:
        ok = read_members(*table, snapshot_, error);
        break;
    }
  }
  if (!ok || !error.empty()) {
    ++stats_.seed_errors;
    spdlog::error("freeswitch: seeding from callcenter_config{}: {}",
                  pending.queue.empty() ? "" : " (queue " + pending.queue + ")", error);
  }
}

void EslClient::on_event(const EslFrame& frame, Timestamp now, std::vector<core::Event>& out) {
  ++stats_.events;
  std::string error;
  auto event = EslEvent::parse(frame.body, &error);
  if (!event) {
    ++stats_.undecodable_events;
    spdlog::warn("freeswitch: undecodable event ({} so far): {}", stats_.undecodable_events, error);
    return;
  }
  CcMapResult result = mapper_.map(*event, now);
  if (result.outcome == CcOutcome::Invalid) {
    const std::int64_t invalid = mapper_.stats().count(CcOutcome::Invalid);
    // The first ten, then one in a thousand: enough to diagnose, never a flood.
    if (invalid <= 10 || invalid % 1000 == 0)
      spdlog::warn("freeswitch: unusable event ({} so far): {}", invalid, result.error);
  }
  out.insert(out.end(), std::make_move_iterator(result.events.begin()),
             std::make_move_iterator(result.events.end()));
}

Timestamp EslClient::next_deadline(Timestamp now) const {
  switch (state_) {
    case State::Disconnected:
      return reconnect_at_;
    case State::Streaming:
      return ping_sent_at_ ? *ping_sent_at_ + options_.ping_timeout
                           : last_ping_at_ + options_.ping_interval;
    default:
      return handshake_deadline_;
  }
  return now;
}

void EslClient::check_deadlines(Timestamp now) {
  if (state_ != State::Streaming) {
    if (state_ != State::Disconnected && now >= handshake_deadline_)
      lose_link(EslDisconnectReason::HandshakeTimeout,
                state_ == State::AwaitAuthRequest ? "no auth/request"
                : state_ == State::Seeding        ? "no callcenter_config reply"
                                                  : "no reply to auth or event",
                now);
    return;
  }
  if (ping_sent_at_) {
    if (now - *ping_sent_at_ >= options_.ping_timeout)
      lose_link(EslDisconnectReason::PingTimeout,
                "no reply to api status within " + seconds_text(options_.ping_timeout), now);
    return;
  }
  if (now - last_ping_at_ >= options_.ping_interval) {
    if (!send_command("api status", {Command::Ping})) {
      lose_link(EslDisconnectReason::ClosedByPeer, "cannot send api status", now);
      return;
    }
    ++stats_.pings_sent;
    ping_sent_at_ = now;
    last_ping_at_ = now;
  }
}

}  // namespace floorwatch::freeswitch
