#pragma once
// A client of the Asterisk Manager Interface over a plain TCP socket: banner, Login, QueueStatus
// seeding, queue events through AmiMapper, Ping as a liveness check, reconnect with capped
// exponential backoff, and the time spent disconnected reported as a gap. Protocol notes and
// quirks: docs/collectors/asterisk.md.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floorwatch/asterisk/ami_framer.h"
#include "floorwatch/asterisk/ami_mapper.h"
#include "floorwatch/core/clock.h"
#include "floorwatch/core/event.h"

namespace floorwatch::asterisk {

/// Where to connect, how to log in and the timing rules. Plain value type.
struct AmiClientOptions {
  std::string host = "127.0.0.1";
  int port = 5038;
  std::string username;
  std::string secret;
  /// Login's `Events:` mask. Asterisk 12+ sends queue events in class `agent`; 1.8/11 send
  /// Join/Leave in class `call`.
  std::string events = "call,agent";
  core::Duration connect_timeout{3000};
  core::Duration login_timeout{5000};  ///< from connect to Login's Response
  core::Duration ping_interval{10'000};
  /// No Response to a Ping this long after sending it: the link is dead (a half-open TCP
  /// connection never reports an error by itself).
  core::Duration ping_timeout{5000};
  core::Duration initial_backoff{500};  ///< first reconnect delay; doubles on each failure
  core::Duration max_backoff{30'000};   ///< cap of the reconnect delay
  AmiMapperOptions mapper;
};

/// Why the link went down; the label of the log line and of a counter.
enum class AmiDisconnectReason {
  ConnectFailed,  ///< TCP connect refused, unreachable or timed out
  LoginTimeout,   ///< no banner or no Login response in time
  LoginRefused,   ///< `Response: Error` to Login (bad user or secret)
  ClosedByPeer,   ///< EOF or a socket error
  PingTimeout,    ///< no Response to Ping: dead link
};
inline constexpr std::size_t kAmiDisconnectReasonCount = 5;
std::string_view to_string(AmiDisconnectReason reason);

/// What the client did so far. Plain value type.
struct AmiClientStats {
  std::int64_t connects = 0;  ///< TCP connections established
  std::int64_t logins = 0;    ///< successful logins (the first one and every reconnect)
  std::array<std::int64_t, kAmiDisconnectReasonCount> disconnects{};
  std::int64_t pings_sent = 0;
  std::int64_t messages = 0;  ///< messages received after login
  /// Gaps: a link that was logged in went down and came back; events in between were lost
  /// (QueueStatus re-seeds what is still true). Counted when the link is back.
  std::int64_t gaps = 0;
  core::Duration gap_time{0};  ///< total time of the finished gaps
  core::Duration last_gap{0};  ///< length of the latest finished gap
  core::Duration current_backoff{0};

  std::int64_t disconnect_count(AmiDisconnectReason reason) const {
    return disconnects[static_cast<std::size_t>(reason)];
  }
};

/// One AMI link and the mapper fed by it. poll() does all the work on the caller's thread:
/// connects when due, reads what arrives, sends pings, and returns canonical events. Network
/// trouble is a value (a state change, counted and logged), never an exception. Time comes
/// from the injected clock; poll() waits on the socket at most `max_wait` of real time. Not
/// thread-safe.
class AmiClient {
 public:
  AmiClient(AmiClientOptions options, const core::Clock& clock);
  ~AmiClient();
  AmiClient(const AmiClient&) = delete;
  AmiClient& operator=(const AmiClient&) = delete;

  /// One step; returns the events mapped from what arrived (possibly none).
  std::vector<core::Event> poll(core::Duration max_wait);
  /// Closes the connection (a stop request); a later poll() reconnects.
  void disconnect();

  bool logged_in() const { return state_ == State::Streaming || state_ == State::Seeding; }
  const AmiClientStats& stats() const { return stats_; }
  const AmiMapper& mapper() const { return mapper_; }
  const AmiFramerStats& framer_stats() const { return framer_stats_; }
  /// The banner of the current (or last) connection, e.g. "Asterisk Call Manager/5.0.1".
  const std::string& banner() const { return banner_; }

 private:
  enum class State { Disconnected, AwaitBanner, LoggingIn, Seeding, Streaming };

  void try_connect(core::Timestamp now);
  void lose_link(AmiDisconnectReason reason, const std::string& detail, core::Timestamp now);
  bool send_action(const std::string& action, const std::string& fields);
  void handle(const AmiMessage& message, core::Timestamp now, std::vector<core::Event>& out);
  void check_deadlines(core::Timestamp now);
  core::Timestamp next_deadline(core::Timestamp now) const;

  const AmiClientOptions options_;
  const core::Clock& clock_;
  AmiMapper mapper_;
  std::unique_ptr<AmiFramer> framer_;
  AmiFramerStats framer_stats_;  // summed over connections
  int fd_ = -1;
  State state_ = State::Disconnected;
  std::string banner_;
  std::uint64_t action_counter_ = 0;
  core::Timestamp reconnect_at_{};
  core::Timestamp login_deadline_{};
  core::Timestamp last_ping_at_{};
  std::optional<core::Timestamp> ping_sent_at_;  // outstanding Ping
  std::optional<core::Timestamp> link_lost_at_;  // set while a gap is open
  core::Timestamp logged_in_at_{};
  bool ever_logged_in_ = false;
  AmiClientStats stats_;
};

}  // namespace floorwatch::asterisk
