#pragma once
// The canonical event model: what every collector produces and the daemon consumes.
// Documented field by field in docs/events.md.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floorwatch/core/time.h"

namespace floorwatch::core {

enum class EventType {
  CallEnqueued,
  CallAnswered,
  CallAbandoned,
  CallExited,
  CallCompleted,
  AgentState
};
enum class Channel { Voice, Chat, Email, Callback };
/// Why a call left the queue unanswered without the caller hanging up.
enum class ExitReason { Timeout, NoAgents, Key, Transfer };
enum class AgentStatus { Available, Ringing, Busy, Wrapup, Paused, Offline };

inline constexpr std::size_t kExitReasonCount = 4;
inline constexpr std::size_t kAgentStatusCount = 6;

/// One normalised ACD event. Fields not used by `type` stay empty. Plain value type.
struct Event {
  EventType type = EventType::CallEnqueued;
  Timestamp ts{};
  std::string call;                  ///< call id (all call_* events)
  std::string queue;                 ///< call_enqueued
  std::string agent;                 ///< call_answered, agent_state
  std::string caller;                ///< call_enqueued, optional caller id (for call-backs)
  Channel channel = Channel::Voice;  ///< call_enqueued
  ExitReason exit_reason = ExitReason::Timeout;  ///< call_exited
  AgentStatus state = AgentStatus::Available;    ///< agent_state
  std::string reason;                            ///< agent_state: free text such as "lunch"
  /// agent_state: queue memberships; nullopt = unchanged, empty vector = member of none.
  std::optional<std::vector<std::string>> queues;
};

// Canonical lower_snake_case names, as used in JSON lines, docs and metric labels.
std::string_view to_string(EventType type);
std::string_view to_string(Channel channel);
std::string_view to_string(ExitReason reason);
std::string_view to_string(AgentStatus status);
std::optional<EventType> parse_event_type(std::string_view text);
std::optional<Channel> parse_channel(std::string_view text);
std::optional<ExitReason> parse_exit_reason(std::string_view text);
std::optional<AgentStatus> parse_agent_status(std::string_view text);

/// Parses RFC 3339 UTC ("2026-11-24T09:30:00.250Z", offsets like "+01:00" accepted) or an
/// integer count of epoch milliseconds. Returns nullopt when the text is neither.
std::optional<Timestamp> parse_timestamp(std::string_view text);
/// Formats as RFC 3339 UTC with milliseconds, e.g. "2026-11-24T09:30:00.250Z".
std::string format_timestamp(Timestamp ts);

}  // namespace floorwatch::core
