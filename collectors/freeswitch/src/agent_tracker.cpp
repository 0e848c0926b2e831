#include "agent_tracker.h"

#include <algorithm>
#include <array>

namespace floorwatch::freeswitch {
namespace {

using core::AgentStatus;
using core::Timestamp;

constexpr std::array<std::string_view, 5> kStatuses = {
    "Logged Out", "Available", "Available (On Demand)", "On Break", "Unknown"};
constexpr std::array<std::string_view, 6> kStates = {"Waiting", "Receiving", "In a queue call",
                                                     "Idle",    "Reserved",  "Unknown"};

}  // namespace

bool AgentTracker::known_status(std::string_view status) {
  return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

bool AgentTracker::known_state(std::string_view state) {
  return std::find(kStates.begin(), kStates.end(), state) != kStates.end();
}

// The order matters: what the module does with the agent's phone (ringing, talking) wins over
// the status a person set, and the status wins over the inferred wrap-up.
std::pair<AgentStatus, std::string> AgentTracker::effective(const Agent& agent, Timestamp at) {
  if (agent.state == "Receiving" || agent.state == "Reserved") return {AgentStatus::Ringing, ""};
  if (agent.state == "In a queue call") return {AgentStatus::Busy, ""};
  if (agent.status == "Logged Out" || agent.status == "Unknown") return {AgentStatus::Offline, ""};
  if (agent.status == "On Break") return {AgentStatus::Paused, "On Break"};
  if (agent.wrapup_until && at < *agent.wrapup_until) return {AgentStatus::Wrapup, ""};
  // `Available (On Demand)` agents go Idle after each call and take none until set Waiting.
  if (agent.state == "Idle") return {AgentStatus::Paused, "Idle"};
  return {AgentStatus::Available, ""};
}

void AgentTracker::report(const std::string& name, Agent& agent, Timestamp at,
                          std::vector<core::Event>& out,
                          std::optional<std::vector<std::string>> queues) {
  auto [state, reason] = effective(agent, at);
  if (!queues && agent.reported == state && agent.reported_reason == reason) return;
  core::Event event;
  event.type = core::EventType::AgentState;
  event.ts = std::max(at, agent.last);  // never older than what was said before
  event.agent = name;
  event.state = state;
  event.reason = reason;
  event.queues = std::move(queues);
  agent.reported = state;
  agent.reported_reason = std::move(reason);
  agent.last = event.ts;
  out.push_back(std::move(event));
}

void AgentTracker::on_status(const std::string& name, std::string_view status, Timestamp at,
                             std::vector<core::Event>& out) {
  Agent& agent = agents_[name];
  agent.status = status;
  report(name, agent, at, out);
}

void AgentTracker::on_state(const std::string& name, std::string_view state, Timestamp at,
                            std::vector<core::Event>& out) {
  Agent& agent = agents_[name];
  agent.state = state;
  report(name, agent, at, out);
}

void AgentTracker::on_answered(const std::string& name, Timestamp at) {
  Agent& agent = agents_[name];
  agent.reported = AgentStatus::Busy;
  agent.reported_reason.clear();
  agent.wrapup_until.reset();
  agent.last = std::max(agent.last, at);
}

void AgentTracker::on_completed(const std::string& name, Timestamp at,
                                std::vector<core::Event>& out) {
  Agent& agent = agents_[name];
  if (agent.reported != AgentStatus::Busy) return;  // the daemon starts no wrap-up either
  agent.reported = AgentStatus::Wrapup;
  agent.last = std::max(agent.last, at);
  if (agent.wrap_up_seconds > 0) {
    agent.wrapup_until = at + std::chrono::seconds(agent.wrap_up_seconds);
    return;
  }
  // No wrap-up time: the next state is already known unless the module still shows the call.
  if (agent.state != "In a queue call" && agent.state != "Receiving") report(name, agent, at, out);
}

void AgentTracker::expire(Timestamp now, std::vector<core::Event>& out) {
  for (auto& [name, agent] : agents_) {
    if (!agent.wrapup_until || now < *agent.wrapup_until) continue;
    const Timestamp ready = *agent.wrapup_until;
    agent.wrapup_until.reset();
    report(name, agent, ready, out);
  }
}

void AgentTracker::seed(const std::string& name, std::string_view status, std::string_view state,
                        std::int64_t wrap_up_seconds, std::int64_t ready_epoch,
                        std::vector<std::string> queues, Timestamp now,
                        std::vector<core::Event>& out) {
  Agent& agent = agents_[name];
  agent.status = status;
  agent.state = state;
  agent.wrap_up_seconds = wrap_up_seconds;
  const Timestamp ready{std::chrono::seconds(ready_epoch)};
  // A Waiting agent whose ready_time is still ahead is in wrap-up (or a no-answer delay).
  agent.wrapup_until.reset();
  if (state == "Waiting" && ready > now) agent.wrapup_until = ready;
  report(name, agent, now, out, std::move(queues));
}

std::map<std::string, AgentStatus> AgentTracker::reported() const {
  std::map<std::string, AgentStatus> states;
  for (const auto& [name, agent] : agents_)
    if (agent.reported) states[name] = *agent.reported;
  return states;
}

}  // namespace floorwatch::freeswitch
