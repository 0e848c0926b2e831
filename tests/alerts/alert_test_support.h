#pragma once
// Builders for alert engine tests: a floor snapshot with named queues, a config from YAML,
// and helpers to pick transitions and notifications out of a result.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "alerts/alert_engine.h"
#include "alerts/rule_config.h"
#include "floorwatch/core/site_calendar.h"

namespace floorwatch::test {

using namespace std::chrono_literals;

/// Monday 2026-11-23 09:00:00 UTC (10:00 in Stockholm, winter time).
inline const core::Timestamp kMonday9Utc = core::from_epoch_ms(1'795'424'400'000);

/// A floor with queues; each queue starts with one available agent and nobody waiting.
class Floor {
 public:
  core::QueueSnapshot& queue(const std::string& name) {
    for (auto& queue : snapshot_.queues)
      if (queue.name == name) return queue;
    core::QueueSnapshot queue;
    queue.name = name;
    queue.agents_by_state[static_cast<std::size_t>(core::AgentStatus::Available)] = 1;
    queue.staffed_agents = 1;
    snapshot_.queues.push_back(queue);
    std::sort(snapshot_.queues.begin(), snapshot_.queues.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return this->queue(name);
  }

  /// `count` callers waiting, the oldest since `oldest`.
  void waiting(const std::string& name, std::int64_t count, core::Timestamp oldest) {
    auto& q = queue(name);
    q.calls_waiting = count;
    q.oldest_enqueued_at = oldest;
  }
  void nobody_waiting(const std::string& name) {
    auto& q = queue(name);
    q.calls_waiting = 0;
    q.oldest_enqueued_at.reset();
  }
  void agents(const std::string& name, core::AgentStatus state, std::int64_t count) {
    queue(name).agents_by_state[static_cast<std::size_t>(state)] = count;
  }
  void remove(const std::string& name) {
    std::erase_if(snapshot_.queues, [&](const auto& q) { return q.name == name; });
  }

  /// The site settings the pictures carry (as the daemon's do).
  void calendar(std::shared_ptr<const core::SiteCalendar> calendar) {
    snapshot_.calendar = std::move(calendar);
  }

  const core::FloorSnapshot& at(core::Timestamp now) {
    snapshot_.now = now;
    return snapshot_;
  }

 private:
  core::FloorSnapshot snapshot_;
};

inline alerts::AlertsConfig config(const std::string& yaml) {
  return alerts::parse_alerts_config_text(yaml, "test.yaml");
}

/// Notifiers and a three-tier policy most tests share; append `rules:` to it.
inline const std::string kNotifiersAndPolicy = R"(
notifiers:
  log: {type: log}
escalation_policies:
  default:
    - {name: floor-lead, after: 0s, notifiers: [log], repeat: 5m}
    - {name: supervisor, after: 3m, notifiers: [log], repeat: 10m}
    - {name: operations-manager, after: 10m, notifiers: [log]}
)";

inline const std::vector<alerts::SourceActivity> kNoSources;

/// An `alerts:` document: the notifiers and policy above plus these rules.
inline std::string rules(const std::string& yaml) {
  return kNotifiersAndPolicy + "rules:\n" + yaml;
}

inline std::vector<alerts::Transition> transitions_to(const alerts::EvaluationResult& result,
                                                      alerts::AlertState state) {
  std::vector<alerts::Transition> found;
  for (const auto& transition : result.transitions)
    if (transition.to == state) found.push_back(transition);
  return found;
}

/// "tier:kind" for each notification, in order, e.g. "floor-lead:firing".
inline std::vector<std::string> notified(const std::vector<alerts::Notification>& notifications) {
  std::vector<std::string> found;
  for (const auto& notification : notifications)
    found.push_back(notification.tier + ":" + std::string(alerts::to_string(notification.kind)));
  return found;
}

}  // namespace floorwatch::test
