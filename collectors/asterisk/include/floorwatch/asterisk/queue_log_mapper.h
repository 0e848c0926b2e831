#pragma once
// Turns parsed queue_log records into canonical floorwatch events. The mapping table, the
// choice of wait time and every quirk handled here are documented in docs/collectors/asterisk.md.
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "floorwatch/asterisk/queue_log_parser.h"
#include "floorwatch/core/event.h"

namespace floorwatch::asterisk {

class AgentRoster;

/// What the mapper did with one record. Each value is a counter the collector exports and
/// the label of its rate-limited log line.
enum class QueueLogOutcome {
  Mapped,     ///< a known event; zero or more canonical events resulted
  Ignored,    ///< an event name floorwatch does not use (DID, INFO, PENALTY, custom ...)
  Duplicate,  ///< repeats something already mapped (same call entering twice, second COMPLETE)
  Orphan,     ///< cannot be placed: an unseen call without the fields to rebuild it, or a step
              ///< that contradicts what was seen (ABANDON after CONNECT)
  Invalid,    ///< a field the event needs is missing or malformed; `error` says which
};
inline constexpr std::size_t kQueueLogOutcomeCount = 5;
std::string_view to_string(QueueLogOutcome outcome);

/// Result of mapping one record. Plain value type.
struct QueueLogMapResult {
  QueueLogOutcome outcome = QueueLogOutcome::Mapped;
  std::vector<core::Event> events;
  std::optional<QueueLogParseError> error;  ///< set when outcome == Invalid
};

/// Running totals, for metrics and tests. Plain value type.
struct QueueLogMapperStats {
  std::array<std::int64_t, kQueueLogOutcomeCount> outcomes{};
  /// Calls first seen after they entered the queue (collector started mid-call): their
  /// call_enqueued (and call_answered) were rebuilt from the hold/wait/talk fields.
  std::int64_t reconstructed_calls = 0;
  /// Answers/exits whose logged wait disagreed with the timestamps by more than 1 s, so the
  /// line's own epoch was used instead (see docs: "which wait time").
  std::int64_t wait_mismatches = 0;
  /// Calls still open when QUEUESTART (Asterisk restart) arrived.
  std::int64_t calls_cut_by_restart = 0;
  /// Calls that reappeared in another queue without an end line for the first one.
  std::int64_t stale_calls_closed = 0;
  std::map<std::string, std::int64_t, std::less<>> ignored_by_event;

  std::int64_t count(QueueLogOutcome outcome) const {
    return outcomes[static_cast<std::size_t>(outcome)];
  }
};

/// Options that cannot be learned from queue_log alone. Plain value type.
struct QueueLogMapperOptions {
  /// interface -> membername. ADDMEMBER/REMOVEMEMBER name the interface (unless
  /// `log_membername_as_agent=yes`) while call and pause lines name the member; without this
  /// map a member with a configured MemberName appears as two agents.
  std::map<std::string, std::string> member_names;
  /// How far a logged wait may disagree with `line epoch - enqueue epoch` before the line's
  /// epoch wins. Asterisk's whole-second clocks differ by up to 1 s (formats §4.6).
  std::chrono::milliseconds wait_tolerance{1000};
  /// How many finished call ids are remembered to recognise replayed or repeated lines.
  std::size_t remembered_finished_calls = 4096;
};

/// Stateful mapper from queue_log records to canonical events: tracks calls in flight and each
/// member's queues and pauses. Feed records in file order. Not thread-safe.
class QueueLogMapper {
 public:
  explicit QueueLogMapper(QueueLogMapperOptions options = {});
  ~QueueLogMapper();
  QueueLogMapper(QueueLogMapper&&) noexcept;
  QueueLogMapper& operator=(QueueLogMapper&&) noexcept;

  QueueLogMapResult map(const QueueLogRecord& record);

  const QueueLogMapperStats& stats() const { return stats_; }
  /// Calls currently waiting or connected, as far as the log has shown.
  std::size_t open_call_count() const { return calls_.size(); }

 private:
  struct OpenCall {
    std::string queue;
    core::Timestamp enqueued{};
    bool connected = false;
    core::Timestamp answered{};
    std::string agent;
  };
  struct Context;

  void on_enter(Context& context);
  void on_connect(Context& context);
  void on_call_end(Context& context, std::size_t holdtime_index, std::size_t calltime_index);
  void on_left_queue(Context& context, std::size_t wait_index);
  void on_member_change(Context& context);
  void on_pause(Context& context, bool paused, bool all_queues);
  void on_agent_login(Context& context, bool logged_in);
  void on_queue_start(Context& context);

  // Opens the record's call as entering its queue at `enqueued_at` and emits call_enqueued.
  OpenCall& open_call(Context& context, core::Timestamp enqueued_at, std::string caller);
  // The timestamp to use for a call leaving the queue after a logged wait.
  core::Timestamp leave_time(const OpenCall& call, core::Timestamp line_ts, core::Duration wait);
  void answer(Context& context, OpenCall& call, core::Timestamp at, const std::string& agent);
  void finish(Context& context, const std::string& call_id, core::Timestamp at);
  // Emits call_abandoned / call_exited for a waiting call and forgets it.
  void leave(Context& context, const std::string& call_id, core::Timestamp at, core::EventType type,
             core::ExitReason reason);
  // True when `call_id` finished at or after `line_ts`: the line is a repeat.
  bool finished_after(const std::string& call_id, core::Timestamp line_ts, bool inclusive) const;
  void remember_finished(const std::string& call_id, core::Timestamp at);
  // Closes a call whose end never appeared in the log before it reappeared elsewhere.
  void close_stale(Context& context, const std::string& call_id, core::Timestamp at);

  QueueLogMapperOptions options_;
  QueueLogMapperStats stats_;
  std::unique_ptr<AgentRoster> roster_;
  std::unordered_map<std::string, OpenCall> calls_;
  std::unordered_map<std::string, core::Timestamp> finished_at_;
  std::deque<std::string> finished_order_;
};

}  // namespace floorwatch::asterisk
