// When the board plays a sound (new firing alerts, repeats, silence after the ack, mute, quiet
// hours, stale data), the `sound:` options, and the WAVE files it reads and the capture tests
// read. The real playback through OpenAL Soft is tested in tests/integration/wallboard_sound_test.
#include <catch2/catch.hpp>

#include <cmath>

#include "wallboard/alert_chime.h"
#include "wallboard/board_options.h"
#include "wallboard/sound_policy.h"
#include "wallboard/wav_file.h"

using namespace floorwatch::wallboard;
using namespace std::chrono_literals;

namespace {

AlertView alert(std::string id, AlertSeverity severity, AlertState state = AlertState::Firing) {
  AlertView a;
  a.id = std::move(id);
  a.severity = severity;
  a.state = state;
  return a;
}

const SteadyTime t0{std::chrono::hours(100)};

}  // namespace

TEST_CASE("a new critical alert sounds once, then every repeat until it is acknowledged",
          "[wallboard][sound]") {
  SoundSettings settings;
  settings.repeat = 30s;
  SoundPolicy policy(settings);
  std::vector<AlertView> alerts;
  CHECK_FALSE(policy.due(alerts, t0, SoundSilence::None));

  alerts.push_back(alert("7", AlertSeverity::Critical));
  CHECK(policy.due(alerts, t0, SoundSilence::None) == AlertSeverity::Critical);
  CHECK_FALSE(policy.due(alerts, t0 + 1s, SoundSilence::None));
  CHECK(policy.next_repeat() == t0 + 30s);
  CHECK_FALSE(policy.due(alerts, t0 + 29s, SoundSilence::None));
  CHECK(policy.due(alerts, t0 + 30s, SoundSilence::None) == AlertSeverity::Critical);

  alerts[0].state = AlertState::Acknowledged;
  CHECK_FALSE(policy.due(alerts, t0 + 60s, SoundSilence::None));
  CHECK_FALSE(policy.next_repeat());
}

TEST_CASE("a second alert sounds at once; the loudest severity is played", "[wallboard][sound]") {
  SoundSettings settings;
  settings.warning = "builtin";
  settings.repeat = 0s;  // once per alert
  SoundPolicy policy(settings);
  std::vector<AlertView> alerts{alert("1", AlertSeverity::Warning)};
  CHECK(policy.due(alerts, t0, SoundSilence::None) == AlertSeverity::Warning);
  CHECK_FALSE(policy.due(alerts, t0 + 300s, SoundSilence::None));  // no repeat
  alerts.push_back(alert("2", AlertSeverity::Critical));
  CHECK(policy.due(alerts, t0 + 301s, SoundSilence::None) == AlertSeverity::Critical);
  // A pending or info alert (no sound configured) never sounds.
  alerts = {alert("3", AlertSeverity::Critical, AlertState::Pending),
            alert("4", AlertSeverity::Info)};
  CHECK_FALSE(policy.due(alerts, t0 + 302s, SoundSilence::None));
}

TEST_CASE("muted, quiet or stale boards stay silent and sound what still fires afterwards",
          "[wallboard][sound]") {
  SoundPolicy policy(SoundSettings{});
  const std::vector<AlertView> alerts{alert("9", AlertSeverity::Critical)};
  for (SoundSilence silence :
       {SoundSilence::Muted, SoundSilence::QuietHours, SoundSilence::Stale, SoundSilence::Disabled})
    CHECK_FALSE(policy.due(alerts, t0, silence));
  // Unmuted while the alert still fires: it has not been heard, so it sounds now.
  CHECK(policy.due(alerts, t0 + 5s, SoundSilence::None) == AlertSeverity::Critical);
  // An alert acknowledged while muted is never heard.
  SoundPolicy other(SoundSettings{});
  CHECK_FALSE(other.due(alerts, t0, SoundSilence::Muted));
  CHECK_FALSE(other.due({alert("9", AlertSeverity::Critical, AlertState::Acknowledged)}, t0 + 1s,
                        SoundSilence::None));
}

