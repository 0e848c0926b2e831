#include "wallboard/alert_chime.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace floorwatch::wallboard {
namespace {

// A sine tone with 10 ms fades, so it starts and stops without a click.
void append_tone(std::vector<float>& out, double hz, double seconds, double gain, int rate) {
  const auto count = static_cast<std::size_t>(seconds * rate);
  const double fade = 0.010 * rate;
  for (std::size_t i = 0; i < count; ++i) {
    const double edge = std::min({1.0, i / fade, (count - 1 - i) / fade});
    out.push_back(static_cast<float>(gain * edge * std::sin(2 * std::numbers::pi * hz * i / rate)));
  }
}

}  // namespace

std::vector<float> alert_chime(AlertSeverity severity, int sample_rate) {
  std::vector<float> samples;
  switch (severity) {
    case AlertSeverity::Critical:
      for (int twice = 0; twice < 2; ++twice) {
        append_tone(samples, 880, 0.25, 0.8, sample_rate);
        append_tone(samples, 660, 0.25, 0.8, sample_rate);
      }
      break;
    case AlertSeverity::Warning:
      append_tone(samples, 660, 0.4, 0.6, sample_rate);
      break;
    case AlertSeverity::Info:
      append_tone(samples, 990, 0.15, 0.5, sample_rate);
      break;
  }
  return samples;
}

}  // namespace floorwatch::wallboard
