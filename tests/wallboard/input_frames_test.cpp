// The frame loop asks the window system about the window and pointer only when an event can have
// changed them: the first frames, and the frame of an event and the one after it.
#include <catch2/catch.hpp>

#include "wallboard/input_frames.h"

using namespace floorwatch::wallboard;

SCENARIO("the window system is asked only around events", "[wallboard][input]") {
  InputFrames frames;
  GIVEN("a board just started") {
    THEN("its first two frames ask, later ones without events do not") {
      CHECK(frames.take());
      CHECK(frames.take());
      CHECK_FALSE(frames.take());
      CHECK_FALSE(frames.take());
    }
  }
  GIVEN("a board idle after its first frames") {
    frames.take();
    frames.take();
    WHEN("a click arrives (press and release before the next frame)") {
      frames.on_event();
      THEN("the next frame asks (the press) and so does the one after (the release)") {
        CHECK(frames.take());
        CHECK(frames.take());
        CHECK_FALSE(frames.take());
      }
    }
    WHEN("events keep coming") {
      frames.on_event();
      CHECK(frames.take());
      frames.on_event();
      THEN("every frame asks until two frames have passed without one") {
        CHECK(frames.take());
        CHECK(frames.take());
        CHECK_FALSE(frames.take());
      }
    }
  }
}
