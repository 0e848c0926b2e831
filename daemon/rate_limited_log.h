#pragma once
// The daemon's name for the shared rate limit on log lines (common/rate_limiter.h): bad input
// and refused connections at most `burst` lines per `period`, timed by the loop's steady clock.
#include <chrono>

#include "common/rate_limiter.h"

namespace floorwatch::daemon {
using RateLimitedLog = common::RateLimiter<std::chrono::steady_clock::time_point>;
}  // namespace floorwatch::daemon
