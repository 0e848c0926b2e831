#pragma once
// Drawing the board with Dear ImGui: a function of the model, the options and "now". Nothing
// here decides anything (board_logic.h does); it places text and boxes where board_layout.h
// says. Call between ImGui::NewFrame() and ImGui::Render().
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "wallboard/board_layout.h"
#include "wallboard/board_logic.h"
#include "wallboard/board_model.h"
#include "wallboard/board_options.h"

namespace floorwatch::wallboard {

/// Fonts rasterised for one framebuffer height (a real TTF, DejaVu Sans by default).
struct BoardFonts {
  FontSizes sizes;
  ImFont* small = nullptr;
  ImFont* body = nullptr;
  ImFont* bold = nullptr;   ///< body size, bold
  ImFont* large = nullptr;  ///< bold
  ImFont* huge = nullptr;   ///< bold digits only
};

/// Rebuilds ImGui's font atlas for `sizes` from the options' TTF files. Call outside a frame,
/// then re-upload the texture (ImGui_ImplOpenGL3_DestroyFontsTexture/CreateFontsTexture).
/// Throws std::runtime_error when a font file cannot be read.
BoardFonts build_fonts(const BoardOptions& options, const FontSizes& sizes);

/// The dark theme for ImGui widgets (the ack button).
void apply_board_style();

/// One frame's inputs. Plain references; nothing is kept between frames.
struct ViewInput {
  const BoardModel& model;
  const BoardOptions& options;
  const BoardFonts& fonts;
  SteadyTime now;
  Page page;
  float width;
  float height;
  std::size_t part = 0;         ///< which screen of a paged list (PageRotation::part)
  std::string_view sound_note;  ///< why the board is silent ("sound muted (M)"), or empty
};

/// What the people in front of the board asked for, and where things were drawn.
struct ViewOutput {
  std::optional<std::string> acknowledge;      ///< alert id to acknowledge
  std::optional<std::uint64_t> callback_done;  ///< call-back id someone called back
  std::vector<Region> regions;
  std::size_t parts = 1;  ///< screens the drawn page needs (PageRotation::parts)
};

ViewOutput draw_board(const ViewInput& input);

}  // namespace floorwatch::wallboard
