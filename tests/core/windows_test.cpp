// Window edges: rolling windows cover (now - span, now] at a 1 s resolution (an outcome is kept
// at its time rounded up to a whole second: never out early, at most 999 ms late); interval and
// today windows reset on local boundaries; a late outcome lands in the window containing its
// timestamp.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "floorwatch/core/windows.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

constexpr std::size_t k15m = 0;
constexpr std::size_t k30m = 1;
constexpr std::size_t k60m = 2;

QueueSettings twenty_second_target() {
  QueueSettings settings;
  settings.answer_target = seconds(20);
  return settings;
}

/// One answered call that waited `wait`.
OutcomeCounters one_answer(Duration wait = seconds(10)) {
  return classify_answer(wait, twenty_second_target());
}

}  // namespace

TEST_CASE("window label values", "[core][windows]") {
  CHECK(to_string(WindowKind::Rolling15m) == "15m");
  CHECK(to_string(WindowKind::Rolling30m) == "30m");
  CHECK(to_string(WindowKind::Rolling60m) == "60m");
  CHECK(to_string(WindowKind::Interval) == "interval");
  CHECK(to_string(WindowKind::Today) == "today");
}

TEST_CASE("rolling buckets are whole seconds: a time is rounded up to the end of its second",
          "[core][windows]") {
  const auto t0 = utc("2026-11-24T09:00:00Z");
  CHECK(RollingWindows::kResolution == seconds(1));
  CHECK(RollingWindows::bucket_key(t0) == t0);  // already whole: unchanged
  CHECK(RollingWindows::bucket_key(t0 + Duration{1}) == t0 + seconds(1));
  CHECK(RollingWindows::bucket_key(t0 + Duration{999}) == t0 + seconds(1));
  CHECK(RollingWindows::bucket_key(t0 + Duration{1000}) == t0 + seconds(1));
  CHECK(RollingWindows::bucket_key(t0 + Duration{1001}) == t0 + seconds(2));
}

TEST_CASE("rolling window edge: an outcome never leaves early and at most 999 ms late",
          "[core][windows]") {
  const auto t0 = utc("2026-11-24T09:00:00Z");
  RollingWindows rolling;
  rolling.add(t0, one_answer());                  // a whole second: leaves exactly on time
  rolling.add(t0 + Duration{1}, one_answer());    // kept at 09:00:01: leaves 999 ms late
  rolling.add(t0 + Duration{999}, one_answer());  // kept at 09:00:01: leaves 1 ms late

  // 15m at 09:15:00.000 is (09:00:00.000, 09:15:00.000]: the 09:00:00.000 answer is out, as
  // it would be exactly; the other two are in (exactly too).
  rolling.advance(t0 + minutes(15));
  CHECK(rolling.totals(k15m).answered == 2);
  CHECK(rolling.totals(k30m).answered == 3);
  CHECK(rolling.totals(k60m).answered == 3);

  // Exactly, 09:00:00.001 would leave at 09:15:00.001 and 09:00:00.999 at 09:15:00.999; both
  // stay until their second's end, 09:00:01.000, leaves: at 09:15:01.000.
  rolling.advance(t0 + minutes(15) + Duration{1});
  CHECK(rolling.totals(k15m).answered == 2);
  rolling.advance(t0 + minutes(15) + Duration{999});
  CHECK(rolling.totals(k15m).answered == 2);
  rolling.advance(t0 + minutes(15) + Duration{1000});
  CHECK(rolling.totals(k15m).answered == 0);

  // Same rule for 60m.
  rolling.advance(t0 + minutes(60));
  CHECK(rolling.totals(k60m).answered == 2);
  rolling.advance(t0 + minutes(60) + Duration{999});
  CHECK(rolling.totals(k60m).answered == 2);
  rolling.advance(t0 + minutes(60) + Duration{1000});
  CHECK(rolling.totals(k60m).answered == 0);
  CHECK(rolling.bucket_count() == 0);
}

TEST_CASE("rolling window includes an outcome at exactly now", "[core][windows]") {
  const auto now = GENERATE(utc("2026-11-24T09:30:00Z"), utc("2026-11-24T09:30:00.250Z"),
                            utc("2026-11-24T09:30:00.999Z"));
  CAPTURE(now);
  RollingWindows rolling;
  rolling.advance(now - minutes(1));
  rolling.add(now, one_answer());
  rolling.advance(now);
  CHECK(rolling.totals(k15m).answered == 1);
  CHECK(rolling.totals(k60m).answered == 1);
}

