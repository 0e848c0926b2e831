#pragma once
// The sounds a board plays when no file is configured ("builtin"): synthesised, so a fresh
// install makes a sound without shipping audio files.
#include <vector>

#include "wallboard/board_model.h"

namespace floorwatch::wallboard {

/// Mono samples (-1..1) at `sample_rate`: critical is a falling two-tone chime played twice
/// (880/660 Hz, 1 s), warning one softer 660 Hz tone (0.4 s), info a short 990 Hz blip.
std::vector<float> alert_chime(AlertSeverity severity, int sample_rate);

}  // namespace floorwatch::wallboard
