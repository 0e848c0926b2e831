#pragma once
// An immutable picture of the floor at one instant: what /metrics, floorwatchctl, alerts and
// the wallboard feed read. Plain value types, safe to hand to other threads.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "floorwatch/core/agent_day.h"
#include "floorwatch/core/agent_limits.h"
#include "floorwatch/core/callback_worklist.h"
#include "floorwatch/core/event.h"
#include "floorwatch/core/outcome_counters.h"
#include "floorwatch/core/queue_settings.h"
#include "floorwatch/core/windows.h"

namespace floorwatch::core {

/// Upper bounds (seconds) of the answered-wait histogram; include every common SL target.
inline constexpr std::array<double, 14> kWaitBucketsSeconds{5,  10,  15,  20,  30,  45,  60,
                                                            90, 120, 180, 240, 300, 600, 1200};

/// Figures of one window; optional figures are absent when their denominator is zero.
struct WindowFigures {
  OutcomeCounters counts;
  std::optional<double> service_level;
  std::optional<double> average_speed_of_answer_seconds;
  std::optional<double> average_handle_time_seconds;
  std::optional<double> abandon_ratio;
  std::optional<double> max_wait_seconds;
};

/// Which queueing model a queue's staffing figures come from.
enum class StaffingModel {
  ErlangC,  ///< callers never hang up: too few abandons yet to measure their patience
  ErlangA,  ///< callers hang up after the queue's measured mean patience
};
/// Label value: "erlang_c", "erlang_a".
std::string_view to_string(StaffingModel model);

struct WaitingCallSnapshot {
  std::string call;
  std::string caller;
  Channel channel = Channel::Voice;
  Timestamp enqueued_at{};
  /// The forecast (waiting_forecast.h) as of the snapshot's `now`: enqueued_at + the answer
  /// target, when an agent is expected to take the caller, and whether it breaches first.
  Timestamp breach_at{};
  std::optional<Timestamp> predicted_answer_at;
  bool breach_predicted = false;
};

/// A member agent with a red limit in its current state: from `critical_at` on it is over it
/// (agents_over_limit). Same on every daemon fed the same events: state_since + limit.
struct AgentLimitCrossing {
  std::string agent;
  AgentStatus state = AgentStatus::Paused;
  std::string reason;
  Timestamp critical_at{};
};

struct QueueSnapshot {
  std::string name;
  QueueSettings settings;
  std::int64_t calls_waiting = 0;
  std::optional<Timestamp> oldest_enqueued_at;
  /// Event time (the source's clock) of the latest event that changed this queue since the
  /// state was built; nullopt before one. Same on every daemon fed the same events.
  std::optional<Timestamp> last_event_at;
  std::optional<double> oldest_wait_seconds;  ///< live: now - oldest_enqueued_at
  std::array<std::int64_t, kAgentStatusCount> agents_by_state{};  ///< members, by AgentStatus
  std::int64_t staffed_agents = 0;                  ///< available + ringing + busy + wrapup
  std::array<WindowFigures, kWindowCount> windows;  ///< indexed like kAllWindows
  OutcomeCounters lifetime;  ///< since the daemon started: source of the *_total counters
  /// Answered waits: non-cumulative count per kWaitBucketsSeconds bucket, then +Inf last.
  std::array<std::int64_t, kWaitBucketsSeconds.size() + 1> wait_bucket_counts{};
  std::optional<double> occupancy;                ///< (ringing+busy+wrapup) / staffed, live
  std::optional<double> estimated_wait_seconds;   ///< for a caller joining now
  std::optional<double> arrival_rate_per_second;  ///< offered in the last 30 minutes / 1800
  std::optional<double> handle_time_seconds;      ///< AHT used for predictions
  /// Callers' mean patience measured in the last 60 minutes (today when those hold too few
  /// abandons); nullopt without enough abandons.
  std::optional<double> mean_patience_seconds;
  std::optional<int> agents_required;             ///< to meet the SL target, by staffing_model
  std::optional<double> predicted_service_level;  ///< with staffed_agents, by staffing_model
  StaffingModel staffing_model = StaffingModel::ErlangC;  ///< what the two figures above used
  std::vector<WaitingCallSnapshot> waiting_calls;         ///< oldest first; only if requested
  /// Today's reporting intervals up to now as (interval start, figures), oldest first; only if
  /// requested (the wallboard's service-level sparkline).
  std::vector<std::pair<Timestamp, WindowFigures>> today_intervals;
  /// Call-backs owed to callers whose latest abandon was in this queue (CallbackWorklist).
  std::int64_t callbacks_open = 0;
  /// The oldest open one's first abandon; nullopt when none is open. Its age is now - this.
  std::optional<Timestamp> oldest_callback_since;
  /// Members in a state with a red limit (FloorConfig::agent_limits), by agent id.
  std::vector<AgentLimitCrossing> agent_limit_crossings;