TEST_CASE("rolling windows never move backwards", "[core][windows]") {
  const auto t0 = utc("2026-11-24T09:00:00Z");
  RollingWindows rolling;
  rolling.add(t0, one_answer());
  rolling.advance(t0 + minutes(20));
  REQUIRE(rolling.totals(k15m).answered == 0);
  REQUIRE(rolling.totals(k30m).answered == 1);
  // A clock that steps back (NTP, a replay) does not bring expired outcomes back.
  rolling.advance(t0 + minutes(10));
  CHECK(rolling.totals(k15m).answered == 0);
  CHECK(rolling.totals(k30m).answered == 1);
  rolling.advance(t0 + minutes(31));
  CHECK(rolling.totals(k30m).answered == 0);
}

TEST_CASE("a late outcome counts in every rolling window that still contains its time",
          "[core][windows]") {
  const auto t0 = utc("2026-11-24T09:00:00Z");
  RollingWindows rolling;
  rolling.advance(t0 + minutes(20));
  // Arrives at 09:20 but happened at 09:10 (inside 15m) and at 09:02 (outside 15m, inside 30m).
  rolling.add(t0 + minutes(10), one_answer());
  rolling.add(t0 + minutes(2), one_answer());
  CHECK(rolling.totals(k15m).answered == 1);
  CHECK(rolling.totals(k30m).answered == 2);
  CHECK(rolling.totals(k60m).answered == 2);
  // And it expires when its own time leaves the window.
  rolling.advance(t0 + minutes(25));
  CHECK(rolling.totals(k15m).answered == 0);
}

