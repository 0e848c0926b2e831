#pragma once
// Forecasts off the daemon loop (docs/metrics.md "Forecast"): at each interval boundary the loop
// asks for a refresh, which costs it a notify; this worker thread reads the interval history
// through its own read-only SQLite connection, builds the forecasts and publishes them as one
// immutable ForecastSet that the exporter and the feed read on their own threads.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "daemon/floor_view.h"
#include "daemon/forecast_set.h"
#include "daemon/interval_history.h"

namespace floorwatch::daemon {

class ForecastWorker {
 public:
  /// Starts the thread. It opens `history_path` read-only at the first refresh (and again after
  /// a failure); `views` gives it each queue's settings, patience and the site calendar.
  ForecastWorker(std::string history_path, const FloorViewPublisher& views,
                 int weeks = core::kDefaultForecastWeeks);
  /// stop()
  ~ForecastWorker();
  ForecastWorker(const ForecastWorker&) = delete;
  ForecastWorker& operator=(const ForecastWorker&) = delete;

  /// Loop thread: recompute the forecasts as of `now` (never waits; a refresh still pending is
  /// replaced by this one).
  void refresh(core::Timestamp now);
  /// Any thread: the newest forecasts; null before the first refresh has finished.
  std::shared_ptr<const ForecastSet> current() const;
  /// Refreshes finished (tests wait on it).
  std::uint64_t completed() const { return completed_.load(); }
  /// Cancels a running read and joins the thread. Idempotent.
  void stop();

 private:
  void run();
  ForecastSet compute(core::Timestamp now);

  const std::string history_path_;
  const FloorViewPublisher& views_;
  const int weeks_;
  std::mutex mutex_;  // guards pending_ and stopping_
  std::condition_variable wake_;
  std::optional<core::Timestamp> pending_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::atomic<std::uint64_t> completed_{0};
  mutable std::mutex current_mutex_;  // guards current_ (a pointer swap)
  std::shared_ptr<const ForecastSet> current_;
  std::unique_ptr<IntervalHistoryReader> reader_;  // worker thread only
  std::thread thread_;
};

}  // namespace floorwatch::daemon
