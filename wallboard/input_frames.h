#pragma once
// When the frame loop asks the window system about the window and the pointer. ImGui's GLFW
// backend does it every frame with four X round trips (window and framebuffer size, focus,
// pointer): 0.4 ms at the median and over 2 ms at the 99th percentile on a busy 2-core wall PC,
// in every frame that shows a delta. None of it changes without an event, so the board asks on
// the first frames, after an input or window event, and on the frame after that one (a click
// whose press and release came together is released there, as ImGui expects). Pure.
namespace floorwatch::wallboard {

/// Not thread-safe: GLFW calls its callbacks on the frame loop's thread.
class InputFrames {
 public:
  /// GLFW reported input (key, button, pointer, scroll) or a window change (size, focus).
  void on_event() { frames_left_ = kFramesPerEvent; }
  /// Call once per frame: whether this frame must ask the window system.
  bool take() {
    if (frames_left_ == 0) return false;
    --frames_left_;
    return true;
  }

 private:
  static constexpr int kFramesPerEvent = 2;
  int frames_left_ = kFramesPerEvent;  // nothing is known before the first frames
};

}  // namespace floorwatch::wallboard
