#pragma once
// Turns AMI queue events (Asterisk 12+ names and the 1.8/11 ones) and QueueStatus replies into
// canonical floorwatch events. Mapping table and quirks: docs/collectors/asterisk.md. Pure:
// the caller passes `now` because AMI events carry no time unless `timestampevents=yes`.
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "floorwatch/asterisk/ami_framer.h"
#include "floorwatch/core/event.h"

namespace floorwatch::asterisk {

class AgentRoster;

/// What the mapper did with one message; each is a counter the collector exports.
enum class AmiOutcome {
  Mapped,     ///< a queue event or QueueStatus reply; zero or more canonical events resulted
  Ignored,    ///< any other event, a response or an action echo
  Duplicate,  ///< repeats what is already known (second join, QueueEntry of a tracked call)
  Orphan,     ///< about a call never seen, without the fields to rebuild it
  Invalid,    ///< a key the event needs is missing or malformed; `error` names it
};
inline constexpr std::size_t kAmiOutcomeCount = 5;
std::string_view to_string(AmiOutcome outcome);

/// Result of mapping one message. Plain value type.
struct AmiMapResult {
  AmiOutcome outcome = AmiOutcome::Mapped;
  std::vector<core::Event> events;
  std::string error;  ///< "<Event>: <Key> ..." when outcome == Invalid
};

/// Asterisk's own figures for one queue from a QueueParams reply, kept to show next to
/// floorwatch's. Text fields are as Asterisk printed them. Plain value type.
struct AmiQueueParams {
  std::int64_t service_level_seconds = 0;             ///< `ServiceLevel`
  std::int64_t completed = 0;                         ///< `Completed` (C)
  std::int64_t abandoned = 0;                         ///< `Abandoned` (A)
  std::int64_t calls_waiting = 0;                     ///< `Calls`
  std::string service_level_percent;                  ///< `ServicelevelPerf`, e.g. "66.7"
  std::optional<std::string> service_level2_percent;  ///< `ServicelevelPerf2` (15+ only)
};

/// Running totals. Plain value type.
struct AmiMapperStats {
  std::array<std::int64_t, kAmiOutcomeCount> outcomes{};
  std::int64_t seeded_calls = 0;            ///< callers learned from QueueEntry (wait kept)
  std::int64_t reconstructed_calls = 0;     ///< answer/abandon/complete of a call never joined
  std::int64_t leaves_without_outcome = 0;  ///< Leave not followed by connect/abandon: key exit
  /// Calls that ended while the link was down, found missing by a reconnect's QueueStatus.
  std::int64_t calls_closed_after_gap = 0;
  std::map<std::string, std::int64_t, std::less<>> ignored_by_event;

  std::int64_t count(AmiOutcome outcome) const {
    return outcomes[static_cast<std::size_t>(outcome)];
  }
};

/// Options. Plain value type.
struct AmiMapperOptions {
  /// How long a caller may sit between QueueCallerLeave and AgentConnect (announcements,
  /// memberdelay) before `expire` decides it left by pressing a key.
  std::chrono::milliseconds leave_outcome_grace{30'000};
  /// How far a reported HoldTime may disagree with our own receipt times before the
  /// message time wins.
  std::chrono::milliseconds wait_tolerance{1000};
  std::size_t remembered_finished_calls = 4096;
};

/// Stateful mapper from AMI messages to canonical events. Not thread-safe.
class AmiMapper {
 public:
  explicit AmiMapper(AmiMapperOptions options = {});
  ~AmiMapper();
  AmiMapper(AmiMapper&&) noexcept;
  AmiMapper& operator=(AmiMapper&&) noexcept;

  /// Maps one message. `now` stamps events that carry no `Timestamp:` key.
  AmiMapResult map(const AmiMessage& message, core::Timestamp now);
  /// Closes callers that left the waiting list more than the grace ago with no outcome
  /// (AMI has no event for EXITWITHKEY): call_exited(key) at the time they left.
  std::vector<core::Event> expire(core::Timestamp now);
  /// Call before sending the QueueStatus of a reconnect. At its QueueStatusComplete, callers
  /// believed waiting that no QueueEntry named ended while the link was down (outcome unknown):
  /// they become call_exited(transfer), and connected calls whose member the list shows idle
  /// become call_completed, both at that time and counted in calls_closed_after_gap.
  void begin_status_reconciliation();

  const AmiMapperStats& stats() const { return stats_; }
  const std::map<std::string, AmiQueueParams>& queue_params() const { return queue_params_; }
  /// Calls known to be waiting (not yet connected), per queue.
  std::map<std::string, std::vector<std::string>> waiting_calls() const;
  /// The mapper's current view of each member (what its agent_state events last said).
  std::map<std::string, core::AgentStatus> agent_states() const;
  std::map<std::string, std::vector<std::string>> agent_queues() const;

 private:
  struct OpenCall {
    std::string queue;
    core::Timestamp enqueued{};
    std::optional<core::Timestamp> left_waiting_list;
    bool connected = false;
    core::Timestamp answered{};
    std::string agent;
  };
  struct Context;

  void on_join(Context& context);
  void on_leave(Context& context);
  void on_abandon(Context& context);
  void on_connect(Context& context);
  void on_complete(Context& context);
  void on_ring(Context& context, bool ringing);
  void on_member(Context& context, std::string_view kind);
  void on_queue_entry(Context& context);
  void on_queue_params(Context& context);
  void on_status_complete(Context& context);

  OpenCall& open_call(Context& context, const std::string& call_id, const std::string& queue,
                      core::Timestamp enqueued_at, std::string caller);
  core::Timestamp after_wait(const OpenCall& call, core::Timestamp message_ts,
                             core::Duration wait) const;
  void answer(Context& context, const std::string& call_id, OpenCall& call, core::Timestamp at,
              const std::string& agent);
  void forget(const std::string& call_id, core::Timestamp at);
  bool recently_finished(const std::string& call_id) const;
  std::string agent_of(Context& context);

  AmiMapperOptions options_;
  AmiMapperStats stats_;
  std::unique_ptr<AgentRoster> roster_;
  std::unordered_map<std::string, OpenCall> calls_;
  std::unordered_map<std::string, core::Timestamp> finished_at_;
  std::deque<std::string> finished_order_;
  std::map<std::string, AmiQueueParams> queue_params_;
  std::optional<std::set<std::string>> listed_in_status_;  // during a reconciling QueueStatus
};

}  // namespace floorwatch::asterisk
