#include "floorwatch/core/windows.h"

#include <algorithm>

namespace floorwatch::core {

std::string_view to_string(WindowKind window) {
  switch (window) {
    case WindowKind::Rolling15m:
      return "15m";
    case WindowKind::Rolling30m:
      return "30m";
    case WindowKind::Rolling60m:
      return "60m";
    case WindowKind::Interval:
      return "interval";
    case WindowKind::Today:
      return "today";
  }
  return "unknown";
}

Timestamp RollingWindows::bucket_key(Timestamp at) {
  // Round up, never down: an outcome may stay in a window < 1 s too long but never leaves early.
  const std::int64_t ms = to_epoch_ms(at);
  const std::int64_t step = kResolution.count();
  std::int64_t steps = ms / step;  // truncates toward zero: floor for ms >= 0, ceil below
  if (steps * step < ms) ++steps;
  return from_epoch_ms(steps * step);
}

void RollingWindows::add(Timestamp outcome_at, const OutcomeCounters& delta) {
  const Timestamp at = bucket_key(outcome_at);
  const std::size_t longest = kSpans.size() - 1;
  if (started_ && at <= window_start_[longest]) return;  // already outside every window
  // Events arrive nearly in order: the newest bucket is the usual target.
  std::int64_t bucket_max_wait = delta.max_wait_ms;
  bool new_bucket = true;
  if (buckets_.empty() || buckets_.back().at < at) {
    buckets_.push_back(Bucket{at, delta});
  } else if (buckets_.back().at == at) {
    new_bucket = false;
    buckets_.back().counts += delta;
    bucket_max_wait = buckets_.back().counts.max_wait_ms;
  } else {
    auto position = std::upper_bound(buckets_.begin(), buckets_.end(), at,
                                     [](Timestamp t, const Bucket& b) { return t < b.at; });
    if (position != buckets_.begin() && std::prev(position)->at == at) {
      new_bucket = false;
      std::prev(position)->counts += delta;
      bucket_max_wait = std::prev(position)->counts.max_wait_ms;
    } else {
      buckets_.insert(position, Bucket{at, delta});
    }
  }
  note_wait(at, bucket_max_wait);
  for (std::size_t i = 0; i < kSpans.size(); ++i) {
    if (!started_ || at > window_start_[i]) {
      sums_[i] += delta;
    } else if (new_bucket) {
      ++before_window_[i];  // a late outcome, already outside this (shorter) window
    }
  }
}

bool RollingWindows::advance(Timestamp now) {
  bool changed = false;
  for (std::size_t i = 0; i < kSpans.size(); ++i) {
    const Timestamp new_start = now - kSpans[i];
    if (started_ && new_start <= window_start_[i]) continue;
    // Subtract buckets in (old_start, new_start]: they just left this window.
    std::size_t first = started_ ? before_window_[i] : 0;
    for (; first < buckets_.size() && buckets_[first].at <= new_start; ++first) {
      sums_[i] -= buckets_[first].counts;
      changed = true;
    }
    before_window_[i] = first;
    window_start_[i] = new_start;
  }
  started_ = true;
  const Timestamp longest_start = window_start_[kSpans.size() - 1];
  while (!buckets_.empty() && buckets_.front().at <= longest_start) {
    buckets_.pop_front();
    for (std::size_t& count : before_window_) --count;
  }
  while (!wait_records_.empty() && wait_records_.front().at <= longest_start)
    wait_records_.pop_front();
  return changed;
}

OutcomeCounters RollingWindows::totals(std::size_t span_index) const {
  OutcomeCounters result = sums_[span_index];
  result.max_wait_ms = -1;
  auto first = wait_records_.begin();
  if (started_) {
    first = std::upper_bound(wait_records_.begin(), wait_records_.end(), window_start_[span_index],
                             [](Timestamp t, const WaitRecord& r) { return t < r.at; });
  }
  if (first != wait_records_.end()) result.max_wait_ms = first->max_wait_ms;
  return result;
}

void RollingWindows::note_wait(Timestamp at, std::int64_t max_wait_ms) {
  if (max_wait_ms < 0) return;  // nobody left the queue in this bucket
  // A record only if it waited longer than every later bucket (usually `at` is the newest).
  auto later = std::upper_bound(wait_records_.begin(), wait_records_.end(), at,
                                [](Timestamp t, const WaitRecord& r) { return t < r.at; });
  const std::int64_t later_max = later == wait_records_.end() ? -1 : later->max_wait_ms;
  if (max_wait_ms <= later_max) return;
  // Earlier records it equals or beats (its own old record included) sit just before `later`.
  auto first_beaten = later;
  while (first_beaten != wait_records_.begin() &&
         std::prev(first_beaten)->max_wait_ms <= max_wait_ms)
    --first_beaten;
  later = wait_records_.erase(first_beaten, later);
  wait_records_.insert(later, WaitRecord{at, max_wait_ms});
}

void RollingWindows::rebuild_wait_records() {
  wait_records_.clear();
  std::int64_t later_max = -1;
  for (auto it = buckets_.rbegin(); it != buckets_.rend(); ++it) {
    if (it->counts.max_wait_ms > later_max) {
      later_max = it->counts.max_wait_ms;
      wait_records_.push_front(WaitRecord{it->at, later_max});
    }
  }
}

void QueueWindows::set_calendar(const SiteCalendar* calendar) {
  calendar_ = calendar;
  cached_interval_end_ = Timestamp{};
  cached_day_end_ = Timestamp{};
}

void QueueWindows::add(Timestamp at, const OutcomeCounters& delta) {
  rolling_.add(at, delta);
  // Most events fall in the current interval and day: skip the time-zone lookups then.
  if (at >= cached_interval_start_ && at < cached_interval_end_) {
    *cached_interval_ += delta;
  } else {
    const Timestamp start = calendar_->interval_start(at);
    OutcomeCounters& bucket = intervals_[start];
    bucket += delta;
    if (at >= cached_interval_end_) {
      cached_interval_start_ = start;
      cached_interval_end_ = calendar_->interval_end(at);
      cached_interval_ = &bucket;
    }
  }
  if (at >= cached_day_start_ && at < cached_day_end_) {
    *cached_day_ += delta;
  } else {
    const Timestamp start = calendar_->day_start(at);
    OutcomeCounters& bucket = days_[start];
    bucket += delta;
    if (at >= cached_day_end_) {
      cached_day_start_ = start;
      cached_day_end_ = calendar_->next_day_start(at);
      cached_day_ = &bucket;
    }
  }
}

bool QueueWindows::advance(Timestamp now) {
  return rolling_.advance(now);
}

OutcomeCounters QueueWindows::totals(WindowKind window, Timestamp now) const {
  switch (window) {
    case WindowKind::Rolling15m:
      return rolling_.totals(0);
    case WindowKind::Rolling30m:
      return rolling_.totals(1);
    case WindowKind::Rolling60m:
      return rolling_.totals(2);
    case WindowKind::Interval: {
      auto it = intervals_.find(calendar_->interval_start(now));
      return it == intervals_.end() ? OutcomeCounters{} : it->second;
    }
    case WindowKind::Today: {
      auto it = days_.find(calendar_->day_start(now));
      return it == days_.end() ? OutcomeCounters{} : it->second;
    }
  }
  return {};
}

void QueueWindows::prune(Timestamp keep_after) {
  // std::map nodes are stable, but the cached pointers must not outlive erased buckets.
  for (auto it = intervals_.begin(); it != intervals_.end();) {
    if (calendar_->interval_end(it->first) <= keep_after) {
      if (&it->second == cached_interval_) set_calendar(calendar_);
      it = intervals_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = days_.begin(); it != days_.end();) {
    if (calendar_->next_day_start(it->first) <= keep_after) {
      if (&it->second == cached_day_) set_calendar(calendar_);
      it = days_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace floorwatch::core

namespace floorwatch::core {

void RollingWindows::save(ByteWriter& out) const {
  out.boolean(started_);
  for (Timestamp start : window_start_) out.time(start);
  out.u64(buckets_.size());
  for (const Bucket& bucket : buckets_) {
    out.time(bucket.at);
    core::save(out, bucket.counts);
  }
}

void RollingWindows::load(ByteReader& in, CountersFormat format) {
  started_ = in.boolean();
  for (Timestamp& start : window_start_) start = in.time();
  buckets_.clear();
  const std::size_t buckets = in.count(8);
  for (std::size_t i = 0; i < buckets; ++i) {
    // Snapshots from before the 1 s resolution hold one bucket per millisecond: merge them.
    const Timestamp at = bucket_key(in.time());
    OutcomeCounters counts = load_outcome_counters(in, format);
    if (!buckets_.empty() && at < buckets_.back().at)
      throw SnapshotError("snapshot corrupted: rolling-window buckets out of order");
    if (!buckets_.empty() && at == buckets_.back().at)
      buckets_.back().counts += counts;
    else
      buckets_.push_back(Bucket{at, counts});
  }
  // The sums are derived data: recompute them instead of trusting the bytes.
  for (std::size_t i = 0; i < kSpans.size(); ++i) {
    sums_[i] = OutcomeCounters{};
    before_window_[i] = 0;
    for (const Bucket& bucket : buckets_) {
      if (!started_ || bucket.at > window_start_[i])
        sums_[i] += bucket.counts;
      else
        ++before_window_[i];
    }
  }
  rebuild_wait_records();
}

namespace {
void save_map(ByteWriter& out, const std::map<Timestamp, OutcomeCounters>& buckets) {
  out.u64(buckets.size());
  for (const auto& [start, counts] : buckets) {
    out.time(start);
    save(out, counts);
  }
}
std::map<Timestamp, OutcomeCounters> load_map(ByteReader& in, CountersFormat format) {
  std::map<Timestamp, OutcomeCounters> buckets;
  const std::size_t count = in.count(8);
  for (std::size_t i = 0; i < count; ++i) {
    const Timestamp start = in.time();
    buckets[start] = load_outcome_counters(in, format);
  }
  return buckets;
}
}  // namespace

void QueueWindows::save(ByteWriter& out) const {
  rolling_.save(out);
  save_map(out, intervals_);
  save_map(out, days_);
}

void QueueWindows::load(ByteReader& in, CountersFormat format) {
  rolling_.load(in, format);
  intervals_ = load_map(in, format);
  days_ = load_map(in, format);
  set_calendar(calendar_);  // drop cached pointers into the old maps
}

}  // namespace floorwatch::core
