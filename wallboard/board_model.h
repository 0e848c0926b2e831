#pragma once
// The wallboard's model: plain structs filled by the feed client (feed_sync.h) and read by the
// drawing code, which is a function of this model and "now". No GL, no sockets.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>
#include "floorwatch/core/agent_day.h"
#include "floorwatch/core/agent_limits.h"

namespace floorwatch::wallboard {

/// UTC epoch milliseconds, as on the feed.
using EpochMs = std::int64_t;
/// The board's own monotonic time (staleness, rotation, flashing). Never shown to people.
using SteadyTime = std::chrono::steady_clock::time_point;

enum class AgentState { Available, Ringing, Busy, Wrapup, Paused, Offline };
enum class AlertSeverity { Info, Warning, Critical };
enum class AlertState { Pending, Firing, Acknowledged, Resolved };

/// Figures of one window; absent figures have a zero denominator (shown as "—", never 0).
struct WindowView {
  std::int64_t offered = 0;
  std::int64_t answered = 0;
  std::int64_t answered_within_target = 0;
  std::int64_t abandoned = 0;
  std::int64_t abandoned_short = 0;
  std::int64_t exited = 0;
  std::optional<double> service_level;
  std::optional<double> asa_seconds;
  std::optional<double> abandon_ratio;
  std::optional<double> max_wait_seconds;
};

/// Service level of one of today's intervals (the sparkline).
struct ServiceLevelPoint {
  EpochMs interval_start = 0;
  std::optional<double> service_level;
  std::int64_t offered = 0;
};

/// The queueing model behind a queue's "needed" figure.
enum class StaffingModel { ErlangC, ErlangA };

/// The daemon's forecast of a queue's next interval (from its interval history).
struct ForecastView {
  EpochMs interval_start = 0;
  EpochMs interval_end = 0;
  double offered = 0;  ///< calls expected
  std::optional<double> handle_time_seconds;
  std::optional<int> agents_needed;
  StaffingModel staffing_model = StaffingModel::ErlangC;
  std::optional<double> rest_of_day_offered;
};

/// One waiting caller with the daemon's forecast (absolute times: the board counts down).
struct WaitingCallerView {
  std::string call;
  std::string caller;  ///< "" when the source gave none
  EpochMs enqueued_at = 0;
  EpochMs breach_at = 0;                    ///< enqueued + the answer target
  std::optional<EpochMs> predicted_answer;  ///< absent: no agent can be foreseen
  bool breach_predicted = false;            ///< will breach before an agent takes it
};

struct QueueView {
  std::string name;
  double answer_target_seconds = 0;
  double service_level_target = 0;  ///< fraction
  double short_abandon_seconds = 0;
  std::string formula;              ///< e.g. "short_abandons_excluded"
  std::string formula_description;  ///< e.g. "short abandons excluded"
  std::int64_t calls_waiting = 0;
  std::optional<EpochMs> oldest_enqueued_at;
  std::vector<EpochMs> waiting_enqueued_at;  ///< oldest first
  bool waiting_truncated = false;
  std::int64_t agents_available = 0;
  std::int64_t agents_ringing = 0;
  std::int64_t agents_busy = 0;
  std::int64_t agents_wrapup = 0;
  std::int64_t agents_paused = 0;
  std::int64_t agents_offline = 0;
  std::int64_t staffed_agents = 0;
  std::optional<int> agents_required;
  std::optional<double> predicted_service_level;
  StaffingModel staffing_model = StaffingModel::ErlangC;  ///< behind the two figures above
  std::optional<double> mean_patience_seconds;            ///< measured by the daemon
  std::optional<double> estimated_wait_seconds;
  WindowView interval;
  WindowView today;
  WindowView rolling_15m;
  std::vector<ServiceLevelPoint> service_level_history;  ///< today, oldest first
  std::optional<ForecastView> forecast;  ///< absent: the queue has no history (no forecast)
  // Call-back worklist (the tile's "call-backs" line).
  std::int64_t callbacks_open = 0;
  std::optional<EpochMs> oldest_callback_since;    ///< the oldest open one's first abandon
  std::vector<WaitingCallerView> waiting_callers;  ///< oldest first (position = index + 1)
};

/// A queue group: its own figures (its formula over its own counters), never an average.
struct GroupView {
  std::string name;
  std::vector<std::string> queues;  ///< members
  double answer_target_seconds = 0;
  double service_level_target = 0;
  std::string formula;
  std::string formula_description;
  std::int64_t calls_waiting = 0;
  std::optional<EpochMs> oldest_enqueued_at;
  WindowView interval;
  WindowView today;
  WindowView rolling_15m;
};

struct AgentView {
  std::string agent;
  std::string name;  ///< the name people know (daemon's `agents:`); empty = show `agent`
  AgentState state = AgentState::Offline;
  std::string reason;
  EpochMs state_since = 0;
  std::vector<std::string> queues;
  std::string call;
  std::string call_queue;        ///< the current call's queue
  std::string caller;            ///< the current call's caller ("" when unknown)
  EpochMs call_answered_at = 0;  ///< talk time counts from here (0: no call)
  core::AgentLimit limit;        ///< time-in-state limits of the state and reason in force
  core::AgentDay today;          ///< today's figures up to today.counted_to (no pause reasons)
};

struct AbandonView {
  std::string call;
  std::string caller;
  std::string queue;
  double wait_seconds = 0;
  EpochMs abandoned_at = 0;
  bool short_abandon = false;
};

/// One caller owed a call-back (the daemon's worklist): the latest attempt, how many there were
/// and since when the call-back is owed.
struct CallbackView {
  std::uint64_t id = 0;  ///< what the board sends in {"command":"callback_done","id":...}
  std::string caller;
  std::string queue;  ///< of the latest attempt
  std::int64_t attempts = 1;
  EpochMs first_abandoned_at = 0;
  EpochMs last_abandoned_at = 0;
  double last_wait_seconds = 0;
};

struct AlertView {
  std::string id;
  std::string rule;
  std::string queue;
  AlertSeverity severity = AlertSeverity::Warning;
  AlertState state = AlertState::Firing;
  EpochMs since = 0;
  std::string summary;
  std::string acknowledged_by;
};

/// Where the feed client is in the clone protocol.
enum class FeedState {
  Connecting,  ///< no snapshot yet
  Syncing,     ///< asked for a (new) snapshot; the data shown is from before
  Live,        ///< applying deltas in sequence
};

inline constexpr std::size_t kRecentAbandonCapacity = 50;

/// Everything the board shows. Plain value type: the feed thread fills it, the frame loop copies
/// it when its version changes.
struct BoardModel {
  // Who is talking (from the snapshot).
  std::string site;
  std::string daemon;
  std::string time_zone;
  bool clock_runs = true;     ///< false: the daemon replays events; do not extrapolate its clock
  int interval_minutes = 30;  ///< reporting interval: one sparkline point each

