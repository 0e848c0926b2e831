#pragma once
// Notifiers of an earlier config after a reload: they keep delivering what they had queued
// (the "resolved" notices of removed rules among it) until done or out of retry budget, then
// stop, off the loop. Never blocks.
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "alerts/notifiers/dispatcher.h"
#include "alerts/rule_config.h"
#include "daemon/alert_metrics.h"

namespace floorwatch::daemon {

/// How long `dispatcher` may need to deliver what it holds: each notifier's retry budget for
/// every notice queued or in flight, capped so a dead receiver cannot keep threads forever.
std::chrono::milliseconds retirement_budget(const alerts::NotificationDispatcher& dispatcher,
                                            const alerts::AlertsConfig& config);

/// Loop thread only.
class NotifierRetirement {
 public:
  static constexpr std::chrono::milliseconds kMaxRetirement = std::chrono::minutes(10);

  /// `dispatcher` delivers on by itself until it is idle or `deadline` has passed.
  void retire(std::unique_ptr<alerts::NotificationDispatcher> dispatcher,
              std::chrono::steady_clock::time_point deadline);
  /// Takes over every dispatcher `other` was retiring (a second reload before they finished).
  void take_all(NotifierRetirement& other);
  /// Stops those that are done or past their deadline, and lets go of stopped ones (their
  /// final counts settle in `metrics`).
  void release(std::chrono::steady_clock::time_point now, AlertMetrics& metrics);
  /// Shutdown: every retiring dispatcher stops at once.
  void stop_all();
  std::vector<const alerts::NotificationDispatcher*> dispatchers() const;
  std::size_t size() const { return retiring_.size(); }

 private:
  struct Retiring {
    std::unique_ptr<alerts::NotificationDispatcher> dispatcher;
    std::chrono::steady_clock::time_point deadline;
    bool stop_requested = false;
  };
  std::vector<Retiring> retiring_;
};

}  // namespace floorwatch::daemon