TEST_CASE("quiet hours are local times and may run past midnight", "[wallboard][sound]") {
  const auto night = parse_quiet_hours("22:00-07:00");
  REQUIRE(night);
  CHECK(night->contains(22 * 60));
  CHECK(night->contains(3 * 60));
  CHECK_FALSE(night->contains(7 * 60));
  CHECK_FALSE(night->contains(12 * 60));
  const auto lunch = parse_quiet_hours("12:00-13:30");
  REQUIRE(lunch);
  CHECK(lunch->contains(13 * 60 + 29));
  CHECK_FALSE(lunch->contains(13 * 60 + 30));
  CHECK_FALSE(parse_quiet_hours("22-07"));
  CHECK_FALSE(parse_quiet_hours("25:00-07:00"));
  CHECK_FALSE(parse_quiet_hours("22:00-07:00x"));
  // 2026-12-06T21:30:00Z is 22:30 in Stockholm (UTC+1): inside the night's quiet hours.
  const EpochMs utc = 1796592600000;
  CHECK(local_minute_of_day(utc, 3600) == 22 * 60 + 30);
  CHECK(night->contains(local_minute_of_day(utc, 3600)));
  CHECK_FALSE(night->contains(local_minute_of_day(utc, -5 * 3600)));  // 16:30 in New York
}

TEST_CASE("a board's `sound:` section", "[wallboard][sound][options]") {
  const std::string config = R"(boards:
  wall:
    sound:
      critical: sounds/klaxon.wav
      warning: builtin
      repeat_seconds: 10
      quiet_hours: "22:00-07:00"
)";
  BoardOptions options;
  apply_config_file(config, "/etc/floorwatch/floorwatch.yaml", "", options);
  CHECK(options.sound.critical == "/etc/floorwatch/sounds/klaxon.wav");
  CHECK(options.sound.warning == "builtin");
  CHECK(options.sound.repeat == 10s);
  CHECK(options.sound.quiet_hours == QuietHours{22 * 60, 7 * 60});

  BoardOptions defaults;
  apply_config_file("boards:\n  wall: {}\n", "f.yaml", "", defaults);
  CHECK(defaults.sound.critical == "builtin");
  CHECK(defaults.sound.warning.empty());

  BoardOptions bad;
  CHECK_THROWS_WITH(apply_config_file("boards:\n  wall:\n    sound:\n      quiet_hours: night\n",
                                      "f.yaml", "", bad),
                    Catch::Contains("f.yaml:4") && Catch::Contains("22:00-07:00"));
  CHECK_THROWS_WITH(
      apply_config_file("boards:\n  wall:\n    sound:\n      volume: 11\n", "f.yaml", "", bad),
      Catch::Contains("f.yaml:4") && Catch::Contains("volume"));
}

TEST_CASE("WAVE files: what the board plays and what a capture holds", "[wallboard][sound]") {
  const std::vector<float> samples{0.0f, 0.5f, -0.5f, 1.0f};
  const WavSound sound = parse_wav(make_wav(samples, 8000), "t.wav");
  CHECK(sound.channels == 1);
  CHECK(sound.sample_rate == 8000);
  CHECK(sound.sample_type == WavSampleType::Signed16);
  const auto back = sound.first_channel();
  REQUIRE(back.size() == 4);
  CHECK(back[1] == Approx(0.5).margin(1e-4));
  CHECK(back[2] == Approx(-0.5).margin(1e-4));

  // A capture still being written: its data size is 0 until the writer closes it.
  std::string open = make_wav(samples, 8000);
  open.replace(40, 4, std::string(4, '\0'));
  CHECK(parse_wav(open, "capture.wav", true).frames() == 4);
  CHECK_THROWS_WITH(parse_wav(open.substr(0, 30), "short.wav"),
                    Catch::Contains("short.wav") && Catch::Contains("fmt"));
  CHECK_THROWS_WITH(parse_wav("RIFX....WAVE", "x.wav"), Catch::Contains("not a RIFF/WAVE"));
  CHECK_THROWS_WITH(read_wav("/nonexistent/a.wav"), Catch::Contains("/nonexistent/a.wav"));
}

TEST_CASE("the built-in critical chime is a one-second two-tone sound", "[wallboard][sound]") {
  const auto chime = alert_chime(AlertSeverity::Critical, 8000);
  CHECK(chime.size() == 8000);
  float peak = 0;
  for (float s : chime) peak = std::max(peak, std::abs(s));
  CHECK(peak == Approx(0.8).margin(0.01));
  CHECK(std::abs(chime.front()) < 0.01);  // faded in: no click
  CHECK(alert_chime(AlertSeverity::Warning, 8000).size() == 3200);
}