TEST_CASE("max wait is recomputed when old outcomes expire", "[core][windows]") {
  const auto t0 = utc("2026-11-24T09:00:00Z");
  const auto settings = twenty_second_target();
  RollingWindows rolling;
  rolling.add(t0, classify_abandon(seconds(300), settings));              // a 5-minute abandon
  rolling.add(t0 + minutes(10), classify_answer(seconds(20), settings));  // a 20 s answer
  rolling.advance(t0 + minutes(20));
  CHECK(rolling.totals(k15m).max_wait_ms == 20'000);   // the 5-minute wait left 15m
  CHECK(rolling.totals(k30m).max_wait_ms == 300'000);  // but is still in 30m
  rolling.advance(t0 + minutes(39));  // 30m = (09:09, 09:39]: only the 20 s answer left
  CHECK(rolling.totals(k30m).max_wait_ms == 20'000);
  CHECK(rolling.totals(k60m).max_wait_ms == 300'000);
  rolling.advance(t0 + minutes(71));
  CHECK(rolling.totals(k60m).max_wait_ms == -1);
  CHECK_FALSE(max_wait_seconds(rolling.totals(k60m)).has_value());
}

TEST_CASE("rolling sums stay exact after many adds and expiries", "[core][windows]") {
  // One answer every 10 s for two hours; at any instant 15m holds exactly 90 of them
  // (15 x 60 / 10), 30m 180 and 60m 360.
  const auto t0 = utc("2026-11-24T08:00:00Z");
  RollingWindows rolling;
  for (int i = 1; i <= 720; ++i) {
    const auto at = t0 + seconds(10.0 * i);
    rolling.add(at, one_answer(seconds(i % 40)));
    rolling.advance(at);
    if (at >= t0 + minutes(60)) {
      REQUIRE(rolling.totals(k15m).answered == 90);
      REQUIRE(rolling.totals(k30m).answered == 180);
      REQUIRE(rolling.totals(k60m).answered == 360);
    }
  }
  // Nothing outlives the longest window: history older than 60 minutes is dropped.
  rolling.advance(t0 + minutes(300));
  CHECK(rolling.totals(k60m) == OutcomeCounters{});
  CHECK(rolling.bucket_count() == 0);
}

TEST_CASE("a late outcome is counted by its time rounded up to its second", "[core][windows]") {
  const auto now = utc("2026-11-24T09:20:00.500Z");  // 15m = (09:05:00.500, 09:20:00.500]
  RollingWindows rolling;
  rolling.advance(now);
  rolling.add(utc("2026-11-24T09:05:00.400Z"), one_answer());  // kept at 09:05:01: in 15m
  rolling.add(utc("2026-11-24T09:05:00.000Z"), one_answer());  // kept at 09:05:00: out of 15m
  CHECK(rolling.totals(k15m).answered == 1);
  CHECK(rolling.totals(k30m).answered == 2);
  rolling.advance(utc("2026-11-24T09:20:01Z"));  // 09:05:01 leaves 15m, 600 ms late
  CHECK(rolling.totals(k15m).answered == 0);
  CHECK(rolling.totals(k30m).answered == 2);
}

TEST_CASE("max wait leaves a rolling window with its second", "[core][windows]") {
  const auto t0 = utc("2026-11-24T09:00:00Z");
  const auto settings = twenty_second_target();
  RollingWindows rolling;
  rolling.add(t0 + Duration{500}, classify_abandon(seconds(300), settings));  // kept at 09:00:01
  rolling.add(t0 + Duration{800}, classify_answer(seconds(20), settings));    // same second
  rolling.add(t0 + seconds(2), classify_answer(seconds(30), settings));
  rolling.advance(t0 + minutes(15) + Duration{600});  // exactly, the 5-minute wait would be out
  CHECK(rolling.totals(k15m).max_wait_ms == 300'000);
  CHECK(rolling.totals(k15m).answered == 2);
  rolling.advance(t0 + minutes(15) + seconds(1));  // the whole second 09:00:01 has left
  CHECK(rolling.totals(k15m).max_wait_ms == 30'000);
  CHECK(rolling.totals(k15m).answered == 1);
  CHECK(rolling.totals(k30m).max_wait_ms == 300'000);
}

TEST_CASE("a flood of distinct milliseconds keeps at most 3,601 buckets per 60 minutes",
          "[core][windows]") {
  // One answer every 7 ms for 90 minutes (every millisecond offset within a second occurs),
  // one in ten also reported up to 59 minutes late, advanced every 100 ms like the daemon's
  // tick. One bucket per millisecond would be ~514,000; per second it is 3,600, plus the
  // second `now` is in when now is not a whole second.
  const auto t0 = utc("2026-11-24T08:00:00Z");
  std::mt19937 random(3600);
  RollingWindows rolling;
  std::vector<Timestamp> outcomes;
  std::size_t most_buckets = 0;
  Timestamp now = t0;
  for (auto at = t0; at < t0 + minutes(90); at += Duration{7}) {
    rolling.add(at, one_answer());
    outcomes.push_back(at);
    if (random() % 10 == 0) {
      const Timestamp late = at - Duration{random() % (59 * 60'000)};
      rolling.add(late, one_answer());
      outcomes.push_back(late);
    }
    if (at >= now + Duration{100}) {
      now = at;
      rolling.advance(now);
      most_buckets = std::max(most_buckets, rolling.bucket_count());
      REQUIRE(rolling.bucket_count() <= 3'601);
    }
  }
  CHECK(most_buckets >= 3'600);  // the hour really was full

  // Still exact counts: every outcome whose second ends after now - span.
  for (std::size_t span = 0; span < RollingWindows::kSpans.size(); ++span) {
    std::int64_t expected = 0;
    for (Timestamp at : outcomes)
      if (RollingWindows::bucket_key(at) > now - RollingWindows::kSpans[span]) ++expected;
    CAPTURE(span);
    CHECK(rolling.totals(span).answered == expected);
  }
}

TEST_CASE("rolling windows survive save and load", "[core][windows]") {
  const auto t0 = utc("2026-11-24T09:10:00Z");
  const auto settings = twenty_second_target();
  const auto now = t0 + minutes(15);

  SECTION("a snapshot written at the 1 s resolution loads unchanged") {
    RollingWindows rolling;
    rolling.add(t0 + Duration{200}, classify_answer(seconds(10), settings));
    rolling.add(t0 + Duration{700}, classify_abandon(seconds(300), settings));
    rolling.add(t0 + minutes(5) + Duration{1}, classify_answer(seconds(40), settings));
    rolling.advance(now);
    ByteWriter out;
    rolling.save(out);
    RollingWindows loaded;
    ByteReader in(out.bytes());
    loaded.load(in);
    CHECK(in.at_end());
    CHECK(loaded.bucket_count() == 2);
    for (std::size_t span = 0; span < RollingWindows::kSpans.size(); ++span)
      CHECK(loaded.totals(span) == rolling.totals(span));
    ByteWriter again;
    loaded.save(again);
    CHECK(again.bytes() == out.bytes());
  }

  SECTION("a snapshot from before, with one bucket per millisecond, is merged into seconds") {
    // The layout older floorwatchd wrote (unchanged): started, the three window starts, then
    // (time, counters) per bucket, oldest first.
    ByteWriter old_format;
    old_format.boolean(true);
    for (Duration span : RollingWindows::kSpans) old_format.time(now - span);
    old_format.u64(4);
    const std::pair<Timestamp, OutcomeCounters> old_buckets[] = {
        {t0 + Duration{200}, classify_answer(seconds(10), settings)},
        {t0 + Duration{700}, classify_abandon(seconds(300), settings)},
        {t0 + Duration{1000}, classify_answer(seconds(20), settings)},
        {t0 + Duration{2300}, classify_answer(seconds(40), settings)}};
    for (const auto& [at, counts] : old_buckets) {
      old_format.time(at);
      save(old_format, counts);
    }
    RollingWindows loaded;
    ByteReader in(old_format.bytes());
    loaded.load(in);
    CHECK(in.at_end());
    CHECK(loaded.bucket_count() == 2);  // 09:10:01 (three outcomes) and 09:10:03
    CHECK(loaded.totals(k15m).answered == 3);
    CHECK(loaded.totals(k15m).abandoned == 1);
    CHECK(loaded.totals(k15m).max_wait_ms == 300'000);

    loaded.advance(now + Duration{999});  // 09:10:01 still in, by the new rule
    CHECK(loaded.totals(k15m).abandoned == 1);
    loaded.advance(now + seconds(1));
    CHECK(loaded.totals(k15m).answered == 1);
    CHECK(loaded.totals(k15m).abandoned == 0);
    CHECK(loaded.totals(k15m).max_wait_ms == 40'000);
    CHECK(loaded.totals(k60m).answered == 3);
  }

  SECTION("buckets out of order are refused as corruption") {
    ByteWriter corrupted;
    corrupted.boolean(true);
    for (Duration span : RollingWindows::kSpans) corrupted.time(now - span);
    corrupted.u64(2);
    corrupted.time(t0 + seconds(5));
    save(corrupted, classify_answer(seconds(10), settings));
    corrupted.time(t0 + seconds(2));
    save(corrupted, classify_answer(seconds(10), settings));
    RollingWindows loaded;
    ByteReader in(corrupted.bytes());
    CHECK_THROWS_AS(loaded.load(in), SnapshotError);
  }
}

TEST_CASE("interval and today windows in UTC", "[core][windows]") {
  const SiteCalendar calendar("UTC", 0, 30);
  QueueWindows windows(&calendar);
  windows.add(utc("2026-11-24T09:10:00Z"), one_answer());
  windows.add(utc("2026-11-24T09:40:00Z"), one_answer());
  const auto now = utc("2026-11-24T09:45:00Z");
  windows.advance(now);
  CHECK(windows.totals(WindowKind::Interval, now).answered == 1);  // 09:30-10:00
  CHECK(windows.totals(WindowKind::Today, now).answered == 2);
  CHECK(windows.totals(WindowKind::Rolling15m, now).answered == 1);
  CHECK(windows.totals(WindowKind::Rolling60m, now).answered == 2);
  CHECK(windows.intervals().at(utc("2026-11-24T09:00:00Z")).answered == 1);
  CHECK(windows.intervals().at(utc("2026-11-24T09:30:00Z")).answered == 1);
}

TEST_CASE("the interval window resets on the boundary", "[core][windows]") {
  const SiteCalendar calendar("UTC", 0, 30);
  QueueWindows windows(&calendar);
  windows.add(utc("2026-11-24T09:29:59.999Z"), one_answer());
  windows.add(utc("2026-11-24T09:30:00Z"), one_answer());
  CHECK(windows.totals(WindowKind::Interval, utc("2026-11-24T09:29:59.999Z")).answered == 1);
  CHECK(windows.totals(WindowKind::Interval, utc("2026-11-24T09:30:00Z")).answered == 1);
  CHECK(windows.totals(WindowKind::Interval, utc("2026-11-24T10:00:00Z")).answered == 0);
}

TEST_CASE("midnight resets today, not the rolling windows", "[core][windows]") {
  const SiteCalendar calendar("UTC", 0, 30);
  QueueWindows windows(&calendar);
  windows.add(utc("2026-11-24T23:50:00Z"), one_answer());

  const auto last_ms = utc("2026-11-24T23:59:59.999Z");
  windows.advance(last_ms);
  CHECK(windows.totals(WindowKind::Today, last_ms).answered == 1);
  CHECK(windows.totals(WindowKind::Interval, last_ms).answered == 1);

  const auto after_midnight = utc("2026-11-25T00:04:00Z");  // 15m = (23:49, 00:04]
  windows.advance(after_midnight);
  CHECK(windows.totals(WindowKind::Today, after_midnight).answered == 0);
  CHECK(windows.totals(WindowKind::Interval, after_midnight).answered == 0);
  CHECK(windows.totals(WindowKind::Rolling15m, after_midnight).answered == 1);
  CHECK(windows.totals(WindowKind::Rolling30m, after_midnight).answered == 1);
}

TEST_CASE("day_starts_at 06:00 resets today at 06:00", "[core][windows]") {
  const SiteCalendar calendar("UTC", 6 * 60, 30);
  QueueWindows windows(&calendar);
  windows.add(utc("2026-11-24T00:30:00Z"), one_answer());  // the reporting day of the 23rd
  windows.add(utc("2026-11-24T05:30:00Z"), one_answer());
  CHECK(windows.totals(WindowKind::Today, utc("2026-11-24T05:59:59.999Z")).answered == 2);
  CHECK(windows.totals(WindowKind::Today, utc("2026-11-24T06:00:00Z")).answered == 0);
  windows.add(utc("2026-11-24T06:10:00Z"), one_answer());
  CHECK(windows.totals(WindowKind::Today, utc("2026-11-24T06:15:00Z")).answered == 1);
}

TEST_CASE("a late outcome lands in the interval containing its timestamp", "[core][windows]") {
  const SiteCalendar calendar("UTC", 0, 30);
  QueueWindows windows(&calendar);
  const auto now = utc("2026-11-24T10:05:00Z");
  windows.advance(now);
  windows.add(utc("2026-11-24T09:55:00Z"), one_answer());          // reported ten minutes late
  CHECK(windows.totals(WindowKind::Interval, now).answered == 0);  // 10:00-10:30
  CHECK(windows.intervals().at(utc("2026-11-24T09:30:00Z")).answered == 1);
  CHECK(windows.totals(WindowKind::Today, now).answered == 1);
  CHECK(windows.totals(WindowKind::Rolling15m, now).answered == 1);
}

TEST_CASE("today on Stockholm's 25-hour day holds all 25 hours", "[core][windows]") {
  const SiteCalendar calendar("Europe/Stockholm", 0, 30);
  QueueWindows windows(&calendar);
  windows.add(utc("2026-10-24T22:30:00Z"), one_answer());  // 00:30 CEST on the 25th
  windows.add(utc("2026-10-25T00:40:00Z"), one_answer());  // 02:40 CEST
  windows.add(utc("2026-10-25T01:40:00Z"), one_answer());  // 02:40 CET, the repeated hour
  windows.add(utc("2026-10-25T22:30:00Z"), one_answer());  // 23:30 CET on the 25th
  const auto last_ms = utc("2026-10-25T22:59:59.999Z");
  CHECK(windows.totals(WindowKind::Today, last_ms).answered == 4);
  CHECK(windows.totals(WindowKind::Today, utc("2026-10-25T23:00:00Z")).answered == 0);
  // The two 02:30 intervals are kept apart.
  CHECK(windows.intervals().at(utc("2026-10-25T00:30:00Z")).answered == 1);
  CHECK(windows.intervals().at(utc("2026-10-25T01:30:00Z")).answered == 1);
  CHECK(windows.totals(WindowKind::Interval, utc("2026-10-25T01:45:00Z")).answered == 1);
}

TEST_CASE("prune drops calendar history that ended before the cut", "[core][windows]") {
  const SiteCalendar calendar("UTC", 0, 30);
  QueueWindows windows(&calendar);
  windows.add(utc("2026-11-23T09:10:00Z"), one_answer());
  windows.add(utc("2026-11-24T09:10:00Z"), one_answer());
  windows.prune(utc("2026-11-24T00:00:00Z"));
  CHECK(windows.intervals().count(utc("2026-11-23T09:00:00Z")) == 0);
  CHECK(windows.intervals().count(utc("2026-11-24T09:00:00Z")) == 1);
  CHECK(windows.totals(WindowKind::Today, utc("2026-11-24T10:00:00Z")).answered == 1);
}
