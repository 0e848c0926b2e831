#include "daemon/history_writer.h"

#include <chrono>
#include <vector>

#include <spdlog/spdlog.h>

namespace floorwatch::daemon {

HistoryWriter::HistoryWriter(std::unique_ptr<IntervalHistory> history,
                             std::chrono::milliseconds retry)
    : history_(std::move(history)), path_(history_->path()), retry_(retry) {
  thread_ = std::thread([this] { run(); });
}

HistoryWriter::~HistoryWriter() {
  stop();
}

std::uint64_t HistoryWriter::submit(IntervalChanges changes) {
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    for (IntervalRow& row : changes.rows) {
      auto key = std::make_pair(row.queue, row.start);
      pending_.insert_or_assign(std::move(key), std::move(row));
    }
    pending_now_ = changes.now;
    pending_kept_from_ = changes.kept_from;
    ticket = ++submitted_;
  }
  wake_.notify_one();
  return ticket;
}

void HistoryWriter::wait_for(std::uint64_t ticket) {
  std::unique_lock lock(mutex_);
  tried_.wait(lock, [&] { return tried_through_ >= ticket || ended_; });
}

void HistoryWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void HistoryWriter::write_pending(std::unique_lock<std::mutex>& lock) {
  IntervalChanges changes;
  changes.now = pending_now_;
  changes.kept_from = pending_kept_from_;
  changes.rows.reserve(pending_.size());
  for (const auto& [key, row] : pending_) changes.rows.push_back(row);
  const std::uint64_t through = submitted_;
  lock.unlock();  // the loop keeps submitting while SQLite writes
  std::string problem;
  try {
    history_->apply(changes);
  } catch (const std::exception& error) {
    problem = error.what();
  }
  lock.lock();
  if (problem.empty()) {
    // Rows submitted meanwhile replaced theirs in pending_: keep those, drop what was written.
    for (const IntervalRow& row : changes.rows) {
      const auto it = pending_.find({row.queue, row.start});
      if (it != pending_.end() && it->second.counts == row.counts) pending_.erase(it);
    }
    if (failing_) spdlog::info("interval history {}: written again", path_);
    failing_ = false;
  } else {
    if (!failing_)
      spdlog::error("interval history {}: {}; kept in memory and retried every {} ms", path_,
                    problem, retry_.count());
    failing_ = true;
  }
  tried_through_ = through;
  tried_.notify_all();
}

void HistoryWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const auto work = [&] { return stopping_ || submitted_ > tried_through_; };
    if (failing_ && !pending_.empty())
      wake_.wait_for(lock, retry_, work);
    else
      wake_.wait(lock, work);
    if (!pending_.empty() || submitted_ > tried_through_) write_pending(lock);
    if (stopping_ && submitted_ == tried_through_) break;
  }
  ended_ = true;
  tried_.notify_all();
}

}  // namespace floorwatch::daemon
