#pragma once
// A simulated contact centre: a pure, deterministic discrete-event engine (no I/O, no clock
// reads). Given a seed and a start time it produces a consistent stream of canonical events:
// agents log in, calls arrive (Poisson, following a time-of-day curve), wait FIFO, are answered
// by the longest-idle member agent, talk, wrap up; callers run out of patience and abandon, a
// few exit on timeout or by key; agents pause for breaks, lunch and training.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floorwatch/core/event.h"

namespace floorwatch::collectors {

/// How call volume varies over the week, on top of the time-of-day curve.
enum class WeeklyPattern {
  Daily,         ///< every day alike
  WeekdayPeaks,  ///< Monday busiest, a lull midweek, Friday up again, a quiet weekend
};
/// "daily", "weekday-peaks"; nullopt for anything else.
std::optional<WeeklyPattern> parse_weekly_pattern(std::string_view text);
/// Relative volume (0..1, Monday of weekday-peaks 1) of a local weekday, 0 = Monday.
double weekday_factor(WeeklyPattern pattern, int weekday);

/// Knobs of the simulation; defaults give a plausible mid-size floor. Plain value type.
/// A morning that goes wrong (the demo): from the start, a rush of calls on top of the time of
/// day, and a few agents whose break runs long. Plain value type.
struct MorningRush {
  double surge_factor = 3.0;  ///< arrivals × this during the rush
  core::Duration surge_length = std::chrono::minutes(25);
  int long_breaks = 4;  ///< agents who go on break two minutes in...
  core::Duration long_break = std::chrono::minutes(25);  ///< ...and stay away this long
};

struct SimulationConfig {
  std::uint64_t seed = 1;
  core::Timestamp start{};
  std::optional<core::Duration> duration;  ///< nullopt: run for ever
  /// The time-of-day curve runs on local time = UTC + this offset (the offset of --start).
  int utc_offset_minutes = 0;
  /// Queue names; volumes decrease in this order (each next queue gets 0.6x the previous).
  std::vector<std::string> queues{"sales", "support", "billing"};
  int agents = 40;
  double median_talk_seconds = 180;  ///< lognormal talk time
  double talk_time_sigma = 0.5;
  double min_wrapup_seconds = 10;
  double max_wrapup_seconds = 60;
  double mean_patience_seconds = 120;  ///< lognormal caller patience
  double patience_sigma = 0.9;
  double queue_max_wait_seconds = 600;  ///< then the call exits with reason timeout
  double key_exit_probability = 0.01;   ///< callers who press a key to leave the queue
  /// Offered load at the busiest hour, as a fraction of the agents' capacity.
  double peak_load = 0.95;
  /// Volume by weekday (local time, as the time-of-day curve); Daily keeps every day alike.
  WeeklyPattern pattern = WeeklyPattern::Daily;
  std::string call_id_prefix = "sim-";
  std::optional<MorningRush> rush;  ///< nullopt: an ordinary day
};

/// Produces the events in time order, one at a time. Deterministic for a config: the same seed
/// gives the same events (on one toolchain). Not thread-safe.
class TrafficSimulator {
 public:
  explicit TrafficSimulator(SimulationConfig config);
  ~TrafficSimulator();
  TrafficSimulator(const TrafficSimulator&) = delete;
  TrafficSimulator& operator=(const TrafficSimulator&) = delete;

  /// The next event (timestamps never decrease), or nullopt once the duration is over.
  std::optional<core::Event> next();

  /// Relative call volume (0..1, peak 1) at a local hour of the day in [0, 24).
  static double time_of_day_factor(double local_hour);
  /// Expected calls offered to queue `queue` (index in config.queues) in [from, to): the peak
  /// arrival rate times the integral of time_of_day_factor × weekday_factor. What a forecast
  /// should find, before the Poisson noise.
  static double expected_offered(const SimulationConfig& config, int queue, core::Timestamp from,
                                 core::Timestamp to);

 private:
  struct Engine;
  std::unique_ptr<Engine> engine_;
};

/// Maps simulated time to wall time for `--speed X` (simulated time runs X times faster).
/// Pure: the caller reads its clock and sleeps. Plain value type.
class SimulationPacer {
 public:
  /// speed <= 0 means no pacing (as fast as possible).
  SimulationPacer(core::Timestamp simulated_start, core::Timestamp wall_start, double speed)
      : simulated_start_(simulated_start), wall_start_(wall_start), speed_(speed) {}
  /// Wall time at which an event stamped `simulated` is due; nullopt when not pacing.
  std::optional<core::Timestamp> wall_time_due(core::Timestamp simulated) const;

 private:
  core::Timestamp simulated_start_;
  core::Timestamp wall_start_;
  double speed_;
};

/// "8h", "90m", "45s", "2d", "1h30m", "500ms"; nullopt for anything else.
std::optional<core::Duration> parse_duration_text(std::string_view text);
/// The UTC offset written in an RFC 3339 timestamp: 0 for "Z", +60 for "+01:00"; nullopt when
/// the text has no offset (e.g. epoch milliseconds).
std::optional<int> utc_offset_minutes_of(std::string_view timestamp);

}  // namespace floorwatch::collectors
