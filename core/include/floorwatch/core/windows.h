#pragma once
// Window bookkeeping for one queue: rolling 15/30/60 minutes, the current interval and today.
// An outcome counts in the window containing its timestamp (late events included while their
// window is still kept). Rolling windows are exact to the millisecond: sparse buckets plus
// running sums, advanced by `now`.
#include <array>
#include <deque>
#include <map>
#include <string_view>

#include "floorwatch/core/byte_codec.h"
#include "floorwatch/core/outcome_counters.h"
#include "floorwatch/core/site_calendar.h"

namespace floorwatch::core {

enum class WindowKind { Rolling15m, Rolling30m, Rolling60m, Interval, Today };
inline constexpr std::size_t kWindowCount = 5;
inline constexpr std::array<WindowKind, kWindowCount> kAllWindows{
    WindowKind::Rolling15m, WindowKind::Rolling30m, WindowKind::Rolling60m, WindowKind::Interval,
    WindowKind::Today};
/// Label value: "15m", "30m", "60m", "interval", "today".
std::string_view to_string(WindowKind window);

/// Exact sliding-window sums over (now - span, now] for several spans at once.
/// Not thread-safe; owned by the daemon loop.
class RollingWindows {
 public:
  static constexpr std::array<Duration, 3> kSpans{Duration{15 * 60'000}, Duration{30 * 60'000},
                                                  Duration{60 * 60'000}};
  void add(Timestamp at, const OutcomeCounters& delta);
  /// Moves every window's start to now - span; never moves backwards.
  void advance(Timestamp now);
  /// Sums for span index i (0: 15m, 1: 30m, 2: 60m) as of the last advance(); max_wait_ms is
  /// recomputed from the buckets still inside the window.
  OutcomeCounters totals(std::size_t span_index) const;
  std::size_t bucket_count() const { return buckets_.size(); }
  void save(ByteWriter& out) const;
  void load(ByteReader& in);

 private:
  struct Bucket {
    Timestamp at;
    OutcomeCounters counts;
  };
  std::deque<Bucket> buckets_;  // sorted by `at`, unique
  std::array<OutcomeCounters, 3> sums_{};
  std::array<Timestamp, 3> window_start_{};  // exclusive lower bound: at > window_start_
  bool started_ = false;
};

/// All windows for one queue, plus the calendar buckets (interval and day) kept for history.
class QueueWindows {
 public:
  explicit QueueWindows(const SiteCalendar* calendar) : calendar_(calendar) {}
  /// New calendar after a reconfiguration; history keeps its old boundaries.
  void set_calendar(const SiteCalendar* calendar);
  void add(Timestamp at, const OutcomeCounters& delta);
  void advance(Timestamp now);
  /// Counters of `window` as of `now` (call advance(now) first for rolling windows).
  OutcomeCounters totals(WindowKind window, Timestamp now) const;
  /// Drops interval/day buckets that ended before `keep_after`.
  void prune(Timestamp keep_after);
  const std::map<Timestamp, OutcomeCounters>& intervals() const { return intervals_; }
  void save(ByteWriter& out) const;
  void load(ByteReader& in);  ///< replaces the contents; keeps the calendar

 private:
  const SiteCalendar* calendar_;
  RollingWindows rolling_;
  std::map<Timestamp, OutcomeCounters> intervals_;  // by interval start
  std::map<Timestamp, OutcomeCounters> days_;       // by day start
  // The current interval and day, cached so most events need no time-zone lookup.
  Timestamp cached_interval_start_{}, cached_interval_end_{};
  Timestamp cached_day_start_{}, cached_day_end_{};
  OutcomeCounters* cached_interval_ = nullptr;
  OutcomeCounters* cached_day_ = nullptr;
};

}  // namespace floorwatch::core
