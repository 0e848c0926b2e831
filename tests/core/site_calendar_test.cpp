// Reporting intervals and reporting days in the site's time zone: interval boundaries,
// day_starts_at, and the two DST days of Europe/Stockholm in 2026 (23 h and 25 h long).
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <stdexcept>

#include "floorwatch/core/event.h"
#include "floorwatch/core/site_calendar.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

TEST_CASE("UTC 30-minute intervals", "[core][calendar]") {
  const SiteCalendar calendar("UTC", 0, 30);
  auto [at, start, end] = GENERATE(table<std::string, std::string, std::string>({
      {"2026-11-24T09:47:12.345Z", "2026-11-24T09:30:00Z", "2026-11-24T10:00:00Z"},
      // A boundary belongs to the interval it starts.
      {"2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z", "2026-11-24T10:30:00Z"},
      {"2026-11-24T09:59:59.999Z", "2026-11-24T09:30:00Z", "2026-11-24T10:00:00Z"},
      {"2026-11-24T00:00:00Z", "2026-11-24T00:00:00Z", "2026-11-24T00:30:00Z"},
      // The last interval of the day ends at the next midnight.
      {"2026-11-24T23:59:59.999Z", "2026-11-24T23:30:00Z", "2026-11-25T00:00:00Z"},
  }));
  CAPTURE(at);
  CHECK(calendar.interval_start(utc(at)) == utc(start));
  CHECK(calendar.interval_end(utc(at)) == utc(end));
}

TEST_CASE("15-minute intervals", "[core][calendar]") {
  const SiteCalendar calendar("UTC", 0, 15);
  CHECK(calendar.interval_minutes() == 15);
  CHECK(calendar.interval_start(utc("2026-11-24T09:47:12Z")) == utc("2026-11-24T09:45:00Z"));
  CHECK(calendar.interval_end(utc("2026-11-24T09:47:12Z")) == utc("2026-11-24T10:00:00Z"));
  CHECK(calendar.interval_start(utc("2026-11-24T09:44:59.999Z")) == utc("2026-11-24T09:30:00Z"));
}

TEST_CASE("intervals follow the local clock, not UTC", "[core][calendar]") {
  // Asia/Kolkata is UTC+05:30: local 15:00 is 09:30 UTC, so a 60-minute interval runs from
  // hh:30 to hh:30 in UTC.
  const SiteCalendar calendar("Asia/Kolkata", 0, 60);
  CHECK(calendar.interval_start(utc("2026-11-24T09:45:00Z")) == utc("2026-11-24T09:30:00Z"));
  CHECK(calendar.interval_end(utc("2026-11-24T09:45:00Z")) == utc("2026-11-24T10:30:00Z"));
  // Local midnight of 24 November is 18:30 UTC on the 23rd.
  CHECK(calendar.day_start(utc("2026-11-24T09:45:00Z")) == utc("2026-11-23T18:30:00Z"));
}

TEST_CASE("midnight: the reporting day in UTC", "[core][calendar]") {
  const SiteCalendar calendar("UTC", 0, 30);
  CHECK(calendar.day_start(utc("2026-11-24T09:47:00Z")) == utc("2026-11-24T00:00:00Z"));
  CHECK(calendar.next_day_start(utc("2026-11-24T09:47:00Z")) == utc("2026-11-25T00:00:00Z"));
  // The last millisecond of the day, and the first of the next (open-source panels are known to
  // break exactly here).
  CHECK(calendar.day_start(utc("2026-11-24T23:59:59.999Z")) == utc("2026-11-24T00:00:00Z"));
  CHECK(calendar.day_start(utc("2026-11-25T00:00:00Z")) == utc("2026-11-25T00:00:00Z"));
  CHECK(calendar.utc_offset(utc("2026-11-24T09:47:00Z")) == Duration{0});
}

