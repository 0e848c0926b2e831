#pragma once
// Why an event was not applied. Each reason is a value of the `reason` label of
// floorwatch_events_rejected_total; the rules are documented in docs/events.md.
#include <array>
#include <string_view>

namespace floorwatch::core {

enum class RejectReason {
  Malformed,          ///< frame or line could not be decoded
  MissingField,       ///< a field the event type requires is empty
  InvalidValue,       ///< a field has a value outside its domain
  UnknownCall,        ///< answer/abandon/exit/complete for a call never enqueued (or long gone)
  DuplicateCall,      ///< call_enqueued for a call id that is still active
  CallNotWaiting,     ///< answer/abandon/exit for a call that is no longer waiting
  CallNotConnected,   ///< call_completed for a call that was never answered
  OutOfOrder,         ///< timestamp earlier than the call's or agent's previous event
  DuplicateSequence,  ///< (source, session, seq) already applied: a resend
  SequenceGap,        ///< seq skipped ahead; held back until the missing events arrive
  Count_,
};

inline constexpr std::size_t kRejectReasonCount = static_cast<std::size_t>(RejectReason::Count_);
std::string_view to_string(RejectReason reason);

}  // namespace floorwatch::core
