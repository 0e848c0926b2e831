#include "agent_roster.h"

#include <algorithm>

namespace floorwatch::asterisk {

using core::AgentStatus;

void AgentRoster::add_alias(const std::string& interface, const std::string& member_name) {
  if (interface.empty() || member_name.empty() || interface == member_name) return;
  member_name_by_interface_[interface] = member_name;
}

std::string AgentRoster::resolve(const std::string& interface_or_name) const {
  const auto found = member_name_by_interface_.find(interface_or_name);
  return found == member_name_by_interface_.end() ? interface_or_name : found->second;
}

AgentStatus AgentRoster::derive_state(const AgentFacts& facts) {
  // Order matters: a logged-off or unreachable device cannot take calls whatever else we know;
  // a member on a call is busy even when paused (Asterisk lets a paused member finish the
  // call); pause only counts when it covers every queue, because a member paused in one queue
  // still takes calls from the others.
  if (facts.login == AgentFacts::Login::LoggedOut) return AgentStatus::Offline;
  if (facts.device == DeviceState::Unavailable) return AgentStatus::Offline;
  if (!facts.current_call.empty() || facts.device == DeviceState::InUse) return AgentStatus::Busy;
  if (facts.ringing || facts.device == DeviceState::Ringing) return AgentStatus::Ringing;
  const bool paused_in_all_queues =
      !facts.queues.empty() && std::includes(facts.paused_queues.begin(), facts.paused_queues.end(),
                                             facts.queues.begin(), facts.queues.end());
  if (facts.paused_everywhere || paused_in_all_queues) return AgentStatus::Paused;
  if (facts.queues.empty() && facts.login != AgentFacts::Login::LoggedIn) {
    return AgentStatus::Offline;
  }
  return AgentStatus::Available;
}

void AgentRoster::emit_if_changed(const std::string& agent, core::Timestamp ts,
                                  std::vector<core::Event>& out) {
  const AgentFacts& facts = agents_[agent];
  const AgentStatus state = derive_state(facts);
  const std::string reason = state == AgentStatus::Paused ? facts.pause_reason : std::string{};
  std::vector<std::string> queues(facts.queues.begin(), facts.queues.end());

  auto previous = last_emitted_.find(agent);
  if (previous != last_emitted_.end()) {
    const Emitted& last = previous->second;
    if (last.state == state && last.reason == reason && last.queues == queues) return;
    ts = std::max(ts, last.ts);
  } else if (state == AgentStatus::Offline && queues.empty()) {
    // Nothing known about this member yet: announcing "offline, no queues" would only add an
    // agent the floor has never seen.
    return;
  }

  core::Event event;
  event.type = core::EventType::AgentState;
  event.ts = ts;
  event.agent = agent;
  event.state = state;
  event.reason = reason;
  event.queues = queues;
  out.push_back(event);
  last_emitted_[agent] = Emitted{state, reason, std::move(queues), ts};
}

}  // namespace floorwatch::asterisk
