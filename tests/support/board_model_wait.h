#pragma once
// Waiting for a wallboard's model to show something: the feed is asynchronous, so tests poll
// the client's model until a condition holds (links floorwatch::wallboard_core).
#include <chrono>
#include <cstdint>
#include <thread>

#include "wallboard/feed_client.h"

namespace floorwatch::test {

/// The client's model once `condition` holds, or the last one seen when `timeout` passes
/// (the caller checks the condition again to fail with its own message).
template <typename Condition>
wallboard::BoardModel wait_for_model(const wallboard::FeedClient& client, Condition condition,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  wallboard::BoardModel model;
  std::uint64_t version = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    client.copy_model_if_changed(model, version);
    if (condition(model)) return model;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  client.copy_model_if_changed(model, version);
  return model;
}

}  // namespace floorwatch::test
