#pragma once
// The live state of the floor (queues, calls, agents) and the engine that applies events to
// it. Pure: takes events and `now`, never reads a clock or touches I/O.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "floorwatch/core/agent_limits.h"
#include "floorwatch/core/callback_worklist.h"
#include "floorwatch/core/event.h"
#include "floorwatch/core/floor_snapshot.h"
#include "floorwatch/core/queue_groups.h"
#include "floorwatch/core/queue_settings.h"
#include "floorwatch/core/reject_reason.h"
#include "floorwatch/core/site_calendar.h"
#include "floorwatch/core/windows.h"

namespace floorwatch::core {

class ByteWriter;
class ByteReader;

/// What the engine needs from configuration.
struct FloorConfig {
  std::string time_zone = "UTC";
  int day_start_minutes = 0;
  int interval_minutes = 30;
  QueueSettings defaults;
  std::map<std::string, QueueSettings> queues;  ///< configured queues; others get defaults
  /// Agent id (e.g. "SIP/2503") -> the name people know ("Maria Lopez"). Display only: ids stay
  /// the key everywhere; an agent without an entry is shown by its id.
  std::map<std::string, std::string> agent_names;
  /// Time-in-state limits (`agent_limits:`): the agents' levels and AgentLimitCrossing.
  AgentLimits agent_limits = default_agent_limits();
  /// Queue groups by name (`groups:`): members and the group's own settings.
  std::map<std::string, QueueGroupConfig> groups;
  /// At most this many open call-backs (`callbacks.max_open`); see CallbackWorklist.
  std::size_t callbacks_max_open = kCallbackCapacity;
};

/// Outcome of applying one event.
struct ApplyResult {
  bool applied = true;
  RejectReason reason = RejectReason::Malformed;  ///< meaningful only when !applied
  static ApplyResult ok() { return {}; }
  static ApplyResult rejected(RejectReason r) { return {false, r}; }
};

/// Fills the staffing figures (agents_required, predicted_service_level, staffing_model) of a
/// queue picture from its own arrivals, AHT, staffed agents and settings: Erlang A with its
/// mean_patience_seconds when measured, Erlang C otherwise. Pure: readers may call it on their
/// own thread, off the loop that owns the state.
void predict_staffing(QueueSnapshot& queue);

/// Owns queues, calls and agents. Not thread-safe: one loop owns it; other threads read what
/// the loop publishes from its snapshots.
class FloorState {
 public:
  explicit FloorState(FloorConfig config);
  ~FloorState();
  FloorState(const FloorState&) = delete;
  FloorState& operator=(const FloorState&) = delete;

  ApplyResult apply(const Event& event);
  /// Moves rolling windows to `now` and drops history older than yesterday's day start.
  void advance(Timestamp now);
  /// Picture at `now` (advances windows first). Configured queues always appear, unless
  /// options.changed_since asks for changed queues only (see FloorSnapshot::only_changed_since).
  FloorSnapshot snapshot(Timestamp now, const SnapshotOptions& options = {});
  /// Bumped by every change to a queue's figures: events, agents joining or changing state,
  /// outcomes leaving a rolling window, a new interval or day, new settings, load().
  std::uint64_t revision() const { return revision_; }
  /// Bumped whenever any agent's picture (state, reason, queues, current call) may have
  /// changed, and by load(): readers copy agents() only when it moved.
  std::uint64_t agents_revision() const { return agents_revision_; }
  /// Every agent, sorted by id (what SnapshotOptions::include_agents adds to a snapshot).
  std::vector<AgentSnapshot> agents() const;
  /// The agents whose picture may have changed after `since` (an earlier agents_revision()),
  /// sorted by id. Every agent, and `complete`, when `since` is nullopt or older than the last
  /// change to all of them (a new day, new names or limits, a new calendar, load()).
  struct AgentChanges {
    std::vector<AgentSnapshot> agents;
    bool complete = true;
  };
  AgentChanges agents_changed_since(std::optional<std::uint64_t> since) const;
  /// Agent changes remembered for agents_changed_since(): a reader this many changes behind
  /// still gets only what changed, by a walk of every agent instead.
  static constexpr std::size_t kAgentChangeLog = 4096;
  /// The number of the newest abandon ever recorded (0: none); see recent_abandons().
  std::uint64_t abandons_recorded() const { return abandons_recorded_; }
  /// The whole live state (calls, agents, windows, history) as bytes, with a checksum; the
  /// configuration is not included. Deterministic: equal states give equal bytes.
  std::string save() const;
  /// Replaces the state with one from save(); throws SnapshotError when the bytes are
  /// truncated or corrupted (the state is then unchanged, never half-loaded).
  void load(std::string_view bytes);
  /// New settings (SIGHUP) at `now`; live calls, agents and counters are kept. A new day
  /// boundary (day_starts_at, time zone) reaches every agent's today figures at once
  /// (move_to_calendar), not at each one's next state change.
  void reconfigure(FloorConfig config, Timestamp now);

  /// Visits every queue's calendar intervals still kept in memory (interval start ->
  /// counters), with the queue's settings in force; the daemon's interval history reads them.
  void for_each_queue_intervals(
      const std::function<void(const std::string& queue, const QueueSettings& settings,
                               const std::map<Timestamp, OutcomeCounters>& intervals)>& visit)
      const;

