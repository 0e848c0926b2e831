// Exactly-once bookkeeping per collector stream, and the injected clocks.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include "floorwatch/core/clock.h"
#include "floorwatch/core/delivery_tracker.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;
using Verdict = DeliveryTracker::Verdict;

TEST_CASE("a stream applies 1, 2, 3 in order, drops resends and holds back gaps",
          "[core][delivery]") {
  DeliveryTracker tracker;
  CHECK(tracker.applied("asterisk-1", 7) == 0);
  CHECK(tracker.check("asterisk-1", 7, 1) == Verdict::Apply);
  CHECK(tracker.check("asterisk-1", 7, 2) == Verdict::Gap);  // 1 has not been applied yet
  tracker.mark_applied("asterisk-1", 7, 1);
  CHECK(tracker.check("asterisk-1", 7, 1) == Verdict::Duplicate);
  CHECK(tracker.check("asterisk-1", 7, 2) == Verdict::Apply);
  tracker.mark_applied("asterisk-1", 7, 2);
  CHECK(tracker.check("asterisk-1", 7, 4) == Verdict::Gap);
  CHECK(tracker.check("asterisk-1", 7, 3) == Verdict::Apply);
  CHECK(tracker.applied("asterisk-1", 7) == 2);
  // Marking an older seq again (a resend applied twice by mistake) never moves it back.
  tracker.mark_applied("asterisk-1", 7, 1);
  CHECK(tracker.applied("asterisk-1", 7) == 2);
}

TEST_CASE("streams are independent per source and per session", "[core][delivery]") {
  DeliveryTracker tracker;
  tracker.mark_applied("asterisk-1", 7, 1);
  tracker.mark_applied("asterisk-1", 7, 2);
  // A restarted collector (new session) starts again at 1: not a resend.
  CHECK(tracker.check("asterisk-1", 8, 1) == Verdict::Apply);
  // Another source has its own numbering.
  CHECK(tracker.check("simulator", 7, 1) == Verdict::Apply);
  CHECK(tracker.applied("simulator", 7) == 0);
}

TEST_CASE("a restored stream position continues from where it was", "[core][delivery]") {
  DeliveryTracker tracker;
  tracker.restore("asterisk-1", 7, 41);
  CHECK(tracker.applied("asterisk-1", 7) == 41);
  CHECK(tracker.check("asterisk-1", 7, 41) == Verdict::Duplicate);
  CHECK(tracker.check("asterisk-1", 7, 42) == Verdict::Apply);
  CHECK(tracker.check("asterisk-1", 7, 43) == Verdict::Gap);
}

TEST_CASE("ManualClock is set and advanced by hand", "[core][clock]") {
  ManualClock clock(utc("2026-11-24T09:00:00Z"));
  CHECK(clock.now() == utc("2026-11-24T09:00:00Z"));
  clock.advance(seconds(1.5));
  CHECK(clock.now() == utc("2026-11-24T09:00:01.500Z"));
  clock.set(utc("2026-11-24T08:00:00Z"));  // a test may also go back
  CHECK(clock.now() == utc("2026-11-24T08:00:00Z"));
  const Clock& as_clock = clock;
  CHECK(as_clock.now() == utc("2026-11-24T08:00:00Z"));
}

TEST_CASE("EventClock follows the latest event and never moves backwards", "[core][clock]") {
  EventClock clock;
  clock.observe(utc("2026-11-24T09:00:00Z"));
  CHECK(clock.now() == utc("2026-11-24T09:00:00Z"));
  clock.observe(utc("2026-11-24T09:00:05Z"));
  CHECK(clock.now() == utc("2026-11-24T09:00:05Z"));
  // A replay's slightly out-of-order event does not turn the clock back.
  clock.observe(utc("2026-11-24T09:00:03Z"));
  CHECK(clock.now() == utc("2026-11-24T09:00:05Z"));
  clock.observe(utc("2026-11-24T09:00:05.001Z"));
  CHECK(clock.now() == utc("2026-11-24T09:00:05.001Z"));
}

TEST_CASE("SystemClock reads the wall clock in milliseconds", "[core][clock]") {
  const SystemClock clock;
  const auto before = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  const auto now = clock.now();
  const auto after = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  CHECK(now >= before);
  CHECK(now <= after);
}
