#include "wallboard/partial_redraw.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui_impl_opengl3_loader.h>

#ifndef GL_RENDERER
#define GL_RENDERER 0x1F01  // ImGui's minimal GL loader leaves it out
#endif

namespace floorwatch::wallboard {

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h = (h ^ v) * 0xff51afd7ed558ccdULL;
  return h ^ (h >> 32);
}

std::uint64_t mix_rect(std::uint64_t h, const PixelRect& r) {
  return mix(mix(h, (static_cast<std::uint64_t>(static_cast<std::uint32_t>(r.x0)) << 32) |
                        static_cast<std::uint32_t>(r.y0)),
             (static_cast<std::uint64_t>(static_cast<std::uint32_t>(r.x1)) << 32) |
                 static_cast<std::uint32_t>(r.y1));
}

std::uint64_t mix_pointer(std::uint64_t h, const void* p) {
  return mix(h, static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)));
}

// The pixels the OpenGL 3 backend scissors a command to (and a user callback works in): the
// same float → int truncations, so a cut clip rectangle selects exactly the same pixels.
PixelRect scissor_box(const ImVec4& clip, const ImVec2& offset, int fb_height) {
  const float x0 = clip.x - offset.x, y0 = clip.y - offset.y;
  const float x1 = clip.z - offset.x, y1 = clip.w - offset.y;
  if (x1 <= x0 || y1 <= y0) return {};
  const int gx = static_cast<int>(x0), gw = static_cast<int>(x1 - x0);
  const int gy = static_cast<int>(static_cast<float>(fb_height) - y1);
  const int gh = static_cast<int>(y1 - y0);
  return {gx, fb_height - gy - gh, gx + gw, fb_height - gy};
}

ImVec4 clip_for(const PixelRect& r, const ImVec2& offset) {
  return {static_cast<float>(r.x0) + offset.x, static_cast<float>(r.y0) + offset.y,
          static_cast<float>(r.x1) + offset.x, static_cast<float>(r.y1) + offset.y};
}

// What a triangle can shade: its vertices' bounding box, at least a pixel wider each way
// (rasterisation rules; anti-aliased fringes are vertices too), inside its scissor.
PixelRect triangle_box(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c,
                       const ImVec2& offset, const PixelRect& scissor) {
  const float x0 = std::min({a.pos.x, b.pos.x, c.pos.x}) - offset.x;
  const float y0 = std::min({a.pos.y, b.pos.y, c.pos.y}) - offset.y;
  const float x1 = std::max({a.pos.x, b.pos.x, c.pos.x}) - offset.x;
  const float y1 = std::max({a.pos.y, b.pos.y, c.pos.y}) - offset.y;
  // Truncation instead of floor/ceil (a hot loop): one more pixel each way keeps it a superset.
  const PixelRect box{static_cast<int>(x0) - 2, static_cast<int>(y0) - 2, static_cast<int>(x1) + 2,
                      static_cast<int>(y1) + 2};
  return box.intersection(scissor);
}

std::uint64_t mix_vertex(std::uint64_t h, const ImDrawVert& v) {
  static_assert(sizeof(ImDrawVert) == 20, "pos, uv, col");
  std::uint32_t words[5];
  std::memcpy(words, &v, sizeof words);
  h = mix(h, (static_cast<std::uint64_t>(words[0]) << 32) | words[1]);
  h = mix(h, (static_cast<std::uint64_t>(words[2]) << 32) | words[3]);
  return mix(h, words[4]);
}

bool is_unit_scale(const ImDrawData& data) {
  return data.FramebufferScale.x == 1.0f && data.FramebufferScale.y == 1.0f &&
         data.DisplayPos.x == std::floor(data.DisplayPos.x) &&
         data.DisplayPos.y == std::floor(data.DisplayPos.y);
}

}  // namespace

PartialRedraw::PartialRedraw(ImU32 background)
    : background_(background), background_list_(ImGui::GetDrawListSharedData()) {}

std::vector<PixelRect> PartialRedraw::restrict_to_damage(ImDrawData& data, int fb_width,
                                                         int fb_height, int buffer_age) {
  fb_width_ = fb_width;
  fb_height_ = fb_height;
  // Cut clip rectangles are whole pixels: with a scaled framebuffer draw everything.
  if (!is_unit_scale(data)) buffer_age = 0;
  tracker_.begin_frame(fb_width, fb_height);
  hash_frame(data);
  std::vector<PixelRect> rects = tracker_.end_frame(buffer_age);
  ++frames_;
  painted_background_ = false;
  if (rects.size() == 1 && rects.front() == PixelRect{0, 0, fb_width, fb_height}) return rects;
  ++partial_frames_;
  cut_draw_lists(data, rects);
  paint_background(data, rects);
  return rects;
}

