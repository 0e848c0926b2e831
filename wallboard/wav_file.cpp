#include "wallboard/wav_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

namespace floorwatch::wallboard {
namespace {

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatFloat = 3;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

std::uint32_t le32(std::string_view b, std::size_t at) {
  return std::uint32_t(std::uint8_t(b[at])) | std::uint32_t(std::uint8_t(b[at + 1])) << 8 |
         std::uint32_t(std::uint8_t(b[at + 2])) << 16 |
         std::uint32_t(std::uint8_t(b[at + 3])) << 24;
}
std::uint16_t le16(std::string_view b, std::size_t at) {
  return std::uint16_t(std::uint8_t(b[at]) | std::uint8_t(b[at + 1]) << 8);
}

[[noreturn]] void fail(const std::string& name, const std::string& problem) {
  throw WavError(name + ": " + problem);
}

// The `fmt ` chunk: channels, rate and sample type (plain or WAVE_FORMAT_EXTENSIBLE).
void read_format(std::string_view chunk, const std::string& name, WavSound& sound) {
  if (chunk.size() < 16) fail(name, "fmt chunk too short");
  std::uint16_t format = le16(chunk, 0);
  sound.channels = le16(chunk, 2);
  sound.sample_rate = static_cast<int>(le32(chunk, 4));
  const std::uint16_t bits = le16(chunk, 14);
  if (format == kFormatExtensible) {
    if (chunk.size() < 26) fail(name, "extensible fmt chunk too short");
    format = le16(chunk, 24);  // the first two bytes of the sub-format GUID
  }
  if (sound.channels < 1 || sound.channels > 2)
    fail(name, std::to_string(sound.channels) + " channels (1 or 2 supported)");
  if (sound.sample_rate < 1000 || sound.sample_rate > 192000)
    fail(name, "sample rate " + std::to_string(sound.sample_rate) + " Hz out of range");
  if (format == kFormatPcm && bits == 8) {
    sound.sample_type = WavSampleType::Unsigned8;
  } else if (format == kFormatPcm && bits == 16) {
    sound.sample_type = WavSampleType::Signed16;
  } else if (format == kFormatFloat && bits == 32) {
    sound.sample_type = WavSampleType::Float32;
  } else {
    fail(name, "format " + std::to_string(format) + " with " + std::to_string(bits) +
                   "-bit samples (8/16-bit PCM or 32-bit float supported)");
  }
}

}  // namespace

std::size_t WavSound::bytes_per_frame() const {
  const std::size_t sample = sample_type == WavSampleType::Unsigned8  ? 1
                             : sample_type == WavSampleType::Signed16 ? 2
                                                                      : 4;
  return sample * static_cast<std::size_t>(channels);
}

std::vector<float> WavSound::first_channel() const {
  std::vector<float> out;
  out.reserve(frames());
  const std::size_t step = bytes_per_frame();
  for (std::size_t at = 0; at + step <= data.size(); at += step) {
    const std::uint8_t* p = data.data() + at;
    switch (sample_type) {
      case WavSampleType::Unsigned8:
        out.push_back((p[0] - 128) / 128.0f);
        break;
      case WavSampleType::Signed16:
        out.push_back(std::int16_t(p[0] | p[1] << 8) / 32768.0f);
        break;
      case WavSampleType::Float32: {
        float value;
        std::memcpy(&value, p, sizeof value);
        out.push_back(value);
        break;
      }
    }
  }
  return out;
}

WavSound parse_wav(std::string_view bytes, const std::string& name, bool open_ended) {
  if (bytes.size() < 12 || bytes.substr(0, 4) != "RIFF" || bytes.substr(8, 4) != "WAVE")
    fail(name, "not a RIFF/WAVE file");
  WavSound sound;
  bool have_format = false;
  for (std::size_t at = 12; at + 8 <= bytes.size();) {
    const std::string_view id = bytes.substr(at, 4);
    std::size_t size = le32(bytes, at + 4);
    const std::size_t body = at + 8;
    if (id == "data") {
      if (!have_format) fail(name, "data chunk before the fmt chunk");
      if (open_ended && (size == 0 || body + size > bytes.size())) size = bytes.size() - body;
      if (body + size > bytes.size()) fail(name, "data chunk runs past the end of the file");
      sound.data.assign(bytes.begin() + body, bytes.begin() + body + size);
      sound.data.resize(sound.data.size() - sound.data.size() % sound.bytes_per_frame());
      return sound;
    }
    if (body + size > bytes.size()) fail(name, "chunk '" + std::string(id) + "' is truncated");
    if (id == "fmt ") {
      read_format(bytes.substr(body, size), name, sound);
      have_format = true;
    }
    at = body + size + (size & 1);  // chunks are padded to an even size
  }
  fail(name, have_format ? "no data chunk" : "no fmt chunk");
}

WavSound read_wav(const std::string& path, bool open_ended) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WavError(path + ": cannot open");
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return parse_wav(bytes, path, open_ended);
}

std::string make_wav(const std::vector<float>& samples, int sample_rate) {
  auto put32 = [](std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  auto put16 = [](std::string& s, std::uint16_t v) {
    s.push_back(static_cast<char>(v & 0xFF));
    s.push_back(static_cast<char>(v >> 8));
  };
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  std::string out = "RIFF";
  put32(out, 36 + data_bytes);
  out += "WAVEfmt ";
  put32(out, 16);
  put16(out, kFormatPcm);
  put16(out, 1);
  put32(out, static_cast<std::uint32_t>(sample_rate));
  put32(out, static_cast<std::uint32_t>(sample_rate * 2));
  put16(out, 2);
  put16(out, 16);
  out += "data";
  put32(out, data_bytes);
  for (float sample : samples) {
    const float clamped = std::clamp(sample, -1.0f, 1.0f);
    put16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(clamped * 32767))));
  }
  return out;
}

}  // namespace floorwatch::wallboard
