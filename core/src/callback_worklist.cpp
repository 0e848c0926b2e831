#include "floorwatch/core/callback_worklist.h"

#include <algorithm>

#include "floorwatch/core/floor_snapshot.h"

namespace floorwatch::core {

std::string_view to_string(CallbackCloseReason reason) {
  switch (reason) {
    case CallbackCloseReason::CalledBack:
      return "called_back";
    case CallbackCloseReason::Answered:
      return "answered";
    case CallbackCloseReason::Dropped:
      return "dropped";
  }
  return "unknown";
}

std::vector<std::string> CallbackWorklist::on_abandon(const AbandonedCall& abandon) {
  if (abandon.caller.empty()) {
    ++counters_.without_number;
    return {};
  }
  ++revision_;
  if (const auto known = by_caller_.find(abandon.caller); known != by_caller_.end()) {
    // The same caller again: one entry to call back, the latest attempt's queue and call.
    CallbackEntry entry = erase(entries_.find(known->second));
    std::vector<std::string> changed{entry.queue};
    entry.queue = abandon.queue;
    entry.call = abandon.call;
    entry.last_abandoned_at = std::max(entry.last_abandoned_at, abandon.abandoned_at);
    entry.first_abandoned_at = std::min(entry.first_abandoned_at, abandon.abandoned_at);
    entry.last_wait = abandon.wait;
    ++entry.attempts;
    if (entry.queue != changed.front()) changed.push_back(entry.queue);
    insert(std::move(entry));
    return changed;
  }
  std::vector<std::string> changed;
  if (entries_.size() >= capacity_) {
    if (auto dropped_from = drop_stalest()) changed.push_back(std::move(*dropped_from));
  }
  if (capacity_ == 0) return changed;
  CallbackEntry entry;
  entry.id = next_id_++;
  entry.caller = abandon.caller;
  entry.queue = abandon.queue;
  entry.call = abandon.call;
  entry.first_abandoned_at = abandon.abandoned_at;
  entry.last_abandoned_at = abandon.abandoned_at;
  entry.last_wait = abandon.wait;
  entry.attempts = 1;
  changed.push_back(entry.queue);
  insert(std::move(entry));
  return changed;
}

std::optional<std::string> CallbackWorklist::on_answered(const std::string& caller,
                                                         Timestamp answered_at) {
  if (caller.empty()) return std::nullopt;
  const auto known = by_caller_.find(caller);
  if (known == by_caller_.end()) return std::nullopt;
  auto it = entries_.find(known->second);
  // An answer from before their latest hang-up (a late event from another queue's stream)
  // does not settle it: they called again and gave up after it.
  if (answered_at < it->second.last_abandoned_at) return std::nullopt;
  ++revision_;
  ++counters_.closed[static_cast<std::size_t>(CallbackCloseReason::Answered)];
  return erase(it).queue;
}

std::optional<CallbackEntry> CallbackWorklist::close(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  ++revision_;
  ++counters_.closed[static_cast<std::size_t>(CallbackCloseReason::CalledBack)];
  return erase(it);
}

std::vector<CallbackEntry> CallbackWorklist::open() const {
  std::vector<CallbackEntry> result;
  result.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) result.push_back(entry);
  std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
    return a.first_abandoned_at < b.first_abandoned_at;
  });
  return result;
}

QueueCallbacks CallbackWorklist::in_queue(const std::string& queue) const {
  QueueCallbacks result;
  const auto it = by_queue_.find(queue);
  if (it == by_queue_.end() || it->second.empty()) return result;
  result.open = static_cast<std::int64_t>(it->second.size());
  result.oldest_since = it->second.begin()->first;
  return result;
}

// Overflow policy: the caller whose latest attempt is oldest is the least likely to still
// expect a call; a full list keeps the newest callers and counts the drop.
std::optional<std::string> CallbackWorklist::drop_stalest() {
  if (entries_.empty()) return std::nullopt;
  auto stalest =
      std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second.last_abandoned_at < b.second.last_abandoned_at;
      });
  ++counters_.closed[static_cast<std::size_t>(CallbackCloseReason::Dropped)];
  return erase(stalest).queue;
}

void CallbackWorklist::insert(CallbackEntry entry) {
  by_caller_[entry.caller] = entry.id;
  by_queue_[entry.queue].emplace(entry.first_abandoned_at, entry.id);
  const std::uint64_t id = entry.id;
  entries_.emplace(id, std::move(entry));
}

CallbackEntry CallbackWorklist::erase(std::map<std::uint64_t, CallbackEntry>::iterator it) {
  CallbackEntry entry = std::move(it->second);
  entries_.erase(it);
  by_caller_.erase(entry.caller);
  if (auto queue = by_queue_.find(entry.queue); queue != by_queue_.end()) {
    queue->second.erase({entry.first_abandoned_at, entry.id});
    if (queue->second.empty()) by_queue_.erase(queue);
  }
  return entry;
}

void CallbackWorklist::save(ByteWriter& out) const {
  out.u64(next_id_);
  for (std::int64_t closed : counters_.closed) out.i64(closed);
  out.i64(counters_.without_number);
  out.u64(entries_.size());
  for (const auto& [id, entry] : entries_) {
    out.u64(entry.id);
    out.string(entry.caller);
    out.string(entry.queue);
    out.string(entry.call);
    out.time(entry.first_abandoned_at);
    out.time(entry.last_abandoned_at);
    out.duration(entry.last_wait);
    out.i64(entry.attempts);
  }
}

CallbackWorklist CallbackWorklist::load(ByteReader& in, std::size_t capacity) {
  CallbackWorklist worklist(capacity);
  worklist.next_id_ = in.u64();
  for (std::int64_t& closed : worklist.counters_.closed) closed = in.i64();
  worklist.counters_.without_number = in.i64();
  const std::size_t count = in.count(8);
  for (std::size_t i = 0; i < count; ++i) {
    CallbackEntry entry;
    entry.id = in.u64();
    entry.caller = in.string();
    entry.queue = in.string();
    entry.call = in.string();
    entry.first_abandoned_at = in.time();
    entry.last_abandoned_at = in.time();
    entry.last_wait = Duration{in.i64()};
    entry.attempts = in.i64();
    if (entry.caller.empty() || entry.id == 0 || entry.id >= worklist.next_id_ ||
        worklist.entries_.count(entry.id) || worklist.by_caller_.count(entry.caller))
      throw SnapshotError("snapshot corrupted: bad call-back entry");
    worklist.insert(std::move(entry));
  }
  return worklist;
}

}  // namespace floorwatch::core