TEST_CASE("day_starts_at 06:00: 05:59 belongs to the previous day", "[core][calendar]") {
  const SiteCalendar calendar("UTC", 6 * 60, 30);
  CHECK(calendar.day_start_minutes() == 360);
  CHECK(calendar.day_start(utc("2026-11-24T05:59:00Z")) == utc("2026-11-23T06:00:00Z"));
  CHECK(calendar.next_day_start(utc("2026-11-24T05:59:00Z")) == utc("2026-11-24T06:00:00Z"));
  CHECK(calendar.day_start(utc("2026-11-24T05:59:59.999Z")) == utc("2026-11-23T06:00:00Z"));
  CHECK(calendar.day_start(utc("2026-11-24T06:00:00Z")) == utc("2026-11-24T06:00:00Z"));
  CHECK(calendar.next_day_start(utc("2026-11-24T06:00:00Z")) == utc("2026-11-25T06:00:00Z"));
  // Intervals are still aligned to local midnight, not to the day start.
  CHECK(calendar.interval_start(utc("2026-11-24T05:59:00Z")) == utc("2026-11-24T05:30:00Z"));
}

TEST_CASE("Europe/Stockholm, spring forward on 2026-03-29: a 23-hour day", "[core][calendar]") {
  const SiteCalendar calendar("Europe/Stockholm", 0, 30);
  const auto midday = utc("2026-03-29T12:00:00Z");  // 14:00 CEST
  // Local midnight was still CET (+01:00); the next one is CEST (+02:00).
  CHECK(calendar.day_start(midday) == utc("2026-03-28T23:00:00Z"));
  CHECK(calendar.next_day_start(midday) == utc("2026-03-29T22:00:00Z"));
  CHECK(calendar.next_day_start(midday) - calendar.day_start(midday) == hours(23));

  CHECK(calendar.utc_offset(utc("2026-03-29T00:59:59Z")) == hours(1));
  CHECK(calendar.utc_offset(utc("2026-03-29T01:00:00Z")) == hours(2));
  // 01:59 CET is followed by 03:00 CEST: the 01:30 interval ends at the jump.
  CHECK(calendar.interval_start(utc("2026-03-29T00:59:00Z")) == utc("2026-03-29T00:30:00Z"));
  CHECK(calendar.interval_end(utc("2026-03-29T00:59:00Z")) == utc("2026-03-29T01:00:00Z"));
  CHECK(calendar.interval_start(utc("2026-03-29T01:00:00Z")) == utc("2026-03-29T01:00:00Z"));
}

TEST_CASE("Europe/Stockholm, fall back on 2026-10-25: a 25-hour day", "[core][calendar]") {
  const SiteCalendar calendar("Europe/Stockholm", 0, 30);
  const auto midday = utc("2026-10-25T12:00:00Z");                        // 13:00 CET
  CHECK(calendar.day_start(midday) == utc("2026-10-24T22:00:00Z"));       // 00:00 CEST
  CHECK(calendar.next_day_start(midday) == utc("2026-10-25T23:00:00Z"));  // 00:00 CET
  CHECK(calendar.next_day_start(midday) - calendar.day_start(midday) == hours(25));
  // Both halves of the repeated hour belong to the same day.
  CHECK(calendar.day_start(utc("2026-10-25T00:30:00Z")) == utc("2026-10-24T22:00:00Z"));
  CHECK(calendar.day_start(utc("2026-10-25T01:30:00Z")) == utc("2026-10-24T22:00:00Z"));
}

TEST_CASE("the repeated hour: 02:30 CEST and 02:30 CET are different intervals",
          "[core][calendar]") {
  const SiteCalendar calendar("Europe/Stockholm", 0, 30);
  // 00:40Z = 02:40 CEST, first pass through the hour.
  CHECK(calendar.utc_offset(utc("2026-10-25T00:40:00Z")) == hours(2));
  CHECK(calendar.interval_start(utc("2026-10-25T00:40:00Z")) == utc("2026-10-25T00:30:00Z"));
  // 03:00 CEST never shows on the clock: at 01:00Z it turns back to 02:00 CET, which starts the
  // next interval. The first 02:30 interval therefore ends at 01:00Z, 30 minutes long.
  CHECK(calendar.interval_end(utc("2026-10-25T00:40:00Z")) == utc("2026-10-25T01:00:00Z"));
  // 01:40Z = 02:40 CET, second pass: same local clock reading, a different instant.
  CHECK(calendar.utc_offset(utc("2026-10-25T01:40:00Z")) == hours(1));
  CHECK(calendar.interval_start(utc("2026-10-25T01:40:00Z")) == utc("2026-10-25T01:30:00Z"));
  CHECK(calendar.interval_end(utc("2026-10-25T01:40:00Z")) == utc("2026-10-25T02:00:00Z"));
  CHECK(calendar.interval_start(utc("2026-10-25T01:00:00Z")) == utc("2026-10-25T01:00:00Z"));
}

