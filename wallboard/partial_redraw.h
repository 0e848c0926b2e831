#pragma once
// Redraws only what a frame changed. ImGui still lays out the whole page every frame (cheap);
// before rendering, every triangle and cleared rectangle of the frame is hashed into the
// DamageTracker's tiles, and the draw lists are cut down to the primitives that touch the
// damaged rectangles, each clipped to them. The rest of the back buffer keeps the pixels of the
// frame it was last drawn with, which the Presenter guarantees (or reports it cannot).
#include <vector>

#include <imgui.h>

#include "wallboard/damage_tracker.h"

struct GLFWwindow;

namespace floorwatch::wallboard {

class PartialRedraw {
 public:
  /// `background`: the colour every redrawn rectangle starts from. After ImGui's context exists.
  explicit PartialRedraw(ImU32 background);
  /// Hashes `data` (after ImGui::Render) and, when `buffer_age` lets part of the back buffer be
  /// kept, rewrites its draw lists to draw only the damaged rectangles, each painted with the
  /// background first (one more draw list, in front). Returns those rectangles (the whole
  /// framebuffer for a full redraw, which the caller clears; empty when nothing changed).
  std::vector<PixelRect> restrict_to_damage(ImDrawData& data, int fb_width, int fb_height,
                                            int buffer_age);
  /// The last frame was redrawn in part, background included (nothing to clear).
  bool painted_background() const { return painted_background_; }
  /// The back buffer no longer holds what the hashes say (font texture rebuilt).
  void invalidate() { tracker_.invalidate(); }
  /// Frames hashed, and those drawn in part (less than the whole framebuffer).
  long frames() const { return frames_; }
  long partial_frames() const { return partial_frames_; }

 private:
  void hash_frame(const ImDrawData& data);
  void cut_draw_lists(ImDrawData& data, const std::vector<PixelRect>& rects);
  void paint_background(ImDrawData& data, const std::vector<PixelRect>& rects);

  DamageTracker tracker_;
  int fb_width_ = 0, fb_height_ = 0;
  long frames_ = 0, partial_frames_ = 0;
  ImU32 background_;
  ImDrawList background_list_;
  std::vector<ImDrawList*> lists_;  ///< the background list, then the frame's
  bool painted_background_ = false;
  std::vector<PixelRect> triangle_boxes_;     ///< every triangle of the frame, in draw order
  std::vector<std::uint64_t> vertex_hashes_;  ///< of the draw list being hashed
  struct CutBuffers {
    ImVector<ImDrawIdx> indices;
    ImVector<ImDrawCmd> commands;
  };
  std::vector<CutBuffers> spares_;  ///< per draw list: last frame's uncut buffers, reused
};

/// Clears `rects` (y down) of the bound framebuffer to `rgba` (0..1). One scissored glClear
/// each: in llvmpipe every one is a quad drawn with its own state, so a partial frame paints
/// its background as triangles instead (PartialRedraw).
void clear_rects(const std::vector<PixelRect>& rects, int fb_height, const float rgba[4]);

/// Shows the back buffer. With a software rasteriser (Mesa llvmpipe: wall PCs without a GPU)
/// and GLX_MESA_copy_sub_buffer, the back buffer is copied to the window and keeps its pixels, so
/// the next frame draws only what changed, and only that is copied (the whole buffer again once
/// the window was exposed). Otherwise (a GPU, where a whole frame is cheap and a vsynced swap
/// looks better; `--full-redraw`) it swaps and every frame is drawn whole. One per window; the
/// frame loop's thread only.
class Presenter {
 public:
  enum class Mode { Swap, CopyBackBuffer };
  Presenter(GLFWwindow* window, bool partial);
  /// How many frames old the back buffer's content is (0: unknown, draw everything).
  int buffer_age() const;
  /// `redrawn`: the rectangles (y down) this frame drew, as restrict_to_damage returned them.
  void present(int fb_width, int fb_height, const std::vector<PixelRect>& redrawn);
  Mode mode() const { return mode_; }
  const char* mode_name() const;

 private:
  GLFWwindow* window_;
  Mode mode_ = Mode::Swap;
  bool presented_ = false;
  WindowDamage window_damage_;
  void* display_ = nullptr;
  unsigned long drawable_ = 0;
  void (*copy_sub_buffer_)(void*, unsigned long, int, int, int, int) = nullptr;
};

}  // namespace floorwatch::wallboard
