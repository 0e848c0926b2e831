// The board's alert sound, heard through a real audio library: the live floorwatch-wallboard
// under Xvfb plays through OpenAL Soft, whose wave-writer backend (ALSOFT_DRIVERS=wave) writes
// everything mixed to a file in real time. The test reads that file: silence before the breach,
// the configured sound from the moment the alert fires, again at each repeat, silence after the
// acknowledgement; the M key (a real X key press) mutes a second alert until pressed again.
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "integration/wallboard_fixture.h"
#include "support/wait.h"
#include "wallboard/wav_file.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
namespace wb = floorwatch::wallboard;
using Steady = std::chrono::steady_clock;

namespace {

constexpr int kToneHz = 440;
constexpr double kToneSeconds = 0.4;
constexpr float kSilent = 0.02f;  // below this a captured sample counts as silence

const char* kRules =
    "alerts:\n"
    "  rules:\n"
    "    - name: OldestWaitOver20s\n"
    "      expr: oldest_wait_seconds > 20\n"
    "      severity: critical\n"
    "      queues: [sales, support]\n";

std::string event_at(int second, const std::string& body) {
  return R"({"ts":)" + std::to_string(1795510800000L + second * 1000L) + "," + body + "}\n";
}

// Sales' caller waits from T0+1, support's from T0+5; at T0+10 nobody is over 20 s yet.
std::string quiet_floor() {
  return event_at(0, R"("type":"agent_state","agent":"ann","state":"busy","queues":["sales"])") +
         event_at(0, R"("type":"agent_state","agent":"bob","state":"busy","queues":["support"])") +
         event_at(1, R"("type":"call_enqueued","call":"s1","queue":"sales","caller":"+4670001")") +
         event_at(5,
                  R"("type":"call_enqueued","call":"u1","queue":"support","caller":"+4670002")") +
         event_at(10, R"("type":"agent_state","agent":"cy","state":"paused","reason":"a")");
}

// An event that only moves the event clock to T0+`second` (the daemon runs --clock event).
std::string clock_to(int second) {
  return event_at(second, R"("type":"agent_state","agent":"cy","state":"paused","reason":")" +
                              std::to_string(second) + "\"");
}

// The file OpenAL Soft's wave writer fills while the board runs, and the capture's clock: the
// writer keeps pace with real time, so frames written at two instants map time to position.
class Capture {
 public:
  explicit Capture(std::string path) : path_(std::move(path)) {}
  wb::WavSound read() const { return wb::read_wav(path_, /*open_ended=*/true); }
  /// Notes how far the writer is now.
  void mark() { mark_ = {Steady::now(), static_cast<double>(read().frames())}; }
  /// The capture frame written at `t`: from the mark, at the writer's pace (the sample rate).
  double position_at(Steady::time_point t, int sample_rate) const {
    return mark_.second + std::chrono::duration<double>(t - mark_.first).count() * sample_rate;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::pair<Steady::time_point, double> mark_;
};

// First frame at or after `from` that is not silent; npos when there is none.
std::size_t onset(const std::vector<float>& samples, std::size_t from) {
  for (std::size_t i = from; i < samples.size(); ++i)
    if (std::abs(samples[i]) > kSilent) return i;
  return std::string::npos;
}

// The loudest sample in [from, to).
float peak(const std::vector<float>& samples, std::size_t from, std::size_t to) {
  float loudest = 0;
  for (std::size_t i = from; i < std::min(to, samples.size()); ++i)
    loudest = std::max(loudest, std::abs(samples[i]));
  return loudest;
}

// How long the sound starting at `start` lasts (to its last loud sample within 1 s), and how
// many times it crosses zero in that span: the tone's length and pitch.
std::pair<double, int> measure_sound(const std::vector<float>& samples, std::size_t start,
                                     int rate) {
  std::size_t last = start;
  for (std::size_t i = start; i < std::min(samples.size(), start + rate); ++i)
    if (std::abs(samples[i]) > kSilent) last = i;
  int crossings = 0;
  for (std::size_t i = start + 1; i <= last; ++i)
    if ((samples[i - 1] < 0) != (samples[i] < 0)) ++crossings;
  return {double(last - start) / rate, crossings};
}

int count_of(const std::string& text, const std::string& what) {
  int count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

long alert_id_for(RunningDaemon& daemon, const std::string& queue) {
  const nlohmann::json listed = alerts_json(daemon);
  for (const auto& alert : listed["alerts"])
    if (alert["labels"].value("queue", "") == queue && alert["state"] == "firing")
      return alert["id"].get<long>();
  return 0;
}

// Holds a key until the board logs `line` (ImGui reads keys once a frame, as a person holds one).
void press_until(const Xvfb& x, ChildProcess& board, const std::string& key,
                 const std::string& line, int occurrences) {
  xdotool(x, {"keydown", key});
  const bool seen = wait_until([&] { return count_of(board.output(), line) >= occurrences; }, 10s);
  xdotool(x, {"keyup", key});
  INFO(board.output());
  REQUIRE(seen);
}

}  // namespace

TEST_CASE("a firing critical alert sounds until acknowledged, and M mutes the board",
          "[integration][wallboard][sound]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, std::string(kQueues) + kRules);
  REQUIRE(send_jsonl(daemon.ingest(), dir.write("quiet.jsonl", quiet_floor())).first == 0);

  // The sound the board is configured with: a 0.4 s 440 Hz tone, repeated every 2 s.
  std::vector<float> tone(static_cast<std::size_t>(kToneSeconds * 44100));
  for (std::size_t i = 0; i < tone.size(); ++i)
    tone[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * kToneHz * double(i) / 44100));
  dir.write("tone.wav", wb::make_wav(tone, 44100));
  const std::string board_config = dir.write(
      "board.yaml",
      "boards:\n  floor:\n    sound:\n      critical: tone.wav\n      repeat_seconds: 2\n");
  Capture capture(dir.file("played.wav"));
  const std::string alsoft = dir.write("alsoft.conf",
                                       "[general]\nchannels = stereo\nsample-type = float32\n"
                                       "frequency = 44100\n[wave]\nfile = " +
                                           capture.path() + "\n");
  std::vector<std::string> argv =
      live_wallboard_command(x, daemon, {"--config", board_config, "--board", "floor"});
  argv.insert(argv.begin() + 1, {"ALSOFT_DRIVERS=wave", "ALSOFT_CONF=" + alsoft});
  ChildProcess board(argv);
  REQUIRE(board.wait_for("state=live", 30s));
  REQUIRE(board.wait_for("sound output=", 5s));
  focus_board_window(x);
  REQUIRE(wait_until([&] { return capture.read().frames() > 4410; }, 10s));

