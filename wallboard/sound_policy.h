#pragma once
// When the board makes a sound: a firing, unacknowledged alert whose severity has a sound plays
// once when it appears and again every `repeat` while any such alert still fires; nothing plays
// while the board is muted (M key), in quiet hours or stale. Pure: time is passed in.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "wallboard/board_model.h"

namespace floorwatch::wallboard {

/// Local times of day [from, to) in minutes after midnight; wraps past midnight when to < from.
struct QuietHours {
  int from_minute = 0;
  int to_minute = 0;
  bool contains(int minute_of_day) const;
  bool operator==(const QuietHours&) const = default;
};
/// "22:00-07:00" -> {1320, 420}; nullopt when the text is not HH:MM-HH:MM.
std::optional<QuietHours> parse_quiet_hours(std::string_view text);
/// Minutes after local midnight of a UTC time in a zone `utc_offset_seconds` ahead of UTC.
int local_minute_of_day(EpochMs utc, std::int32_t utc_offset_seconds);

/// The `sound:` section of a board (wallboard/README.md). Plain value type.
struct SoundSettings {
  bool enabled = true;
  /// Per severity: a WAVE file, "builtin" (a chime the board synthesises) or "" (no sound).
  std::string critical = "builtin";
  std::string warning;
  std::string info;
  std::chrono::seconds repeat{30};  ///< 0: once per alert
  std::optional<QuietHours> quiet_hours;

  /// The sound configured for a severity ("" = none).
  const std::string& sound_for(AlertSeverity severity) const;
};

/// Why the board is silent now, for the header; None when it may play.
enum class SoundSilence { None, Muted, QuietHours, Stale, Disabled };
/// "sound muted (M)", "quiet hours", ...; empty for None and Disabled (nothing to point out).
std::string_view silence_note(SoundSilence silence);

class SoundPolicy {
 public:
  explicit SoundPolicy(SoundSettings settings) : settings_(std::move(settings)) {}

  /// The severity to play at `now`, if one is due: the most severe of the firing alerts with a
  /// sound when one of them has not been heard yet, or when `repeat` has passed since the last
  /// sound. While silenced nothing plays and nothing counts as heard.
  std::optional<AlertSeverity> due(const std::vector<AlertView>& alerts, SteadyTime now,
                                   SoundSilence silence);
  /// When the next repeat falls due (the frame loop wakes for it); nullopt when none will.
  std::optional<SteadyTime> next_repeat() const;
  const SoundSettings& settings() const { return settings_; }

 private:
  SoundSettings settings_;
  std::set<std::string> heard_;  // ids of alerts that have sounded
  std::optional<SteadyTime> last_played_;
  bool repeating_ = false;  // an alert with a sound still fires
};

}  // namespace floorwatch::wallboard
