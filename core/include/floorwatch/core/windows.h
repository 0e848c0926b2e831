#pragma once
// Window bookkeeping for one queue: rolling 15/30/60 minutes, the current interval and today.
// An outcome counts in the window containing its timestamp (late events included while their
// window is still kept). Rolling windows keep one bucket per second (so memory does not grow
// with the event rate) plus running sums, advanced by `now`; interval and today are exact.
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

/// Sliding-window sums over (now - span, now] for several spans at once, at a resolution of
/// kResolution: an outcome is kept under bucket_key(at), its time rounded UP to a whole second,
/// so it never leaves a window early, leaves at most 999 ms late, and one at `now` is in.
/// Counts and max wait are exact integers over those buckets (docs/metrics.md, "Rolling
/// edges"). Not thread-safe; owned by the daemon loop.
class RollingWindows {
 public:
  static constexpr std::array<Duration, 3> kSpans{Duration{15 * 60'000}, Duration{30 * 60'000},
                                                  Duration{60 * 60'000}};
  /// One bucket per second, so memory and snapshots do not grow with the event rate: at most
  /// 3,600 buckets in 60m, +1 for the second `now` is in when now is not a whole second.
  static constexpr Duration kResolution{1000};
  /// The bucket an outcome at `at` is kept in: the smallest multiple of kResolution >= at
  /// (09:00:00.001 to 09:00:00.999 -> 09:00:01.000; 09:00:01.000 stays).
  static Timestamp bucket_key(Timestamp at);
  void add(Timestamp at, const OutcomeCounters& delta);
  /// Moves every window's start to now - span; never moves backwards. True when an outcome
  /// left a window (its figures changed).
  bool advance(Timestamp now);
  /// Sums for span index i (0: 15m, 1: 30m, 2: 60m) as of the last advance(): the buckets
  /// whose key is after now - span; max_wait_ms is the largest of them.
  OutcomeCounters totals(std::size_t span_index) const;
  std::size_t bucket_count() const { return buckets_.size(); }
  void save(ByteWriter& out) const;
  /// Also reads snapshots written before the 1 s resolution (one bucket per millisecond): their
  /// buckets are merged into their seconds by the same rule. `format`: how its counters were saved.
  void load(ByteReader& in, CountersFormat format = CountersFormat::Current);

 private:
  struct Bucket {
    Timestamp at;  // bucket_key() of its outcomes
    OutcomeCounters counts;
  };
  // A bucket whose max wait exceeds every later bucket's. Oldest first, so their waits
  // decrease: a window's max wait is the first record inside it (no scan of the hour).
  struct WaitRecord {
    Timestamp at;
    std::int64_t max_wait_ms;
  };
  void note_wait(Timestamp at, std::int64_t max_wait_ms);
  void rebuild_wait_records();

  std::deque<Bucket> buckets_;  // sorted by `at`, unique, whole seconds
  std::deque<WaitRecord> wait_records_;
  std::array<OutcomeCounters, 3> sums_{};
  std::array<Timestamp, 3> window_start_{};     // exclusive lower bound: at > window_start_
  std::array<std::size_t, 3> before_window_{};  // buckets at or before window_start_ (sorted)
  bool started_ = false;
};

/// All windows for one queue, plus the calendar buckets (interval and day) kept for history.
class QueueWindows {
 public:
  explicit QueueWindows(const SiteCalendar* calendar) : calendar_(calendar) {}
  /// New calendar after a reconfiguration; history keeps its old boundaries.
  void set_calendar(const SiteCalendar* calendar);
  void add(Timestamp at, const OutcomeCounters& delta);
  /// True when an outcome left a rolling window (see RollingWindows::advance).
  bool advance(Timestamp now);
  /// Counters of `window` as of `now` (call advance(now) first for rolling windows).
  OutcomeCounters totals(WindowKind window, Timestamp now) const;
  /// Drops interval/day buckets that ended before `keep_after`.
  void prune(Timestamp keep_after);
  const std::map<Timestamp, OutcomeCounters>& intervals() const { return intervals_; }
  void save(ByteWriter& out) const;
  /// Replaces the contents; keeps the calendar. `format`: how its counters were saved.
  void load(ByteReader& in, CountersFormat format = CountersFormat::Current);

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