  // Quiet floor: nothing plays. Then sales' caller passes 20 s and the alert fires.
  capture.mark();
  std::this_thread::sleep_for(1s);
  const auto breach_sent = Steady::now();
  REQUIRE(send_jsonl(daemon.ingest(), dir.write("breach.jsonl", clock_to(22))).first == 0);
  REQUIRE(daemon.process().wait_for(R"(-> firing rule=OldestWaitOver20s)", 10s));
  const auto breach_seen = Steady::now();
  REQUIRE(wait_until([&] { return count_of(board.output(), "sound critical played") >= 2; }, 10s));
  const long sales_alert = alert_id_for(daemon, "sales");
  REQUIRE(sales_alert != 0);
  auto [status, acked] = run_command({ctl_binary(), "ack", std::to_string(sales_alert), "--by",
                                      "maria", "--control", daemon.control()},
                                     10s);
  INFO(acked);
  REQUIRE(status == 0);
  const auto ack_done = Steady::now();
  std::this_thread::sleep_for(3s);  // more than one repeat period: nothing may play now
  const int played_before_mute = count_of(board.output(), "sound critical played");

  // Muted with the M key, a new breach (support) makes no sound; unmuted, it sounds at once.
  press_until(x, board, "m", "sound muted", 1);
  REQUIRE(send_jsonl(daemon.ingest(), dir.write("breach2.jsonl", clock_to(30))).first == 0);
  REQUIRE(wait_until([&] { return alert_id_for(daemon, "support") != 0; }, 10s));
  const auto muted_breach = Steady::now();
  std::this_thread::sleep_for(1500ms);
  CHECK(count_of(board.output(), "sound critical played") == played_before_mute);
  const auto unmuting = Steady::now();
  press_until(x, board, "m", "sound unmuted", 1);
  REQUIRE(wait_until(
      [&] { return count_of(board.output(), "sound critical played") > played_before_mute; }, 5s));
  std::this_thread::sleep_for(800ms);
  board.signal(SIGTERM);
  REQUIRE(board.wait_exit(10s) == 0);

  const wb::WavSound played = capture.read();
  const int rate = played.sample_rate;
  const std::vector<float> samples = played.first_channel();
  auto at = [&](Steady::time_point t) {
    return static_cast<std::size_t>(std::max(0.0, capture.position_at(t, rate)));
  };
  INFO("board:\n" << board.output() << "\ncapture: " << samples.size() << " frames at " << rate);
  REQUIRE(rate == 44100);

  // Silence before the breach; the tone starts when the alert fired (within the feed's and a
  // frame's delay, and the writer's 23 ms period).
  CHECK(peak(samples, at(breach_sent - 900ms), at(breach_sent) - rate / 20) < kSilent);
  const std::size_t first = onset(samples, at(breach_sent) - rate / 20);
  REQUIRE(first != std::string::npos);
  CHECK(first <= at(breach_seen) + rate * 3 / 10);
  const auto [length, crossings] = measure_sound(samples, first, rate);
  CHECK(length == Approx(kToneSeconds).margin(0.03));
  CHECK(crossings == Approx(2 * kToneHz * kToneSeconds).epsilon(0.05));
  // Repeated 2 s later, while nobody had acknowledged it.
  const std::size_t second = onset(samples, first + static_cast<std::size_t>(rate * 0.6));
  REQUIRE(second != std::string::npos);
  CHECK(double(second - first) / rate == Approx(2.0).margin(0.15));

  // After the ack (and the end of the repeat playing when it came): silence for 3 s, and
  // through the muted breach.
  CHECK(played_before_mute == 2);
  CHECK(peak(samples, at(ack_done) + static_cast<std::size_t>(rate * (kToneSeconds + 0.15)),
             at(unmuting)) < kSilent);
  CHECK(muted_breach < unmuting);
  // Unmuted: the support alert, still firing and never heard, sounds.
  const std::size_t after_unmute = onset(samples, at(unmuting));
  REQUIRE(after_unmute != std::string::npos);
  CHECK(measure_sound(samples, after_unmute, rate).first == Approx(kToneSeconds).margin(0.03));
}
#endif