  // Position in the feed.
  FeedState feed_state = FeedState::Connecting;
  bool has_data = false;  ///< a snapshot was applied at least once
  std::uint64_t epoch = 0;
  std::uint64_t seq = 0;
  /// Last message applied (snapshot, delta or in-sequence heartbeat). Staleness counts from it.
  SteadyTime last_applied_at{};
  EpochMs daemon_now = 0;  ///< the daemon's clock in that message
  std::int32_t utc_offset_seconds = 0;

  std::vector<QueueView> queues;     ///< sorted by name
  std::vector<GroupView> groups;     ///< sorted by name
  std::vector<AgentView> agents;     ///< sorted by id
  std::deque<AbandonView> abandons;  ///< oldest first, at most kRecentAbandonCapacity
  std::vector<AlertView> alerts;
  // The call-back worklist: open call-backs, oldest first, replaced whole on a change.
  std::vector<CallbackView> callbacks;
  std::string callback_status;  ///< outcome of the last "called back" sent from this board

  // Counters (header tooltip, tests, logs).
  std::uint64_t updates_applied = 0;  ///< snapshots + deltas applied
  std::uint64_t resyncs = 0;
  std::uint64_t failovers = 0;  ///< times the board moved to the partner daemon
  /// Daemons the board can follow (an HA pair: 2); with more than one the header names the
  /// daemon followed (`daemon`, from its snapshot).
  std::size_t daemons_configured = 1;
  std::string last_resync_reason;
  std::string ack_status;  ///< outcome of the last acknowledgement, for the banner
};

}  // namespace floorwatch::wallboard
