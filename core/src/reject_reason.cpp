#include "floorwatch/core/reject_reason.h"

namespace floorwatch::core {

std::string_view to_string(RejectReason reason) {
  static constexpr std::array<std::string_view, kRejectReasonCount> kNames{
      "malformed",          "missing_field",    "invalid_value",      "unknown_call",
      "duplicate_call",     "call_not_waiting", "call_not_connected", "out_of_order",
      "duplicate_sequence", "sequence_gap"};
  const auto index = static_cast<std::size_t>(reason);
  return index < kNames.size() ? kNames[index] : std::string_view{"unknown"};
}

}  // namespace floorwatch::core