TEST_CASE("a DST day is tiled by whole intervals: 46, 48 and 50 of them", "[core][calendar]") {
  const SiteCalendar calendar("Europe/Stockholm", 0, 30);
  auto [midday, expected_intervals] = GENERATE(table<std::string, int>({
      {"2026-03-29T12:00:00Z", 46},  // 23 h
      {"2026-06-15T12:00:00Z", 48},  // an ordinary summer day
      {"2026-10-25T12:00:00Z", 50},  // 25 h
  }));
  CAPTURE(midday);
  const auto day_start = calendar.day_start(utc(midday));
  const auto day_end = calendar.next_day_start(utc(midday));
  int intervals = 0;
  for (auto start = day_start; start < day_end; start = calendar.interval_end(start)) {
    CAPTURE(to_epoch_ms(start));
    REQUIRE(calendar.interval_start(start) == start);
    // Every interval is 30 minutes: Stockholm changes its clocks on the hour.
    REQUIRE(calendar.interval_end(start) - start == minutes(30));
    // And the interval contains its last millisecond.
    REQUIRE(calendar.interval_start(calendar.interval_end(start) - Duration{1}) == start);
    REQUIRE(++intervals <= 60);
  }
  CHECK(intervals == expected_intervals);
}

TEST_CASE("day_starts_at 06:00 across fall back: 06:00 CEST to 06:00 CET is 25 hours",
          "[core][calendar]") {
  const SiteCalendar calendar("Europe/Stockholm", 6 * 60, 30);
  const auto early = utc("2026-10-25T04:30:00Z");  // 05:30 CET: still the reporting day of 24th
  CHECK(calendar.day_start(early) == utc("2026-10-24T04:00:00Z"));       // 06:00 CEST
  CHECK(calendar.next_day_start(early) == utc("2026-10-25T05:00:00Z"));  // 06:00 CET
  CHECK(calendar.next_day_start(early) - calendar.day_start(early) == hours(25));
}

TEST_CASE("bad calendar settings are rejected", "[core][calendar]") {
  CHECK_THROWS_AS(SiteCalendar("Mars/Olympus_Mons", 0, 30), std::invalid_argument);
  CHECK_THROWS_AS(SiteCalendar("", 0, 30), std::invalid_argument);
  auto interval = GENERATE(0, 7, 25, 1441, -30);  // not dividing 1440, or out of range
  CAPTURE(interval);
  CHECK_THROWS_AS(SiteCalendar("UTC", 0, interval), std::invalid_argument);
  CHECK_THROWS_AS(SiteCalendar("UTC", -1, 30), std::invalid_argument);
  CHECK_THROWS_AS(SiteCalendar("UTC", 1440, 30), std::invalid_argument);
}

TEST_CASE("good calendar settings are accepted", "[core][calendar]") {
  auto interval = GENERATE(1, 5, 10, 15, 20, 30, 45, 60, 120, 1440);
  CAPTURE(interval);
  const SiteCalendar calendar("Europe/Stockholm", 1439, interval);
  CHECK(calendar.time_zone_name() == "Europe/Stockholm");
  CHECK(calendar.interval_minutes() == interval);
}

