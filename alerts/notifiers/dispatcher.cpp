#include "alerts/notifiers/dispatcher.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace floorwatch::alerts {

class NotificationDispatcher::Worker {
 public:
  Worker(Registration registration, std::size_t capacity)
      : name_(std::move(registration.name)),
        notifier_(std::move(registration.notifier)),
        retry_(registration.retry),
        capacity_(std::max<std::size_t>(capacity, 1)) {
    counters_.notifier = name_;
    thread_ = std::thread([this] { run(); });
  }

  ~Worker() {
    request_stop();
    thread_.join();
  }

  void request_stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
  }

  bool finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
  }

  const std::string& name() const { return name_; }

  void submit(const Notification& notification) {
    {
      std::lock_guard lock(mutex_);
      if (queue_.size() >= capacity_) {
        queue_.pop_front();
        ++counters_.dropped;
      }
      queue_.push_back(notification);
    }
    wake_.notify_all();
  }

  NotifierCounters counters() const {
    std::lock_guard lock(mutex_);
    NotifierCounters copy = counters_;
    copy.queued = queue_.size();
    return copy;
  }

  bool wait_until_idle(std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return idle_.wait_until(lock, deadline, [&] { return queue_.empty() && !in_flight_; });
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      Notification notification = std::move(queue_.front());
      queue_.pop_front();
      in_flight_ = true;
      deliver_with_retries(notification, lock);
      in_flight_ = false;
      idle_.notify_all();
    }
    counters_.dropped += queue_.size();
    queue_.clear();
    in_flight_ = false;
    finished_ = true;
    idle_.notify_all();
  }

  // Called and returns with `lock` held; releases it around each attempt and backoff wait.
  // Retries block this notifier's queue only, which keeps its notifications in order.
  void deliver_with_retries(const Notification& notification, std::unique_lock<std::mutex>& lock) {
    auto backoff = retry_.initial_backoff;
    for (int attempt = 1;; ++attempt) {
      lock.unlock();
      DeliveryOutcome outcome;
      try {
        outcome = notifier_->deliver(notification);
      } catch (const std::exception& error) {
        outcome = DeliveryOutcome{false, true, error.what()};
      }
      lock.lock();
      if (outcome.delivered) {
        ++counters_.delivered;
        return;
      }
      ++counters_.failed_attempts;
      counters_.last_error = outcome.error;
      if (!outcome.retryable || attempt >= retry_.max_attempts) {
        ++counters_.given_up;
        return;
      }
      ++counters_.retries;
      if (wake_.wait_for(lock, backoff, [&] { return stopping_; })) {
        ++counters_.given_up;
        return;
      }
      backoff = std::min(backoff * 2, retry_.max_backoff);
    }
  }

  const std::string name_;
  const std::unique_ptr<Notifier> notifier_;
  const RetryPolicy retry_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  mutable std::condition_variable idle_;
  std::deque<Notification> queue_;
  NotifierCounters counters_;
  bool in_flight_ = false;
  bool stopping_ = false;
  bool finished_ = false;  // run() returned: joining does not wait
  std::thread thread_;     // last: started once everything above is initialised
};

NotificationDispatcher::NotificationDispatcher(std::vector<Registration> notifiers,
                                               std::size_t queue_capacity) {
  for (Registration& registration : notifiers)
    workers_.push_back(std::make_unique<Worker>(std::move(registration), queue_capacity));
}

NotificationDispatcher::~NotificationDispatcher() = default;

void NotificationDispatcher::submit(const Notification& notification) {
  for (const std::string& name : notification.notifiers) {
    const auto worker = std::find_if(workers_.begin(), workers_.end(), [&](const auto& candidate) {
      return candidate->name() == name;
    });
    if (worker == workers_.end()) {
      ++unknown_notifier_drops_;
      continue;
    }
    (*worker)->submit(notification);
  }
}

void NotificationDispatcher::submit(const std::vector<Notification>& notifications) {
  for (const Notification& notification : notifications) submit(notification);
}

std::vector<NotifierCounters> NotificationDispatcher::counters() const {
  std::vector<NotifierCounters> all;
  for (const auto& worker : workers_) all.push_back(worker->counters());
  return all;
}

bool NotificationDispatcher::wait_until_idle(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& worker : workers_)
    if (!worker->wait_until_idle(deadline)) return false;
  return true;
}

void NotificationDispatcher::request_stop() {
  for (const auto& worker : workers_) worker->request_stop();
}

bool NotificationDispatcher::stopped() const {
  return std::all_of(workers_.begin(), workers_.end(),
                     [](const auto& worker) { return worker->finished(); });
}

std::chrono::milliseconds retry_budget(const NotifierConfig& notifier) {
  const int attempts = std::max(notifier.retry.max_attempts, 1);
  std::chrono::milliseconds budget = notifier.timeout * attempts;
  std::chrono::milliseconds backoff = notifier.retry.initial_backoff;
  for (int retry = 1; retry < attempts; ++retry) {
    budget += backoff;
    backoff = std::min(backoff * 2, notifier.retry.max_backoff);
  }
  return budget;
}

std::unique_ptr<NotificationDispatcher> make_dispatcher(const AlertsConfig& config,
                                                        const NotifierContext& context,
                                                        LogSink log_sink) {
  std::vector<NotificationDispatcher::Registration> registrations;
  for (const NotifierConfig& notifier : config.notifiers)
    registrations.push_back(
        {notifier.name, make_notifier(notifier, context, log_sink), notifier.retry});
  return std::make_unique<NotificationDispatcher>(std::move(registrations),
                                                  config.notification_queue_capacity);
}

}  // namespace floorwatch::alerts
