#pragma once
// RIFF/WAVE files: the board's alert sounds (PCM 8/16-bit, mono or stereo) and, in tests, what
// OpenAL Soft's wave-writer backend captured (16-bit PCM or 32-bit float). No audio library.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace floorwatch::wallboard {

/// A file that is not a WAVE file we can play; the message names the file and the problem.
class WavError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class WavSampleType { Unsigned8, Signed16, Float32 };

struct WavSound {
  int channels = 1;
  int sample_rate = 0;
  WavSampleType sample_type = WavSampleType::Signed16;
  std::vector<std::uint8_t> data;  ///< interleaved frames, as stored in the file

  std::size_t bytes_per_frame() const;
  std::size_t frames() const { return data.size() / bytes_per_frame(); }
  double seconds() const { return sample_rate > 0 ? double(frames()) / sample_rate : 0; }
  /// The first channel of every frame as -1..1.
  std::vector<float> first_channel() const;
};

/// Parses the bytes of a WAVE file; `name` is only for messages. With `open_ended`, a data chunk
/// whose size is 0 or runs past the end (a file still being written) takes the rest of the bytes.
WavSound parse_wav(std::string_view bytes, const std::string& name, bool open_ended = false);
/// Reads and parses the file. Throws WavError.
WavSound read_wav(const std::string& path, bool open_ended = false);
/// A 16-bit PCM WAVE file of these mono samples (-1..1): the built-in chime, test fixtures.
std::string make_wav(const std::vector<float>& samples, int sample_rate);

}  // namespace floorwatch::wallboard
