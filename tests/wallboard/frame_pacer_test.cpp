// The board draws a change at once when it has been idle, and a long burst of deltas at most 30
// frames a second.
#include <catch2/catch.hpp>

#include "wallboard/frame_pacer.h"

using namespace floorwatch::wallboard;
using namespace std::chrono_literals;

TEST_CASE("a change after idle is drawn at once; a burst is paced to 30 frames a second",
          "[wallboard][pacer]") {
  FramePacer pacer(30, 4);
  SteadyTime now{std::chrono::hours(1)};
  // Ten changes a second (a busy floor): every one is drawn the moment it arrives.
  for (int i = 0; i < 50; ++i) {
    CHECK(pacer.wait(now) == 0ns);
    pacer.drew(now);
    now += 100ms;
  }
  // A burst (a replay, a reconnect): four frames at once, then one every 1/30 s.
  for (int i = 0; i < 4; ++i) {
    CHECK(pacer.wait(now) == 0ns);
    pacer.drew(now);
  }
  const auto wait = pacer.wait(now);
  CHECK(wait > 33ms);
  CHECK(wait < 34ms);
  int frames = 0;
  const SteadyTime end = now + 10s;
  while (now < end) {
    now += pacer.wait(now);
    pacer.drew(now);
    ++frames;
    now += 1ms;  // drawing takes a little time
  }
  CHECK(frames >= 295);
  CHECK(frames <= 305);
}