// The rectangles are disjoint and opaque: in front of everything, they stand for a clear.
void PartialRedraw::paint_background(ImDrawData& data, const std::vector<PixelRect>& rects) {
  ImDrawList& list = background_list_;
  list._ResetForNewFrame();
  list.PushTextureID(ImGui::GetIO().Fonts->TexID);  // its white pixel, as every fill
  list.PushClipRectFullScreen();
  const ImVec2 offset = data.DisplayPos;
  for (const PixelRect& r : rects)
    list.AddRectFilled(
        ImVec2(static_cast<float>(r.x0) + offset.x, static_cast<float>(r.y0) + offset.y),
        ImVec2(static_cast<float>(r.x1) + offset.x, static_cast<float>(r.y1) + offset.y),
        background_);
  lists_.assign(data.CmdLists, data.CmdLists + data.CmdListsCount);
  lists_.insert(lists_.begin(), &list);
  data.CmdLists = lists_.data();
  data.CmdListsCount = static_cast<int>(lists_.size());
  data.TotalVtxCount += list.VtxBuffer.Size;
  data.TotalIdxCount += list.IdxBuffer.Size;
  painted_background_ = true;
}

void PartialRedraw::hash_frame(const ImDrawData& data) {
  triangle_boxes_.clear();
  const ImVec2 offset = data.DisplayPos;
  for (int l = 0; l < data.CmdListsCount; ++l) {
    const ImDrawList& list = *data.CmdLists[l];
    // Once per vertex: a glyph's two triangles share two of its four.
    vertex_hashes_.resize(static_cast<std::size_t>(list.VtxBuffer.Size));
    for (int v = 0; v < list.VtxBuffer.Size; ++v)
      vertex_hashes_[static_cast<std::size_t>(v)] = mix_vertex(3, list.VtxBuffer[v]);
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      if (cmd.UserCallback == ImDrawCallback_ResetRenderState) continue;
      const PixelRect scissor = scissor_box(cmd.ClipRect, offset, fb_height_);
      if (cmd.UserCallback != nullptr) {  // may draw anywhere in its clip rectangle
        tracker_.add(
            scissor,
            mix_rect(mix_pointer(mix_pointer(1, reinterpret_cast<const void*>(cmd.UserCallback)),
                                 cmd.UserCallbackData),
                     scissor));
        continue;
      }
      const std::uint64_t base = mix_rect(mix_pointer(2, cmd.TextureId), scissor);
      const ImDrawVert* vertices = list.VtxBuffer.Data + cmd.VtxOffset;
      const std::uint64_t* hashes = vertex_hashes_.data() + cmd.VtxOffset;
      for (unsigned int i = 0; i + 2 < cmd.ElemCount; i += 3) {
        const ImDrawIdx* idx = &list.IdxBuffer[static_cast<int>(cmd.IdxOffset + i)];
        const PixelRect box =
            triangle_box(vertices[idx[0]], vertices[idx[1]], vertices[idx[2]], offset, scissor);
        triangle_boxes_.push_back(box);
        tracker_.add(box, mix(mix(mix(base, hashes[idx[0]]), hashes[idx[1]]), hashes[idx[2]]));
      }
    }
  }
}

// Each command becomes one command per damaged rectangle it reaches, holding only the triangles
// that touch that rectangle and clipped to it. The rectangles are disjoint, so every pixel still
// sees its primitives in the original order.
void PartialRedraw::cut_draw_lists(ImDrawData& data, const std::vector<PixelRect>& rects) {
  const ImVec2 offset = data.DisplayPos;
  std::size_t triangle = 0;
  data.TotalIdxCount = 0;
  if (spares_.size() < static_cast<std::size_t>(data.CmdListsCount))
    spares_.resize(static_cast<std::size_t>(data.CmdListsCount));
  for (int l = 0; l < data.CmdListsCount; ++l) {
    ImDrawList& list = *data.CmdLists[l];
    // The cut goes into buffers kept from earlier frames and is swapped in: both stay as large
    // as the page needs, so neither ImGui nor the cut allocates (and faults in) fresh pages.
    ImVector<ImDrawIdx>& indices = spares_[static_cast<std::size_t>(l)].indices;
    ImVector<ImDrawCmd>& commands = spares_[static_cast<std::size_t>(l)].commands;
    indices.resize(0);
    commands.resize(0);
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      if (cmd.UserCallback == ImDrawCallback_ResetRenderState) {
        commands.push_back(cmd);
        continue;
      }
      const PixelRect scissor = scissor_box(cmd.ClipRect, offset, fb_height_);
      const std::size_t first = triangle;
      const std::size_t count = cmd.UserCallback != nullptr ? 0 : cmd.ElemCount / 3;
      triangle += count;
      for (const PixelRect& rect : rects) {
        const PixelRect part = scissor.intersection(rect);
        if (part.empty()) continue;
        ImDrawCmd piece = cmd;
        piece.ClipRect = clip_for(part, offset);
        piece.IdxOffset = static_cast<unsigned int>(indices.Size);
        for (std::size_t t = 0; t < count; ++t) {
          if (!triangle_boxes_[first + t].intersects(part)) continue;
          const ImDrawIdx* idx = &list.IdxBuffer[static_cast<int>(cmd.IdxOffset + 3 * t)];
          indices.push_back(idx[0]);
          indices.push_back(idx[1]);
          indices.push_back(idx[2]);
        }
        piece.ElemCount = static_cast<unsigned int>(indices.Size) - piece.IdxOffset;
        if (cmd.UserCallback != nullptr || piece.ElemCount > 0) commands.push_back(piece);
      }
    }
    list.IdxBuffer.swap(indices);
    list.CmdBuffer.swap(commands);
    data.TotalIdxCount += list.IdxBuffer.Size;
  }
}

