#pragma once
// Delivers notification intents off the daemon loop: one worker thread and one bounded queue
// per notifier, so a notifier that is down or slow never blocks evaluation, ingestion or the
// other notifiers. Failed attempts are retried with exponential backoff and counted.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "alerts/notifiers/notifier.h"

namespace floorwatch::alerts {

/// Delivery counters of one notifier; the daemon exports failed_attempts as
/// floorwatch_notifications_failed_total{notifier}.
struct NotifierCounters {
  std::string notifier;
  std::uint64_t delivered = 0;
  std::uint64_t failed_attempts = 0;  ///< every attempt that did not deliver
  std::uint64_t retries = 0;          ///< attempts after the first
  std::uint64_t given_up = 0;  ///< notifications abandoned: max attempts or a permanent error
  std::uint64_t dropped = 0;   ///< overflow policy: the oldest queued one, when the queue is full
  std::size_t queued = 0;
  std::string last_error;
};

/// Thread-safe: submit() and counters() may be called from any thread.
class NotificationDispatcher {
 public:
  struct Registration {
    std::string name;
    std::unique_ptr<Notifier> notifier;
    RetryPolicy retry;
  };

  /// Starts one worker per notifier. `queue_capacity`: per notifier; when full the oldest
  /// queued notification is dropped (newer news is worth more) and counted.
  NotificationDispatcher(std::vector<Registration> notifiers, std::size_t queue_capacity);
  /// Stops the workers: waits for attempts in flight, drops (and counts) what is queued.
  ~NotificationDispatcher();
  NotificationDispatcher(const NotificationDispatcher&) = delete;
  NotificationDispatcher& operator=(const NotificationDispatcher&) = delete;

  /// Queues the notification for each of its notifiers. Never blocks on delivery.
  /// Unknown notifier names are counted in unknown_notifier_drops().
  void submit(const Notification& notification);
  void submit(const std::vector<Notification>& notifications);

  std::vector<NotifierCounters> counters() const;
  std::uint64_t unknown_notifier_drops() const { return unknown_notifier_drops_.load(); }

  /// Waits until every queue is empty and no attempt is in flight (tests, orderly shutdown).
  /// A zero timeout only looks.
  bool wait_until_idle(std::chrono::milliseconds timeout) const;

  /// Never blocks: each worker gives up its retries and drops (and counts) what is queued,
  /// and its thread ends once the attempt in flight, if any, returns.
  void request_stop();
  /// True when every worker thread has ended, so destroying the dispatcher does not wait.
  bool stopped() const;

 private:
  class Worker;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<std::uint64_t> unknown_notifier_drops_{0};
};

/// The longest one notification can keep a notifier busy: every attempt timing out plus
/// every backoff between them.
std::chrono::milliseconds retry_budget(const NotifierConfig& notifier);

/// Builds the dispatcher for a config: one notifier per `notifiers:` entry.
std::unique_ptr<NotificationDispatcher> make_dispatcher(const AlertsConfig& config,
                                                        const NotifierContext& context,
                                                        LogSink log_sink = {});

}  // namespace floorwatch::alerts
