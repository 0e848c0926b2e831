#include "daemon/journal_writer.h"

#include <utility>

namespace floorwatch::daemon {

JournalWriter::JournalWriter(zmq::context_t& context, std::unique_ptr<Journal> journal,
                             std::int64_t last_frame_id, Options options)
    : journal_(std::move(journal)),
      path_(journal_->path()),
      options_(options),
      wakeup_(context, "journal-writer"),
      last_frame_id_(last_frame_id) {
  thread_ = std::thread([this] { run(); });
}

JournalWriter::~JournalWriter() {
  stop();
}

std::uint64_t JournalWriter::submit(std::vector<std::string_view> frames) {
  const std::uint64_t ticket = ++last_ticket_;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Batch{ticket, std::move(frames)});
  }
  wake_.notify_one();
  ++in_flight_;
  return ticket;
}

JournalWriter::News JournalWriter::take_news() {
  wakeup_.drain();
  News news;
  {
    std::lock_guard lock(mutex_);
    news.completed.swap(completed_);
    news.health.swap(health_changes_);
  }
  in_flight_ -= news.completed.size();
  return news;
}

void JournalWriter::prune_through(std::int64_t frame_id) {
  {
    std::lock_guard lock(mutex_);
    prune_through_ = std::max(prune_through_, frame_id);
  }
  wake_.notify_one();
}

void JournalWriter::snapshot_holds_everything() {
  std::lock_guard lock(mutex_);
  snapshot_written_ = true;
}

std::unique_ptr<Journal> JournalWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return std::move(journal_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  // What was never written is never applied nor acked: the collectors send it again.
  std::vector<Batch> unwritten;
  {
    std::lock_guard lock(mutex_);
    unwritten.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.end()));
    queue_.clear();
  }
  complete(unwritten, false, 0);
  return std::move(journal_);
}

void JournalWriter::run() {
  zmq::socket_t wake_loop = wakeup_.connect_worker();
  for (;;) {
    std::vector<Batch> batches;
    std::int64_t prune = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || prune_through_ > 0; });
      if (stopping_) break;
      batches.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.end()));
      queue_.clear();
      prune = std::exchange(prune_through_, 0);
      if (std::exchange(snapshot_written_, false)) awaiting_snapshot_ = false;
    }
    if (prune > 0 && !down_) journal_->prune_through(prune);
    if (batches.empty()) continue;
    write(batches);
    LoopWakeup::wake(wake_loop);
  }
}

void JournalWriter::write(std::vector<Batch>& batches) {
  const std::int64_t first_id = last_frame_id_ + 1;
  bool any_frames = false;
  for (const Batch& batch : batches) any_frames = any_frames || !batch.frames.empty();
  // Nothing to write needs no disk: duplicates' acks go out even while the disk is down.
  if (!any_frames) return complete(batches, true, first_id);
  if (down_ && std::chrono::steady_clock::now() < retry_at_) return complete(batches, false, 0);
  complete(batches, write_frames(batches), first_id);
}

bool JournalWriter::write_frames(const std::vector<Batch>& batches) {
  try {
    const bool vanished = !journal_->still_on_disk();
    if (down_ || vanished) journal_->reopen(last_frame_id_);
    if (vanished) {
      // Frames since the last snapshot went with the old file; a frame written now would
      // follow frames no file holds. Nothing is durable again until a snapshot holds them all.
      awaiting_snapshot_ = true;
      down_ = false;
      std::lock_guard lock(mutex_);
      health_changes_.push_back(HealthChange{true, {}, true, completed_.size()});
    }
    if (awaiting_snapshot_) return false;
    std::vector<std::string_view> frames;
    for (const Batch& batch : batches)
      frames.insert(frames.end(), batch.frames.begin(), batch.frames.end());
    last_frame_id_ = journal_->append_all(frames);
    if (down_) {
      down_ = false;
      std::lock_guard lock(mutex_);
      health_changes_.push_back(HealthChange{true, {}, false, completed_.size()});
    }
    return true;
  } catch (const std::exception& error) {
    retry_at_ = std::chrono::steady_clock::now() + options_.retry_interval;
    // One report per streak, and another only when the cause changes (full, then read-only).
    if (!down_ || problem_ != error.what()) {
      down_ = true;
      problem_ = error.what();
      std::lock_guard lock(mutex_);
      health_changes_.push_back(HealthChange{false, problem_, false, completed_.size()});
    }
    return false;
  }
}

void JournalWriter::complete(const std::vector<Batch>& batches, bool durable,
                             std::int64_t first_id) {
  std::lock_guard lock(mutex_);
  std::int64_t next_id = first_id;
  for (const Batch& batch : batches) {
    next_id += static_cast<std::int64_t>(batch.frames.size());
    completed_.push_back(Completion{batch.ticket, durable, durable ? next_id - 1 : 0});
  }
}

}  // namespace floorwatch::daemon