void clear_rects(const std::vector<PixelRect>& rects, int fb_height, const float rgba[4]) {
  glEnable(GL_SCISSOR_TEST);
  glClearColor(rgba[0], rgba[1], rgba[2], rgba[3]);
  for (const PixelRect& r : rects) {
    glScissor(r.x0, fb_height - r.y1, r.x1 - r.x0, r.y1 - r.y0);
    glClear(GL_COLOR_BUFFER_BIT);
  }
  glDisable(GL_SCISSOR_TEST);
}

namespace {

// Mesa's CPU rasterisers: where a frame costs what it shades. With a GPU a whole frame takes
// well under a millisecond and a vsynced swap is the better way to show it.
bool software_renderer() {
  const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  if (renderer == nullptr) return false;
  const std::string name = renderer;
  for (const char* cpu : {"llvmpipe", "softpipe", "Software Rasterizer", "swrast"})
    if (name.find(cpu) != std::string::npos) return true;
  return false;
}

// Set by GLFW (on the frame loop's thread, in glfwWaitEvents*) when the X server asks for the
// window to be repainted: what the window showed is gone, so the next copy must be whole.
bool window_exposed = false;

void on_window_refresh(GLFWwindow*) {
  window_exposed = true;
}

}  // namespace

Presenter::Presenter(GLFWwindow* window, bool partial) : window_(window) {
  if (!partial || !software_renderer() || !glfwExtensionSupported("GLX_MESA_copy_sub_buffer"))
    return;
  glfwSetWindowRefreshCallback(window, on_window_refresh);
  // GLX entry points through GLFW, so the board needs no X11 or GLX headers.
  using CurrentDisplay = void* (*)();
  using CurrentDrawable = unsigned long (*)();
  const auto get_display = reinterpret_cast<CurrentDisplay>(
      reinterpret_cast<void*>(glfwGetProcAddress("glXGetCurrentDisplay")));
  const auto get_drawable = reinterpret_cast<CurrentDrawable>(
      reinterpret_cast<void*>(glfwGetProcAddress("glXGetCurrentDrawable")));
  copy_sub_buffer_ = reinterpret_cast<decltype(copy_sub_buffer_)>(
      reinterpret_cast<void*>(glfwGetProcAddress("glXCopySubBufferMESA")));
  if (get_display == nullptr || get_drawable == nullptr || copy_sub_buffer_ == nullptr) return;
  display_ = get_display();
  drawable_ = get_drawable();
  if (display_ != nullptr && drawable_ != 0) mode_ = Mode::CopyBackBuffer;
}

int Presenter::buffer_age() const {
  return mode_ == Mode::CopyBackBuffer && presented_ ? 1 : 0;
}

void Presenter::present(int fb_width, int fb_height, const std::vector<PixelRect>& redrawn) {
  if (mode_ == Mode::CopyBackBuffer) {
    // Only what changed: the whole 1080p window costs about 0.7 ms here and as much again in
    // the X server, for a frame that redrew one row.
    if (window_exposed) window_damage_.lost();
    window_exposed = false;
    for (const PixelRect& r : window_damage_.to_copy(redrawn, fb_width, fb_height))
      copy_sub_buffer_(display_, drawable_, r.x0, fb_height - r.y1, r.x1 - r.x0, r.y1 - r.y0);
    presented_ = true;
  } else {
    glfwSwapBuffers(window_);
  }
}

const char* Presenter::mode_name() const {
  switch (mode_) {
    case Mode::Swap:
      return "full (swap)";
    case Mode::CopyBackBuffer:
      return "partial (copy back buffer)";
  }
  return "?";
}

}  // namespace floorwatch::wallboard
