#pragma once
// An inbound Event Socket client of FreeSWITCH over a plain TCP socket: auth/request -> auth,
// `event plain CUSTOM callcenter::info` (+ CHANNEL_HANGUP_COMPLETE), seeding from
// `callcenter_config` api replies, events through CallcenterMapper, `api status` as a liveness
// check, reconnect with capped exponential backoff, and the time spent disconnected reported as
// a gap. Protocol notes and quirks: docs/collectors/freeswitch.md.
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "floorwatch/core/clock.h"
#include "floorwatch/core/event.h"
#include "floorwatch/freeswitch/callcenter_mapper.h"
#include "floorwatch/freeswitch/callcenter_seed.h"
#include "floorwatch/freeswitch/esl_framer.h"

namespace floorwatch::freeswitch {

/// Where to connect, how to authenticate and the timing rules. Plain value type.
struct EslClientOptions {
  std::string host = "127.0.0.1";
  int port = 8021;
  std::string password;
  /// Also subscribe to CHANNEL_HANGUP_COMPLETE (every channel's hang-up: more traffic) so a
  /// Cancel/BREAK_OUT without channel data can still be told apart (hang-up or transfer).
  bool hangup_events = true;
  core::Duration connect_timeout{3000};
  core::Duration handshake_timeout{10'000};  ///< from connect to the end of seeding
  core::Duration ping_interval{10'000};
  /// No api/response this long after a ping: the link is dead (a half-open TCP connection
  /// never reports an error by itself).
  core::Duration ping_timeout{5000};
  core::Duration initial_backoff{500};  ///< first reconnect delay; doubles on each failure
  core::Duration max_backoff{30'000};   ///< cap of the reconnect delay
  CcMapperOptions mapper;
};

/// Why the link went down; the label of the log line and of a counter.
enum class EslDisconnectReason {
  ConnectFailed,     ///< TCP connect refused, unreachable or timed out
  HandshakeTimeout,  ///< no auth/request, auth reply or seeding replies in time
  AuthRefused,       ///< `-ERR invalid` to auth (wrong password)
  Rejected,          ///< text/rude-rejection: the event socket's ACL refused this address
  DisconnectNotice,  ///< text/disconnect-notice: FreeSWITCH closed the session
  ClosedByPeer,      ///< EOF or a socket error
  ProtocolError,     ///< the byte stream cannot be framed (bad Content-Length)
  PingTimeout,       ///< no reply to the liveness api command: dead link
};
inline constexpr std::size_t kEslDisconnectReasonCount = 8;
std::string_view to_string(EslDisconnectReason reason);

/// What the client did so far. Plain value type.
struct EslClientStats {
  std::int64_t connects = 0;       ///< TCP connections established
  std::int64_t authenticated = 0;  ///< successful auths (the first one and every reconnect)
  std::int64_t seeds = 0;          ///< snapshots read and applied
  std::int64_t seed_errors = 0;    ///< callcenter_config replies that could not be used
  std::array<std::int64_t, kEslDisconnectReasonCount> disconnects{};
  std::int64_t pings_sent = 0;
  std::int64_t events = 0;              ///< text/event-plain frames after auth
  std::int64_t undecodable_events = 0;  ///< event frames with no "Name: value" line
  /// Gaps: a link that was authenticated went down and came back; events in between were lost
  /// (the snapshot re-seeds what is still true). Counted when the link is back.
  std::int64_t gaps = 0;
  core::Duration gap_time{0};  ///< total time of the finished gaps
  core::Duration last_gap{0};  ///< length of the latest finished gap
  core::Duration current_backoff{0};

  std::int64_t disconnect_count(EslDisconnectReason reason) const {
    return disconnects[static_cast<std::size_t>(reason)];
  }
};

/// One ESL link and the mapper fed by it. poll() does all the work on the caller's thread:
/// connects when due, reads what arrives, sends pings, and returns canonical events. Network
/// trouble is a value (a state change, counted and logged), never an exception. Time comes
/// from the injected clock; poll() waits on the socket at most `max_wait` of real time. Not
/// thread-safe.
class EslClient {
 public:
  EslClient(EslClientOptions options, const core::Clock& clock);
  ~EslClient();
  EslClient(const EslClient&) = delete;
  EslClient& operator=(const EslClient&) = delete;

  /// One step; returns the events mapped from what arrived (possibly none).
  std::vector<core::Event> poll(core::Duration max_wait);
  /// Closes the connection (a stop request); a later poll() reconnects.
  void disconnect();

  bool authenticated() const { return state_ >= State::Subscribing; }
  bool streaming() const { return state_ == State::Streaming; }
  const EslClientStats& stats() const { return stats_; }
  const CallcenterMapper& mapper() const { return mapper_; }
  /// Framer counters summed over every connection so far (oversized frames among them).
  EslFramerStats framer_stats() const;

 private:
  enum class State {
    Disconnected,
    AwaitAuthRequest,
    Authenticating,
    Subscribing,
    Seeding,
    Streaming
  };
  enum class Command { Auth, Subscribe, QueueList, AgentList, TierList, Members, Ping };
  struct Pending {
    Command command;
    std::string queue = {};  // Members
  };

  void try_connect(core::Timestamp now);
  void read_socket(core::Timestamp now, std::vector<core::Event>& out);
  void lose_link(EslDisconnectReason reason, const std::string& detail, core::Timestamp now);
  bool send_command(const std::string& line, Pending pending);
  void handle(const EslFrame& frame, core::Timestamp now, std::vector<core::Event>& out);
  void on_command_reply(const EslFrame& frame, core::Timestamp now);
  void on_authenticated(core::Timestamp now);
  void start_seeding(core::Timestamp now);
  void on_api_response(const EslFrame& frame, core::Timestamp now, std::vector<core::Event>& out);
  void read_seed_reply(const Pending& pending, const std::string& body);
  void on_event(const EslFrame& frame, core::Timestamp now, std::vector<core::Event>& out);
  void check_oversized();
  void check_deadlines(core::Timestamp now);
  core::Timestamp next_deadline(core::Timestamp now) const;

  const EslClientOptions options_;
  const core::Clock& clock_;
  CallcenterMapper mapper_;
  std::unique_ptr<EslFramer> framer_;
  EslFramerStats framer_stats_;  // of finished connections
  int fd_ = -1;
  State state_ = State::Disconnected;
  std::deque<Pending> pending_;
  CallcenterSnapshot snapshot_;
  std::int64_t oversized_logged_ = 0;
  core::Timestamp reconnect_at_{};
  core::Timestamp handshake_deadline_{};
  core::Timestamp last_ping_at_{};
  std::optional<core::Timestamp> ping_sent_at_;  // outstanding ping
  std::optional<core::Timestamp> link_lost_at_;  // set while a gap is open
  core::Timestamp authenticated_at_{};
  bool ever_seeded_ = false;
  EslClientStats stats_;
};

}  // namespace floorwatch::freeswitch