TEST_CASE("parse_time_of_day reads HH:MM", "[core][calendar]") {
  auto [text, expected] = GENERATE(table<std::string, int>({
      {"00:00", 0},
      {"06:00", 360},
      {"08:30", 510},
      {"23:59", 1439},
      {"24:00", -1},
      {"12:60", -1},
      {"", -1},
      {"noon", -1},
      {"-1:00", -1},
      {"12-30", -1},
  }));
  CAPTURE(text);
  CHECK(parse_time_of_day(text) == expected);
}

TEST_CASE("intervals and days tile time without gaps or overlaps through DST changes",
          "[core][calendar]") {
  // Every 5 minutes (a divisor of every interval length tested) of three days around each clock
  // change: the interval and the reporting day containing t must contain t, and consecutive
  // ones must meet exactly.
  auto [zone, change_day] = GENERATE(table<std::string, std::string>({
      {"Europe/Stockholm", "2026-03-29"},
      {"Europe/Stockholm", "2026-10-25"},
      {"America/New_York", "2026-03-08"},
      {"America/New_York", "2026-11-01"},
      {"Australia/Lord_Howe", "2026-04-05"},  // clocks go back 30 minutes
      {"Australia/Lord_Howe", "2026-10-04"},
      {"Asia/Kolkata", "2026-03-29"},  // no DST, half-hour offset
  }));
  auto interval = GENERATE(15, 30, 60);
  auto day_start_minutes = GENERATE(0, 90, 150, 6 * 60);  // 01:30 and 02:30 hit DST hours
  CAPTURE(zone, change_day, interval, day_start_minutes);
  const SiteCalendar calendar(zone, day_start_minutes, interval);

  const auto first = utc(change_day + "T00:00:00Z") - hours(36);
  const auto last = utc(change_day + "T00:00:00Z") + hours(36);
  Timestamp previous_interval_end{};
  Timestamp previous_interval_start{};
  Timestamp previous_day_start{};
  Timestamp previous_day_end{};
  for (auto t = first; t < last; t += minutes(5)) {
    const auto start = calendar.interval_start(t);
    const auto end = calendar.interval_end(t);
    CAPTURE(format_timestamp(t), format_timestamp(start), format_timestamp(end));
    REQUIRE(start <= t);
    REQUIRE(t < end);
    REQUIRE(calendar.interval_start(end) == end);  // the next interval starts where this ends
    if (t < previous_interval_end) REQUIRE(start == previous_interval_start);
    if (t >= previous_interval_end && t != first) REQUIRE(start == previous_interval_end);
    previous_interval_start = start;
    previous_interval_end = end;

    const auto day = calendar.day_start(t);
    const auto next_day = calendar.next_day_start(t);
    CAPTURE(format_timestamp(day), format_timestamp(next_day));
    REQUIRE(day <= t);
    REQUIRE(t < next_day);
    REQUIRE(next_day - day >= hours(23));
    REQUIRE(next_day - day <= hours(25));
    REQUIRE(calendar.day_start(next_day) == next_day);
    if (t < previous_day_end) REQUIRE(day == previous_day_start);
    previous_day_start = day;
    previous_day_end = next_day;
  }
}

TEST_CASE("a day start inside the repeated hour starts the reporting day once",
          "[core][calendar]") {
  // day_starts_at 02:30 in Stockholm: on 2026-10-25 the clock shows 02:30 twice (00:30Z CEST
  // and 01:30Z CET). The reporting day starts at the first; the second is inside that day.
  const SiteCalendar calendar("Europe/Stockholm", 2 * 60 + 30, 30);
  const auto first_pass = utc("2026-10-25T00:45:00Z");   // 02:45 CEST
  const auto second_pass = utc("2026-10-25T01:45:00Z");  // 02:45 CET
  CHECK(calendar.day_start(first_pass) == utc("2026-10-25T00:30:00Z"));
  CHECK(calendar.day_start(second_pass) == calendar.day_start(first_pass));
  CHECK(calendar.next_day_start(first_pass) == utc("2026-10-26T01:30:00Z"));  // 02:30 CET
  CHECK(calendar.next_day_start(second_pass) == calendar.next_day_start(first_pass));
}
