#include "wallboard/board_sound.h"

#include <cstdio>

#include "wallboard/feed_sync.h"

namespace floorwatch::wallboard {
namespace {

std::string_view severity_word(AlertSeverity severity) {
  switch (severity) {
    case AlertSeverity::Critical:
      return "critical";
    case AlertSeverity::Warning:
      return "warning";
    case AlertSeverity::Info:
      break;
  }
  return "info";
}

}  // namespace

BoardSound::BoardSound(const SoundSettings& settings,
                       const std::map<AlertSeverity, WavSound>& sounds)
    : policy_(settings) {
  if (!settings.enabled || sounds.empty()) return;
  std::string why;
  player_ = SoundPlayer::open(sounds, why);
  if (player_)
    std::printf("wallboard: sound output=\"%s\"\n", player_->device_name().c_str());
  else
    std::printf("wallboard: sound off: %s\n", why.c_str());
  std::fflush(stdout);
}

BoardSound::~BoardSound() = default;

SoundSilence BoardSound::silence(const BoardModel& model, SteadyTime now, bool stale) const {
  if (!player_) return SoundSilence::Disabled;
  if (muted_) return SoundSilence::Muted;
  if (stale || !model.has_data) return SoundSilence::Stale;
  const auto& quiet = policy_.settings().quiet_hours;
  if (quiet &&
      quiet->contains(local_minute_of_day(daemon_now(model, now), model.utc_offset_seconds)))
    return SoundSilence::QuietHours;
  return SoundSilence::None;
}

SoundSilence BoardSound::update(const BoardModel& model, SteadyTime now, bool stale) {
  last_silence_ = silence(model, now, stale);
  if (const auto severity = policy_.due(model.alerts, now, last_silence_)) {
    player_->play(*severity);
    std::printf("wallboard: sound %.*s played\n", static_cast<int>(severity_word(*severity).size()),
                severity_word(*severity).data());
    std::fflush(stdout);
  }
  return last_silence_;
}

void BoardSound::toggle_mute() {
  if (!player_) return;
  muted_ = !muted_;
  std::printf("wallboard: sound %s\n", muted_ ? "muted" : "unmuted");
  std::fflush(stdout);
}

std::optional<SteadyTime> BoardSound::next_wake() const {
  if (last_silence_ != SoundSilence::None) return std::nullopt;
  return policy_.next_repeat();
}

}  // namespace floorwatch::wallboard
