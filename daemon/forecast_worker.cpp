#include "daemon/forecast_worker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace floorwatch::daemon {
namespace {

constexpr int kWorkerNice = 10;  // as the report worker: the loop goes first on a busy host

}  // namespace

ForecastWorker::ForecastWorker(std::string history_path, const FloorViewPublisher& views, int weeks)
    : history_path_(std::move(history_path)), views_(views), weeks_(weeks) {
  thread_ = std::thread([this] { run(); });
}

ForecastWorker::~ForecastWorker() {
  stop();
}

void ForecastWorker::refresh(core::Timestamp now) {
  {
    std::lock_guard lock(mutex_);
    pending_ = now;
  }
  wake_.notify_one();
}

std::shared_ptr<const ForecastSet> ForecastWorker::current() const {
  std::lock_guard lock(current_mutex_);
  return current_;
}

void ForecastWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cancel_ = true;
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

ForecastSet ForecastWorker::compute(core::Timestamp now) {
  const auto view = views_.current();
  if (!view->calendar) return ForecastSet{now, {}};
  std::map<std::string, QueueStaffingInputs, std::less<>> live;
  for (const auto& queue : view->queues)
    live[queue.figures->name] =
        QueueStaffingInputs{queue.figures->settings, queue.figures->mean_patience_seconds};
  if (!reader_) reader_ = std::make_unique<IntervalHistoryReader>(history_path_, &cancel_);
  std::vector<IntervalRow> rows;
  for (const auto& [from, to] : forecast_history_ranges(now, *view->calendar, weeks_)) {
    auto part = reader_->query(from, to, "");
    rows.insert(rows.end(), std::make_move_iterator(part.begin()),
                std::make_move_iterator(part.end()));
  }
  return build_forecasts(rows, now, *view->calendar, live, weeks_);
}

void ForecastWorker::run() {
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kWorkerNice);
  for (;;) {
    core::Timestamp now;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || pending_; });
      if (stopping_) break;
      now = *pending_;
      pending_.reset();
    }
    try {
      auto set = std::make_shared<const ForecastSet>(compute(now));
      spdlog::debug("forecast: {} queues at {}", set->queues.size(), core::format_timestamp(now));
      std::lock_guard lock(current_mutex_);
      current_ = std::move(set);
    } catch (const std::exception& error) {
      if (cancel_) break;
      // The previous forecasts stay (a boundary later they are retried); a new connection then.
      spdlog::error("forecast: interval history {}: {}", history_path_, error.what());
      reader_.reset();
    }
    ++completed_;
  }
  reader_.reset();
}

}  // namespace floorwatch::daemon
