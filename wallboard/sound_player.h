#pragma once
// Plays the alert sounds through OpenAL Soft (the system's audio output; its wave-writer backend
// lets tests capture exactly what was played). One source: a new sound replaces the one playing.
#include <map>
#include <memory>
#include <string>

#include "wallboard/board_model.h"
#include "wallboard/sound_policy.h"
#include "wallboard/wav_file.h"

namespace floorwatch::wallboard {

/// The sounds a board will play, decoded: read before any audio output is opened, so a bad
/// file is a configuration error even on a machine without speakers. Throws WavError.
std::map<AlertSeverity, WavSound> load_alert_sounds(const SoundSettings& settings);

class SoundPlayer {
 public:
  /// Opens the default audio output and uploads the sounds; nullptr (and `why`) when there is
  /// no output to open: the board then runs silently.
  static std::unique_ptr<SoundPlayer> open(const std::map<AlertSeverity, WavSound>& sounds,
                                           std::string& why);
  ~SoundPlayer();
  SoundPlayer(const SoundPlayer&) = delete;
  SoundPlayer& operator=(const SoundPlayer&) = delete;

  void play(AlertSeverity severity);
  /// The output's name, for the log ("Wave File Writer", "OpenAL Soft on ...").
  const std::string& device_name() const { return device_name_; }

 private:
  SoundPlayer() = default;
  struct Handles;
  std::unique_ptr<Handles> al_;
  std::string device_name_;
};

}  // namespace floorwatch::wallboard
