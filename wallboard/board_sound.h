#pragma once
// The board's sound, per frame: asks the policy what is due (given mute, quiet hours and
// staleness) and plays it. Logs each sound, so operators and tests see what was played when.
#include <map>
#include <memory>
#include <optional>

#include "wallboard/board_model.h"
#include "wallboard/sound_player.h"
#include "wallboard/sound_policy.h"

namespace floorwatch::wallboard {

class BoardSound {
 public:
  /// `sounds` from load_alert_sounds; opens the audio output unless sound is disabled (a board
  /// without one runs silently and says so once).
  BoardSound(const SoundSettings& settings, const std::map<AlertSeverity, WavSound>& sounds);
  ~BoardSound();

  /// Plays what is due at `now`; returns why the board is silent, if it is (for the header).
  SoundSilence update(const BoardModel& model, SteadyTime now, bool stale);
  /// The M key: mutes until pressed again.
  void toggle_mute();
  /// When the frame loop must wake to repeat a sound; nullopt when nothing will repeat.
  std::optional<SteadyTime> next_wake() const;

 private:
  SoundSilence silence(const BoardModel& model, SteadyTime now, bool stale) const;

  SoundPolicy policy_;
  std::unique_ptr<SoundPlayer> player_;
  bool muted_ = false;
  SoundSilence last_silence_ = SoundSilence::None;
};

}  // namespace floorwatch::wallboard
