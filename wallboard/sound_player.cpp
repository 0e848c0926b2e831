#include "wallboard/sound_player.h"

#include <AL/al.h>
#include <AL/alc.h>

#include "wallboard/alert_chime.h"

namespace floorwatch::wallboard {
namespace {

constexpr int kChimeRate = 44100;
constexpr AlertSeverity kSeverities[] = {AlertSeverity::Info, AlertSeverity::Warning,
                                         AlertSeverity::Critical};

ALenum al_format(const WavSound& sound) {
  switch (sound.sample_type) {
    case WavSampleType::Unsigned8:
      return sound.channels == 1 ? AL_FORMAT_MONO8 : AL_FORMAT_STEREO8;
    case WavSampleType::Signed16:
      return sound.channels == 1 ? AL_FORMAT_MONO16 : AL_FORMAT_STEREO16;
    case WavSampleType::Float32:
      break;
  }
  return 0;
}

}  // namespace

std::map<AlertSeverity, WavSound> load_alert_sounds(const SoundSettings& settings) {
  std::map<AlertSeverity, WavSound> sounds;
  for (AlertSeverity severity : kSeverities) {
    const std::string& source = settings.sound_for(severity);
    if (source.empty()) continue;
    WavSound sound =
        source == "builtin"
            ? parse_wav(make_wav(alert_chime(severity, kChimeRate), kChimeRate), "builtin")
            : read_wav(source);
    if (al_format(sound) == 0)
      throw WavError(source + ": 32-bit float samples; alert sounds must be 8- or 16-bit PCM");
    sounds.emplace(severity, std::move(sound));
  }
  return sounds;
}

struct SoundPlayer::Handles {
  ALCdevice* device = nullptr;
  ALCcontext* context = nullptr;
  ALuint source = 0;
  std::map<AlertSeverity, ALuint> buffers;

  ~Handles() {
    if (context) {
      alSourceStop(source);
      alDeleteSources(1, &source);
      for (auto& [severity, buffer] : buffers) alDeleteBuffers(1, &buffer);
      alcMakeContextCurrent(nullptr);
      alcDestroyContext(context);
    }
    if (device) alcCloseDevice(device);
  }
};

std::unique_ptr<SoundPlayer> SoundPlayer::open(const std::map<AlertSeverity, WavSound>& sounds,
                                               std::string& why) {
  auto al = std::make_unique<Handles>();
  al->device = alcOpenDevice(nullptr);
  if (!al->device) {
    why = "no audio output could be opened (OpenAL Soft: ALSOFT_DRIVERS, /etc/openal/alsoft.conf)";
    return nullptr;
  }
  al->context = alcCreateContext(al->device, nullptr);
  if (!al->context || !alcMakeContextCurrent(al->context)) {
    why = "the audio output refused a context";
    return nullptr;
  }
  alGenSources(1, &al->source);
  for (const auto& [severity, sound] : sounds) {
    ALuint buffer = 0;
    alGenBuffers(1, &buffer);
    alBufferData(buffer, al_format(sound), sound.data.data(),
                 static_cast<ALsizei>(sound.data.size()), sound.sample_rate);
    al->buffers.emplace(severity, buffer);
  }
  if (alGetError() != AL_NO_ERROR) {
    why = "the audio output refused the sounds";
    return nullptr;
  }
  std::unique_ptr<SoundPlayer> player(new SoundPlayer);
  const ALCchar* name = alcGetString(al->device, ALC_DEVICE_SPECIFIER);
  player->device_name_ = name ? name : "audio output";
  player->al_ = std::move(al);
  return player;
}

SoundPlayer::~SoundPlayer() = default;

void SoundPlayer::play(AlertSeverity severity) {
  const auto buffer = al_->buffers.find(severity);
  if (buffer == al_->buffers.end()) return;
  alSourceStop(al_->source);
  alSourcei(al_->source, AL_BUFFER, static_cast<ALint>(buffer->second));
  alSourcePlay(al_->source);
}

}  // namespace floorwatch::wallboard
