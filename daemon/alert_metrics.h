#pragma once
// floorwatch_alerts_firing, floorwatch_alert_transitions_total and the notifier counters: the
// alert figures /metrics shows, copied from the loop and read by scrape threads.
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "alerts/notifiers/dispatcher.h"
#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

// Exported alert figures, copied from the loop after each evaluation; read by scrape threads.
// Counters survive a reload: the successor carries them over, and the notifier counters of a
// retired dispatcher are kept ("settled") when it goes away.
class AlertMetrics final : public prometheus::Collectable {
 public:
  explicit AlertMetrics(Identity identity) : identity_(std::move(identity)) {}

  void set_firing(std::map<std::vector<std::string>, double> firing) {
    std::lock_guard lock(mutex_);
    firing_ = std::move(firing);
  }
  void count_transition(const std::string& rule, const std::string& to) {
    std::lock_guard lock(mutex_);
    ++transitions_[{rule, to}];
  }
  /// The loop changes this list; a dispatcher leaves it before it is destroyed.
  void set_dispatchers(std::vector<const alerts::NotificationDispatcher*> dispatchers) {
    std::lock_guard lock(mutex_);
    dispatchers_ = std::move(dispatchers);
  }
  /// Keeps a dispatcher's final counts and stops reading it (it is about to be destroyed).
  void settle(const alerts::NotificationDispatcher* dispatcher) {
    std::lock_guard lock(mutex_);
    for (const auto& counters : dispatcher->counters()) {
      settled_[counters.notifier].failed += static_cast<double>(counters.failed_attempts);
      settled_[counters.notifier].delivered += static_cast<double>(counters.delivered);
    }
    std::erase(dispatchers_, dispatcher);
  }
  /// A reload: the counters go on from the predecessor's values instead of restarting at 0.
  void carry_over(const AlertMetrics& predecessor) {
    std::scoped_lock lock(mutex_, predecessor.mutex_);
    transitions_ = predecessor.transitions_;
    settled_ = predecessor.settled_;
  }

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct NotifierTotals {
    double failed = 0;
    double delivered = 0;
  };
  Identity identity_;
  mutable std::mutex mutex_;
  std::vector<const alerts::NotificationDispatcher*> dispatchers_;
  std::map<std::string, NotifierTotals> settled_;  // of dispatchers already destroyed
  std::map<std::vector<std::string>, double> firing_;
  std::map<std::pair<std::string, std::string>, double> transitions_;
};

}  // namespace floorwatch::daemon
