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

void RollingWindows::add(Timestamp at, const OutcomeCounters& delta) {
  const std::size_t longest = kSpans.size() - 1;
  if (started_ && at <= window_start_[longest]) return;  // already outside every window
  // Events arrive nearly in order: the newest bucket is the usual target.
  if (buckets_.empty() || buckets_.back().at < at) {
    buckets_.push_back(Bucket{at, delta});
  } else if (buckets_.back().at == at) {
    buckets_.back().counts += delta;
  } else {
    auto position = std::upper_bound(buckets_.begin(), buckets_.end(), at,
                                     [](Timestamp t, const Bucket& b) { return t < b.at; });
    if (position != buckets_.begin() && std::prev(position)->at == at) {
      std::prev(position)->counts += delta;
    } else {
      buckets_.insert(position, Bucket{at, delta});
    }
  }
  for (std::size_t i = 0; i < kSpans.size(); ++i) {
    if (!started_ || at > window_start_[i]) sums_[i] += delta;
  }
}

void RollingWindows::advance(Timestamp now) {
  for (std::size_t i = 0; i < kSpans.size(); ++i) {
    const Timestamp new_start = now - kSpans[i];
    if (started_ && new_start <= window_start_[i]) continue;
    // Subtract buckets in (old_start, new_start]: they just left this window.
    auto first = buckets_.begin();
    if (started_) {
      first = std::upper_bound(buckets_.begin(), buckets_.end(), window_start_[i],
                               [](Timestamp t, const Bucket& b) { return t < b.at; });
    }
    for (auto it = first; it != buckets_.end() && it->at <= new_start; ++it) {
      sums_[i] -= it->counts;
    }
    window_start_[i] = new_start;
  }
  started_ = true;
  const Timestamp longest_start = window_start_[kSpans.size() - 1];
  while (!buckets_.empty() && buckets_.front().at <= longest_start) buckets_.pop_front();
}

OutcomeCounters RollingWindows::totals(std::size_t span_index) const {
  OutcomeCounters result = sums_[span_index];
  result.max_wait_ms = -1;
  auto first = buckets_.begin();
  if (started_) {
    first = std::upper_bound(buckets_.begin(), buckets_.end(), window_start_[span_index],
                             [](Timestamp t, const Bucket& b) { return t < b.at; });
  }
  for (auto it = first; it != buckets_.end(); ++it) {
    result.max_wait_ms = std::max(result.max_wait_ms, it->counts.max_wait_ms);
  }
  return result;
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

void QueueWindows::advance(Timestamp now) {
  rolling_.advance(now);
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

void RollingWindows::load(ByteReader& in) {
  started_ = in.boolean();
  for (Timestamp& start : window_start_) start = in.time();
  buckets_.clear();
  const std::size_t buckets = in.count(8);
  for (std::size_t i = 0; i < buckets; ++i) {
    const Timestamp at = in.time();
    buckets_.push_back(Bucket{at, load_outcome_counters(in)});
  }
  // The sums are derived data: recompute them instead of trusting the bytes.
  for (std::size_t i = 0; i < kSpans.size(); ++i) {
    sums_[i] = OutcomeCounters{};
    for (const Bucket& bucket : buckets_) {
      if (!started_ || bucket.at > window_start_[i]) sums_[i] += bucket.counts;
    }
  }
}

namespace {
void save_map(ByteWriter& out, const std::map<Timestamp, OutcomeCounters>& buckets) {
  out.u64(buckets.size());
  for (const auto& [start, counts] : buckets) {
    out.time(start);
    save(out, counts);
  }
}
std::map<Timestamp, OutcomeCounters> load_map(ByteReader& in) {
  std::map<Timestamp, OutcomeCounters> buckets;
  const std::size_t count = in.count(8);
  for (std::size_t i = 0; i < count; ++i) {
    const Timestamp start = in.time();
    buckets[start] = load_outcome_counters(in);
  }
  return buckets;
}
}  // namespace

void QueueWindows::save(ByteWriter& out) const {
  rolling_.save(out);
  save_map(out, intervals_);
  save_map(out, days_);
}

void QueueWindows::load(ByteReader& in) {
  rolling_.load(in);
  intervals_ = load_map(in);
  days_ = load_map(in);
  set_calendar(calendar_);  // drop cached pointers into the old maps
}

}  // namespace floorwatch::core
