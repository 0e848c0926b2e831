#pragma once
// Waiting for something another process or thread does, by polling with a deadline: tests
// never sleep a fixed time hoping it is enough (slow on a quiet machine, flaky on a busy one).
#include <chrono>
#include <functional>
#include <thread>

namespace floorwatch::test {

/// Polls `condition` every `poll` until it holds or `timeout` passes; true when it held. The
/// condition is checked once more at the deadline, so a slow last poll is not lost.
inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

}  // namespace floorwatch::test
