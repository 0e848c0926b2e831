#pragma once
// Turns mod_callcenter's `CUSTOM callcenter::info` events (plus CHANNEL_HANGUP_COMPLETE, which
// tells a caller's hang-up from a transfer) and a `callcenter_config` snapshot into canonical
// floorwatch events. Mapping table, the NONE race and the whole-second rule:
// docs/collectors/freeswitch.md. Pure: the caller passes `now`; event times come from the
// events' own CC-*-Time headers (epoch seconds) or Event-Date-Timestamp (microseconds).
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "floorwatch/core/event.h"
#include "floorwatch/freeswitch/callcenter_seed.h"
#include "floorwatch/freeswitch/esl_event.h"

namespace floorwatch::freeswitch {

class AgentTracker;

/// What the mapper did with one event; each is a counter the collector logs.
enum class CcOutcome {
  Mapped,     ///< a call or agent event; zero or more canonical events resulted
  Ignored,    ///< an action or event that carries nothing for the floor (members-count, ...)
  Duplicate,  ///< repeats what is already known (a second member-queue-start)
  Orphan,     ///< about a member never seen, without the headers to rebuild it
  Invalid,    ///< a header the action needs is missing or malformed; `error` names it
};
inline constexpr std::size_t kCcOutcomeCount = 5;
std::string_view to_string(CcOutcome outcome);

/// Result of mapping one event. Plain value type.
struct CcMapResult {
  CcOutcome outcome = CcOutcome::Mapped;
  std::vector<core::Event> events;
  std::string error;  ///< "<CC-Action>: <header> ..." when outcome == Invalid
};

/// Running totals. Plain value type.
struct CcMapperStats {
  std::array<std::int64_t, kCcOutcomeCount> outcomes{};
  std::int64_t abandoned_by_hangup = 0;  ///< Cancel + BREAK_OUT with the caller's channel down
  std::int64_t transferred = 0;          ///< Cancel + BREAK_OUT with the caller's channel alive
  std::int64_t none_races = 0;  ///< Cancel after bridge-agent-start: answered, then completed
  std::int64_t lost_races = 0;  ///< bridge-agent-fail ORIGINATOR_CANCEL / LOSE_RACE: not missed
  std::int64_t agent_missed_calls = 0;  ///< other bridge-agent-fail causes (no answer, busy, ...)
  std::int64_t unknown_cancel_reasons = 0;  ///< a CC-Cancel-Reason this build does not know
  std::int64_t reconstructed_calls = 0;     ///< answer/end of a member never seen joining
  std::int64_t seeded_calls = 0;            ///< members learned from `queue list members`
  /// Calls that ended while the link was down, found missing by a reconnect's snapshot.
  std::int64_t calls_closed_after_gap = 0;
  std::map<std::string, std::int64_t, std::less<>> ignored_by_action;

  std::int64_t count(CcOutcome outcome) const {
    return outcomes[static_cast<std::size_t>(outcome)];
  }
};

/// Options. Plain value type.
struct CcMapperOptions {
  /// Names as FreeSWITCH spells them ("support@default") -> names shown by floorwatch. Applies
  /// to queues and agents; names not listed pass through.
  std::map<std::string, std::string, std::less<>> renames;
  /// A Cancel/BREAK_OUT that carries no channel data waits this long for the caller's
  /// CHANNEL_HANGUP_COMPLETE (abandoned) before it is taken for a transfer.
  core::Duration hangup_grace{3000};
  std::size_t remembered_finished_calls = 4096;
};

/// Stateful mapper from ESL events to canonical events. Not thread-safe.
class CallcenterMapper {
 public:
  explicit CallcenterMapper(CcMapperOptions options = {});
  ~CallcenterMapper();
  CallcenterMapper(CallcenterMapper&&) noexcept;
  CallcenterMapper& operator=(CallcenterMapper&&) noexcept;

  /// Maps one event. `now` stamps events that carry no time of their own.
  CcMapResult map(const EslEvent& event, core::Timestamp now);
  /// Decides Cancel/BREAK_OUT members whose grace ran out (transfer) and ends wrap-ups whose
  /// time is up (agent_state at the agent's ready time).
  std::vector<core::Event> expire(core::Timestamp now);
  /// Applies a snapshot read after a (re)connect: waiting members keep their real join time,
  /// agents get their status, state and queues. With `reconcile` (a reconnect), tracked calls
  /// the snapshot no longer lists ended while the link was down: waiting ones become
  /// call_exited(transfer), answered ones call_completed, both at `now`.
  std::vector<core::Event> seed(const CallcenterSnapshot& snapshot, core::Timestamp now,
                                bool reconcile);

  const CcMapperStats& stats() const { return stats_; }
  /// Members believed waiting (not answered), per queue (renamed), for tests and logs.
  std::map<std::string, std::vector<std::string>> waiting_calls() const;
  /// The state each agent was last reported in.
  std::map<std::string, core::AgentStatus> agent_states() const;

 private:
  struct OpenCall {
    std::string queue;
    std::string session_uuid;
    core::Timestamp last{};  // latest event sent for it: later ones never go back in time
    bool answered = false;
    bool deciding = false;  // Cancel/BREAK_OUT seen, waiting for the caller's hang-up
    std::string agent = {};
  };
  struct PendingDecision {
    std::string member_uuid;
    core::Timestamp left{};
    core::Timestamp decide_by{};
  };
  struct Context;

  void on_member_start(Context& context);
  void on_bridge_start(Context& context);
  void on_bridge_end(Context& context);
  void on_member_end(Context& context);
  void on_cancel(Context& context, OpenCall& call, const std::string& member_uuid,
                 core::Timestamp left);
  void decide_break_out(Context& context, OpenCall& call, const std::string& member_uuid,
                        core::Timestamp left);
  void on_bridge_fail(Context& context);
  void on_agent_change(Context& context, bool status);
  OpenCall* rebuild(Context& context, const std::string& member_uuid);
  bool answer_from_headers(Context& context, const std::string& member_uuid, OpenCall& call);
  void on_channel_hangup(Context& context);

  OpenCall& enqueue(Context& context, const std::string& member_uuid, const std::string& queue,
                    core::Timestamp joined);
  void answer(std::vector<core::Event>& out, const std::string& member_uuid, OpenCall& call,
              core::Timestamp at, const std::string& agent);
  void complete(std::vector<core::Event>& out, const std::string& member_uuid, OpenCall& call,
                core::Timestamp at);
  void leave(std::vector<core::Event>& out, const std::string& member_uuid, core::Timestamp at,
             std::optional<core::ExitReason> exit_reason);
  void forget(const std::string& member_uuid);
  bool recently_finished(const std::string& member_uuid) const;
  void count_ignored(std::string_view what);
  bool caller_hung_up(const std::string& session_uuid) const;
  const std::string& renamed(const std::string& name) const;
  void seed_member(const CallcenterSnapshot::Member& member, core::Timestamp now,
                   std::vector<core::Event>& out);

  CcMapperOptions options_;
  CcMapperStats stats_;
  std::unique_ptr<AgentTracker> agents_;
  std::unordered_map<std::string, OpenCall> calls_;
  std::unordered_set<std::string> finished_;
  std::deque<std::string> finished_order_;
  std::unordered_set<std::string> hung_up_sessions_;
  std::deque<std::string> hung_up_order_;
  std::vector<PendingDecision> pending_;
};

}  // namespace floorwatch::freeswitch