  const QueueSettings& settings_for(const std::string& queue) const;
  const SiteCalendar& calendar() const { return *calendar_; }
  /// The calendar in force, shared with every snapshot taken under it (immutable).
  std::shared_ptr<const SiteCalendar> shared_calendar() const { return calendar_; }
  /// Callers who hung up while queued, most recent last (at most kRecentAbandons); kept in
  /// save()/load(), so a board's call-back list survives a restart.
  const std::deque<AbandonedCall>& recent_abandons() const { return recent_abandons_; }
  static constexpr std::size_t kRecentAbandons = 50;
  /// Callers owed a call-back; closed by answers in apply() and by close_callback().
  const CallbackWorklist& callbacks() const { return callbacks_; }
  /// `by` called the caller back at `at` (`callback done`). nullopt: no open call-back `id`.
  std::optional<CallbackEntry> close_callback(std::uint64_t id, const std::string& by = {},
                                              Timestamp at = {});
  /// A close made on the HA partner (`peer_callbacks`, docs/ha.md); see
  /// CallbackWorklist::merge_close.
  CallbackMergeResult merge_callback_close(const CallbackClose& close, Timestamp now);
  std::size_t active_call_count() const { return calls_.size(); }
  std::size_t agent_count() const { return agents_.size(); }
  std::size_t queue_count() const { return queues_.size(); }

 private:
  struct Queue;
  struct Call;
  struct Agent;

  Queue& queue(const std::string& name);
  Agent& agent(const std::string& id, Timestamp ts);
  ApplyResult on_enqueued(const Event& e);
  ApplyResult on_answered(const Event& e);
  ApplyResult on_left_queue(const Event& e);  // abandoned or exited
  ApplyResult on_completed(const Event& e);
  ApplyResult on_agent_state(const Event& e);
  void set_agent_state(Agent& agent, AgentStatus state, Timestamp ts);
  void set_agent_queues(Agent& agent, const std::vector<std::string>& queues);
  void end_handling(Agent& agent, Timestamp ts);
  void record(Queue& queue, Timestamp at, const OutcomeCounters& delta);
  void mark_changed(Queue& queue);
  void mark_all_changed();
  void count_members(const Agent& agent, std::int64_t sign);
  void remember_abandon(AbandonedCall abandon);
  void mark_changed(const std::string& queue_name);
  void count_handle_end(Agent& agent, Queue& queue, Timestamp answered_at, Timestamp ended_at);
  void add_limit_crossings(FloorSnapshot& snapshot) const;
  void save_agent_days(ByteWriter& out) const;
  void load_agent_days(ByteReader& in, std::uint64_t version,
                       std::unordered_map<std::string, Agent>& agents) const;
  void record_in_groups(const std::string& queue, Timestamp at,
                        const QueueGroups::Classify& classify);
  AgentSnapshot agent_snapshot(const std::string& id, const Agent& agent) const;
  /// Every agent's picture changes at once (a new day, names, limits, calendar, load()).
  void change_every_agent();
  /// agent() is about to change `a`: remembered for agents_changed_since().
  void log_agent_change(const Agent& a);
  QueueSnapshot snapshot_queue(const Queue& queue, Timestamp now,
                               const SnapshotOptions& options) const;
  void forecast_waiting(const Queue& queue, Timestamp now, QueueSnapshot& snapshot) const;
  std::vector<GroupSnapshot> snapshot_groups(Timestamp now) const;

  FloorConfig config_;
  std::shared_ptr<const SiteCalendar> calendar_;  // replaced, never changed, by reconfigure()
  std::map<std::string, std::unique_ptr<Queue>, std::less<>> queues_;
  std::unordered_map<std::string, Call> calls_;
  std::unordered_map<std::string, Agent> agents_;
  Timestamp latest_advance_{};
  std::optional<Timestamp> applying_event_at_;  // set while apply() runs
  Timestamp last_prune_day_{};
  // Change tracking, so readers can ask for the queues changed since their last snapshot.
  std::uint64_t revision_ = 0;
  std::uint64_t reloaded_at_revision_ = 0;        // load(): older readers need every queue
  Timestamp figures_interval_{}, figures_day_{};  // what the last snapshot's `now` fell in
  std::array<std::int64_t, kAgentStatusCount> agents_by_state_{};  // whole site, kept live
  std::deque<AbandonedCall> recent_abandons_;
  std::uint64_t abandons_recorded_ = 0;       // numbers the abandons: readers take the new ones
  std::uint64_t agents_revision_ = 0;         // every path that changes an agent goes via agent()
  std::uint64_t every_agent_changed_at_ = 0;  // change_every_agent(): readers take them all
  // (agents_revision_, agent) per change, oldest first, so a reader of the few agents that
  // changed does not walk them all; complete for revisions after agent_log_complete_after_.
  std::vector<std::pair<std::uint64_t, const Agent*>> agent_log_;
  std::uint64_t agent_log_complete_after_ = 0;
  CallbackWorklist callbacks_;
  QueueGroups groups_;  // fed by record_in_groups() with every member outcome
};

}  // namespace floorwatch::core
