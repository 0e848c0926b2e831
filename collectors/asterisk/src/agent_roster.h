#pragma once
// What the Asterisk mappers know about each queue member, and the one rule that turns it into
// a canonical agent state. Shared by the queue_log and AMI mappers so both report agents the
// same way. Internal to floorwatch_asterisk; not thread-safe (owned by one mapper).
#include <map>
#include <set>
#include <string>
#include <vector>

#include "floorwatch/core/event.h"

namespace floorwatch::asterisk {

/// Device state as reported by AMI `Status` (ast_device_state), folded to what matters here.
enum class DeviceState { Unknown, Idle, InUse, Ringing, Unavailable };

/// Membership, pause and activity facts for one member, keyed by membername.
struct AgentFacts {
  std::set<std::string> queues;         ///< queues it is a member of (explicit or learned)
  std::set<std::string> paused_queues;  ///< subset of queues it is paused in
  bool paused_everywhere = false;       ///< PAUSEALL / pause without queue
  std::string pause_reason;
  std::string current_call;  ///< call id it is connected to, empty when none
  bool ringing = false;      ///< AMI AgentCalled seen, no outcome yet
  DeviceState device = DeviceState::Unknown;
  enum class Login { Unknown, LoggedIn, LoggedOut } login = Login::Unknown;
};

/// Tracks members and emits an agent_state event only when the derived (state, reason,
/// queues) triple changes, so repeated or redundant Asterisk lines produce no duplicates.
class AgentRoster {
 public:
  /// Records that `interface` (e.g. "PJSIP/1001") is the member called `member_name`.
  void add_alias(const std::string& interface, const std::string& member_name);
  /// The member name for an interface-or-name, as far as aliases are known.
  std::string resolve(const std::string& interface_or_name) const;

  AgentFacts& facts(const std::string& agent) { return agents_[agent]; }
  const std::map<std::string, AgentFacts>& all() const { return agents_; }

  /// Appends agent_state for `agent` at `ts` (clamped so an agent's events never go back in
  /// time) when the derived state differs from the last one emitted.
  void emit_if_changed(const std::string& agent, core::Timestamp ts, std::vector<core::Event>& out);

  static core::AgentStatus derive_state(const AgentFacts& facts);

 private:
  struct Emitted {
    core::AgentStatus state;
    std::string reason;
    std::vector<std::string> queues;
    core::Timestamp ts;
  };
  std::map<std::string, AgentFacts> agents_;
  std::map<std::string, Emitted> last_emitted_;
  std::map<std::string, std::string> member_name_by_interface_;
};

}  // namespace floorwatch::asterisk
