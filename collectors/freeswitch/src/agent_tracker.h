#pragma once
// What the FreeSWITCH mapper knows of each agent, and the one rule that turns mod_callcenter's
// status (set by people) + state (set by the module) + inferred wrap-up into a canonical agent
// state. mod_callcenter has no wrap-up state: after a call the agent is `Waiting` at once but
// gets no call before `ready_time` = end + wrap-up-time, so wrap-up is inferred from the
// agent's wrap_up_time (read from `agent list`).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "floorwatch/core/event.h"

namespace floorwatch::freeswitch {

/// Per-agent facts and the agent_state events they cause. Agent names are the renamed ones.
/// Not thread-safe.
class AgentTracker {
 public:
  /// The statuses and states mod_callcenter prints (mod_callcenter.c, AGENT_STATUS_CHART and
  /// AGENT_STATE_CHART; `Reserved` only in newer builds).
  static bool known_status(std::string_view status);
  static bool known_state(std::string_view state);

  void on_status(const std::string& agent, std::string_view status, core::Timestamp at,
                 std::vector<core::Event>& out);
  void on_state(const std::string& agent, std::string_view state, core::Timestamp at,
                std::vector<core::Event>& out);
  /// call_answered made the agent busy in the daemon.
  void on_answered(const std::string& agent, core::Timestamp at);
  /// call_completed put a busy agent into wrap-up in the daemon: it lasts the agent's
  /// wrap_up_time, or ends with the next state the module reports when that is 0.
  void on_completed(const std::string& agent, core::Timestamp at, std::vector<core::Event>& out);
  /// Ends wrap-ups whose ready time has come.
  void expire(core::Timestamp now, std::vector<core::Event>& out);
  /// One `agent list` row plus its queues from `tier list`; always reported (queues included).
  void seed(const std::string& agent, std::string_view status, std::string_view state,
            std::int64_t wrap_up_seconds, std::int64_t ready_epoch, std::vector<std::string> queues,
            core::Timestamp now, std::vector<core::Event>& out);

  std::map<std::string, core::AgentStatus> reported() const;

 private:
  struct Agent {
    std::string status = "Available";
    std::string state = "Waiting";
    std::int64_t wrap_up_seconds = 0;
    std::optional<core::Timestamp> wrapup_until;
    std::optional<core::AgentStatus> reported;
    std::string reported_reason;
    core::Timestamp last{};
  };

  static std::pair<core::AgentStatus, std::string> effective(const Agent& agent,
                                                             core::Timestamp at);
  void report(const std::string& name, Agent& agent, core::Timestamp at,
              std::vector<core::Event>& out,
              std::optional<std::vector<std::string>> queues = std::nullopt);

  std::map<std::string, Agent> agents_;
};

}  // namespace floorwatch::freeswitch