  const WindowFigures& window(WindowKind kind) const {
    return windows[static_cast<std::size_t>(kind)];
  }
};

struct AgentSnapshot {
  std::string agent;
  std::string name;  ///< display name from the config (`agents:`); empty = show the id
  AgentStatus state = AgentStatus::Offline;
  std::string reason;
  Timestamp state_since{};
  std::vector<std::string> queues;
  std::string call;              ///< current call, if any
  std::string call_queue;        ///< the current call's queue
  std::string caller;            ///< the current call's caller number, when the source gave one
  Timestamp call_answered_at{};  ///< talk time counts from here (current call only)
  AgentLimit limit;  ///< the limits of the current state and reason (FloorConfig::agent_limits)
  /// Today's figures counted up to today.counted_to; day_at(today, state, reason, now) adds
  /// the running spell.
  AgentDay today;
  /// FloorState::agents_revision() when this picture last changed (readers that keep agents
  /// ask only for those changed since: SnapshotOptions::agents_changed_since).
  std::uint64_t changed_at = 0;

  bool operator==(const AgentSnapshot&) const = default;
};

/// A caller who hung up while queued, for the board's call-back list. Plain value type.
struct AbandonedCall {
  std::string call;
  std::string caller;
  std::string queue;
  Duration wait{};
  Timestamp abandoned_at{};
  bool short_abandon = false;  ///< counted as a short abandon (the queue's short_abandon)
  std::uint64_t number = 0;    ///< 1, 2, 3... in the order the engine saw them
};

/// A queue group (config `groups:`) at one instant: its own counters, classified with its own
/// settings, plus the live figures of its member queues. Plain value type.
struct GroupSnapshot {
  std::string name;
  std::vector<std::string> queues;  ///< members, as configured
  QueueSettings settings;           ///< the group's own target, formula and short abandon
  std::int64_t calls_waiting = 0;   ///< in every member queue
  std::optional<Timestamp> oldest_enqueued_at;
  std::optional<double> oldest_wait_seconds;        ///< live: now - oldest_enqueued_at
  std::array<WindowFigures, kWindowCount> windows;  ///< indexed like kAllWindows
  OutcomeCounters lifetime;  ///< since the daemon started (the *_total counters)

  const WindowFigures& window(WindowKind kind) const {
    return windows[static_cast<std::size_t>(kind)];
  }
};

class SiteCalendar;

struct SnapshotOptions {
  bool include_waiting_calls = false;
  bool include_agents = false;
  bool include_today_intervals = false;
  /// The recent abandons (FloorSnapshot::recent_abandons).
  bool include_abandons = false;
  /// Erlang C figures (agents_required, predicted_service_level); a reader that does not show
  /// them skips the staffing search for every queue.
  bool include_predictions = true;
  /// Only the queues whose figures changed after this revision (FloorSnapshot::revision of an
  /// earlier snapshot): for readers that keep the rest. nullopt: every queue.
  std::optional<std::uint64_t> changed_since;
  /// The open call-backs (FloorSnapshot::callbacks). Last, so positional initializers keep
  /// their meaning.
  bool include_callbacks = false;
  /// With include_agents: only the agents changed after this agents revision (an earlier
  /// FloorSnapshot::agents_revision), for readers that keep the rest. nullopt: every agent.
  std::optional<std::uint64_t> agents_changed_since;
};

struct FloorSnapshot {
  Timestamp now{};
  /// The state's revision at this picture: pass it as SnapshotOptions::changed_since next time.
  std::uint64_t revision = 0;
  /// FloorState::agents_revision() at this picture: `agents` may differ from a picture with
  /// another value.
  std::uint64_t agents_revision = 0;
  /// Set when `queues` holds only the queues changed after this revision (the options' value);
  /// every other queue is as it was then (but for the live oldest_wait_seconds, which moves with
  /// time: derive it from oldest_enqueued_at), and none was removed. nullopt: every queue.
  std::optional<std::uint64_t> only_changed_since;
  std::vector<QueueSnapshot> queues;  ///< sorted by name
  std::vector<AgentSnapshot> agents;  ///< sorted by id; only if requested
  /// Set when `agents` holds only the agents changed after this agents revision (the options'
  /// agents_changed_since); every other agent is as it was then, none was removed.
  std::optional<std::uint64_t> agents_only_changed_since;
  std::vector<GroupSnapshot> groups;  ///< every configured group, by name, always
  std::array<std::int64_t, kAgentStatusCount> agents_by_state{};  ///< whole site
  std::int64_t active_calls = 0;                                  ///< waiting + connected
  /// The calendar (time zone, intervals, day start) in force for this picture: readers take
  /// local time from here, so a reload reaches them with the next picture.
  std::shared_ptr<const SiteCalendar> calendar;
  /// Recent abandons, oldest first; only if requested. `abandons_recorded`: the number of the
  /// newest abandon ever (0: none), so a reader can tell which ones it has not seen.
  std::vector<AbandonedCall> recent_abandons;
  std::uint64_t abandons_recorded = 0;
  /// Open call-backs, oldest first; only if requested. The counters and revision always.
  std::vector<CallbackEntry> callbacks;
  CallbackCounters callback_counters;
  std::uint64_t callbacks_revision = 0;  ///< CallbackWorklist::revision()
};

}  // namespace floorwatch::core
