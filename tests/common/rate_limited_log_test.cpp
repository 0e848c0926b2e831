// The shared rate limit on log lines, as an operator reads the log: a burst is shown, the rest
// is counted and told once, and a new window lets lines through again.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "common/rate_limited_log.h"
#include "common/rate_limiter.h"
#include "support/captured_log.h"

using floorwatch::common::RateLimitedLog;
using floorwatch::common::RateLimiter;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

TEST_CASE("at most burst lines per period, the next one let through says how many were dropped",
          "[common]") {
  RateLimiter<Clock::time_point> limiter(10s, 2);
  const Clock::time_point start{100s};
  std::size_t suppressed = 99;
  CHECK(limiter.allow(start, suppressed));
  CHECK(suppressed == 0);
  CHECK(limiter.allow(start + 1s, suppressed));
  CHECK_FALSE(limiter.allow(start + 2s, suppressed));
  CHECK_FALSE(limiter.allow(start + 9s, suppressed));
  CHECK(limiter.allow(start + 10s, suppressed));  // a new window
  CHECK(suppressed == 2);
  CHECK(limiter.allow(start + 10s, suppressed));
  CHECK(suppressed == 0);
  CHECK_FALSE(limiter.allow(start + 11s, suppressed));
  CHECK(limiter.take_suppressed() == 1);
  CHECK(limiter.take_suppressed() == 0);
}

TEST_CASE("a rate-limited log summarises what it dropped, before the next line or on flush",
          "[common]") {
  floorwatch::test::CapturedLog captured;
  RateLimitedLog<Clock::time_point> log(1s, 2, "bad lines");
  const Clock::time_point start{5s};
  for (int i = 0; i < 5; ++i) log.log(start, "line " + std::to_string(i));
  log.log(start + 1s, "line 5");
  for (int i = 6; i < 9; ++i) log.log(start + 1s, "line " + std::to_string(i));
  log.flush();
  CHECK(captured.text() ==
        "line 0\nline 1\n"
        "3 more bad lines not shown (at most 2 a second)\nline 5\nline 6\n"
        "2 more bad lines not shown (at most 2 a second)\n");
}

TEST_CASE("a period other than a second is named in the summary", "[common]") {
  floorwatch::test::CapturedLog captured;
  RateLimitedLog<Clock::time_point> log(10s, 1);
  log.log(Clock::time_point{}, "first");
  log.log(Clock::time_point{1s}, "second");
  log.flush();
  log.flush();  // nothing more to tell
  CHECK(captured.text() == "first\n1 more like this not shown (at most 1 every 10000 ms)\n");
}
