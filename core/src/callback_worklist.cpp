#include "floorwatch/core/callback_worklist.h"

#include <algorithm>
#include <tuple>

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

std::string_view to_string(CallbackMergeResult result) {
  switch (result) {
    case CallbackMergeResult::Applied:
      return "applied";
    case CallbackMergeResult::Held:
      return "held";
    case CallbackMergeResult::Earlier:
      return "earlier";
    case CallbackMergeResult::Known:
      return "known";
    case CallbackMergeResult::Expired:
      return "expired";
  }
  return "unknown";
}

namespace {

// The pair's rule for two closes of one call-back: the earliest wins, then the smaller name,
// then the earlier first abandon, so both daemons keep the same one whatever the order.
bool earlier(const CallbackClose& a, const CallbackClose& b) {
  return std::tie(a.at, a.by, a.first_abandoned_at) < std::tie(b.at, b.by, b.first_abandoned_at);
}

}  // namespace

std::vector<std::string> CallbackWorklist::on_abandon(const AbandonedCall& abandon) {
  if (abandon.caller.empty()) {
    ++counters_.without_number;
    return {};
  }
  // Already called back (here, or on the HA partner before this daemon saw this abandon: a
  // late event, or a daemon catching up): opening it would undo a close both agreed on.
  if (CallbackClose* settled = close_covering(abandon.caller, abandon.abandoned_at)) {
    if (!settled->applied) {
      settled->applied = true;  // counted once, as on the daemon that closed it
      ++counters_.closed[static_cast<std::size_t>(CallbackCloseReason::CalledBack)];
      --counters_.closes_held;
    }
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

std::optional<CallbackEntry> CallbackWorklist::close(std::uint64_t id, const std::string& by,
                                                     Timestamp at) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  ++revision_;
  ++counters_.closed[static_cast<std::size_t>(CallbackCloseReason::CalledBack)];
  CallbackEntry closed = erase(it);
  expire_closes(at);
  remember_close(CallbackClose{closed.caller, closed.first_abandoned_at, closed.last_abandoned_at,
                               by, at, true});
  return closed;
}

CallbackMergeResult CallbackWorklist::merge_close(const CallbackClose& close, Timestamp now,
                                                  std::optional<std::string>* closed_queue) {
  auto count = [&](CallbackMergeResult result) {
    if (result != CallbackMergeResult::Known)
      ++counters_.peer_closes[static_cast<std::size_t>(result)];
    return result;
  };
  expire_closes(now);
  if (close.at + kCallbackCloseRetention < now) return count(CallbackMergeResult::Expired);
  if (const auto known = closes_.find({close.caller, close.last_abandoned_at});
      known != closes_.end()) {
    if (!earlier(close, known->second)) return CallbackMergeResult::Known;
    // Both closed it: keep the same who and when on both daemons.
    known->second.by = close.by;
    known->second.at = close.at;
    known->second.first_abandoned_at = close.first_abandoned_at;
    ++closes_revision_;
    return count(CallbackMergeResult::Earlier);
  }
  CallbackClose record = close;
  record.applied = false;
  auto result = CallbackMergeResult::Held;
  if (const auto open = by_caller_.find(close.caller); open != by_caller_.end()) {
    auto it = entries_.find(open->second);
    if (it->second.last_abandoned_at <= close.last_abandoned_at) {
      // Every abandon of the open call-back is settled by the partner's call.
      ++revision_;
      ++counters_.closed[static_cast<std::size_t>(CallbackCloseReason::CalledBack)];
      std::string queue = erase(it).queue;
      if (closed_queue) *closed_queue = std::move(queue);
      record.applied = true;
      result = CallbackMergeResult::Applied;
    } else if (it->second.first_abandoned_at <= close.last_abandoned_at) {
      // The caller hung up again after the partner's call (seen here first): they are owed a
      // new call, so it stays open; the close is counted as on the partner.
      ++counters_.closed[static_cast<std::size_t>(CallbackCloseReason::CalledBack)];
      record.applied = true;
      result = CallbackMergeResult::Applied;
    }
  }
  remember_close(std::move(record));
  return count(result);
}

std::vector<CallbackClose> CallbackWorklist::closes() const {
  std::vector<CallbackClose> result;
  result.reserve(closes_.size());
  for (const auto& [key, close] : closes_) result.push_back(close);
  return result;
}

std::vector<std::string> CallbackWorklist::set_capacity(std::size_t capacity) {
  capacity_ = capacity;
  std::vector<std::string> changed;
  while (entries_.size() > capacity_) {
    ++revision_;
    if (auto queue = drop_stalest()) changed.push_back(std::move(*queue));
  }
  return changed;
}

CallbackClose* CallbackWorklist::close_covering(const std::string& caller, Timestamp at) {
  // The caller's records are ordered by the last abandon they cover: the first at or after
  // `at` covers it.
  const auto it = closes_.lower_bound({caller, at});
  if (it == closes_.end() || it->first.first != caller) return nullptr;
  return &it->second;
}

void CallbackWorklist::remember_close(CallbackClose close) {
  const CloseKey key{close.caller, close.last_abandoned_at};
  if (const auto known = closes_.find(key); known != closes_.end()) {
    if (!earlier(close, known->second)) return;
    close.applied = close.applied || known->second.applied;
    if (!known->second.applied) --counters_.closes_held;
    known->second = std::move(close);
    if (!known->second.applied) ++counters_.closes_held;
    ++closes_revision_;
    return;
  }
  // Overflow policy: the oldest close is the one a partner is least likely still to need.
  if (closes_.size() >= kCallbackCloseLimit) {
    const auto oldest =
        std::min_element(closes_.begin(), closes_.end(),
                         [](const auto& a, const auto& b) { return a.second.at < b.second.at; });
    if (!oldest->second.applied) --counters_.closes_held;
    closes_.erase(oldest);
    ++counters_.close_records_dropped;
  }
  if (!close.applied) ++counters_.closes_held;
  closes_.emplace(key, std::move(close));
  ++closes_revision_;
}

void CallbackWorklist::expire_closes(Timestamp now) {
  const auto removed = std::erase_if(closes_, [&](const auto& record) {
    if (record.second.at + kCallbackCloseRetention >= now) return false;
    if (!record.second.applied) --counters_.closes_held;
    return true;
  });
  if (removed > 0) ++closes_revision_;
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

void CallbackWorklist::save_closes(ByteWriter& out) const {
  out.u64(closes_.size());
  for (const auto& [key, close] : closes_) {
    out.string(close.caller);
    out.time(close.first_abandoned_at);
    out.time(close.last_abandoned_at);
    out.string(close.by);
    out.time(close.at);
    out.boolean(close.applied);
  }
  for (std::int64_t merged : counters_.peer_closes) out.i64(merged);
  out.i64(counters_.close_records_dropped);
}

void CallbackWorklist::load_closes(ByteReader& in) {
  std::map<CloseKey, CallbackClose> closes;
  std::int64_t held = 0;
  const std::size_t count = in.count(8);
  for (std::size_t i = 0; i < count; ++i) {
    CallbackClose close;
    close.caller = in.string();
    close.first_abandoned_at = in.time();
    close.last_abandoned_at = in.time();
    close.by = in.string();
    close.at = in.time();
    close.applied = in.boolean();
    CloseKey key{close.caller, close.last_abandoned_at};
    if (close.caller.empty() || close.first_abandoned_at > close.last_abandoned_at ||
        closes.count(key))
      throw SnapshotError("snapshot corrupted: bad call-back close record");
    if (!close.applied) ++held;
    closes.emplace(std::move(key), std::move(close));
  }
  CallbackCounters counters = counters_;
  for (std::int64_t& merged : counters.peer_closes) merged = in.i64();
  counters.close_records_dropped = in.i64();
  counters.closes_held = held;
  closes_ = std::move(closes);
  counters_ = counters;
  ++closes_revision_;
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
