#include "wallboard/sound_policy.h"

#include <algorithm>
#include <cstdio>

namespace floorwatch::wallboard {

bool QuietHours::contains(int minute) const {
  if (from_minute == to_minute) return false;
  if (from_minute < to_minute) return minute >= from_minute && minute < to_minute;
  return minute >= from_minute || minute < to_minute;  // across midnight
}

std::optional<QuietHours> parse_quiet_hours(std::string_view text) {
  int from_h = 0, from_m = 0, to_h = 0, to_m = 0;
  char tail = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%2d:%2d-%2d:%2d%c", &from_h, &from_m, &to_h, &to_m, &tail) != 4)
    return std::nullopt;
  auto valid = [](int h, int m) { return h >= 0 && h < 24 && m >= 0 && m < 60; };
  if (!valid(from_h, from_m) || !valid(to_h, to_m)) return std::nullopt;
  return QuietHours{from_h * 60 + from_m, to_h * 60 + to_m};
}

int local_minute_of_day(EpochMs utc, std::int32_t utc_offset_seconds) {
  constexpr EpochMs kDay = 86'400'000;
  const EpochMs local = utc + EpochMs{utc_offset_seconds} * 1000;
  return static_cast<int>((((local % kDay) + kDay) % kDay) / 60'000);
}

const std::string& SoundSettings::sound_for(AlertSeverity severity) const {
  switch (severity) {
    case AlertSeverity::Critical:
      return critical;
    case AlertSeverity::Warning:
      return warning;
    case AlertSeverity::Info:
      break;
  }
  return info;
}

std::string_view silence_note(SoundSilence silence) {
  switch (silence) {
    case SoundSilence::Muted:
      return "sound muted (M)";
    case SoundSilence::QuietHours:
      return "quiet hours";
    case SoundSilence::Stale:
      return "sound off: no live data";
    case SoundSilence::None:
    case SoundSilence::Disabled:
      break;
  }
  return {};
}

std::optional<AlertSeverity> SoundPolicy::due(const std::vector<AlertView>& alerts, SteadyTime now,
                                              SoundSilence silence) {
  std::optional<AlertSeverity> loudest;
  bool unheard = false;
  std::set<std::string> firing;
  for (const AlertView& alert : alerts) {
    if (alert.state != AlertState::Firing || settings_.sound_for(alert.severity).empty()) continue;
    firing.insert(alert.id);
    unheard = unheard || !heard_.count(alert.id);
    if (!loudest || alert.severity > *loudest) loudest = alert.severity;
  }
  // Acknowledged and resolved alerts are forgotten: only firing ones keep the sound going.
  std::erase_if(heard_, [&](const std::string& id) { return !firing.count(id); });
  repeating_ = loudest.has_value() && settings_.repeat.count() > 0;
  if (!loudest || silence != SoundSilence::None) return std::nullopt;
  const bool repeat_due = repeating_ && last_played_ && now - *last_played_ >= settings_.repeat;
  if (!unheard && !repeat_due) return std::nullopt;
  heard_ = std::move(firing);
  last_played_ = now;
  return loudest;
}

std::optional<SteadyTime> SoundPolicy::next_repeat() const {
  if (!repeating_ || !last_played_) return std::nullopt;
  return *last_played_ + settings_.repeat;
}

}  // namespace floorwatch::wallboard
