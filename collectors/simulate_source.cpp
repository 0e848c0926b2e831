// Source `simulate`: the built-in traffic simulator (traffic_simulator.h), paced against the
// injected wall clock so that simulated time runs --speed times faster than real time.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <sstream>
#include <thread>

#include "common/string_list.h"
#include "source.h"
#include "traffic_simulator.h"

namespace floorwatch::collectors {
namespace {

using common::split_list;

class SimulateSource final : public Source {
 public:
  void add_options(CLI::App& command) override {
    command.add_option("--seed", config_.seed, "random seed (same seed, same events)")
        ->capture_default_str();
    command.add_option("--speed", speed_, "simulated seconds per wall second; 0 = no pacing")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    command.add_flag("--as-fast-as-possible", as_fast_as_possible_, "same as --speed 0");
    command.add_option("--start", start_text_,
                       "simulated start, RFC 3339 (its offset sets the local time of day); "
                       "default: now");
    command.add_option("--duration", duration_text_, "e.g. 8h, 90m, 1h30m; default: for ever");
    command.add_option("--weeks", weeks_, "simulate N whole weeks (instead of --duration)")
        ->check(CLI::Range(1, 520));
    command
        .add_option("--pattern", pattern_text_,
                    "weekly volume pattern: daily (every day alike) or weekday-peaks (Monday "
                    "busiest, midweek lull, quiet weekend)")
        ->capture_default_str();
    command
        .add_option("--scenario", scenario_,
                    "steady (an ordinary day) or morning (from the start: a rush of calls "
                    "that breaches, abandons, four agents on a 25-minute break)")
        ->capture_default_str()
        ->check(CLI::IsMember({"steady", "morning"}));
    command.add_option("--queues", queues_text_, "comma-separated queue names, busiest first")
        ->capture_default_str();
    command.add_option("--agents", config_.agents, "number of agents")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
  }

  int run(SourceContext& context) override {
    const core::Timestamp wall_start = context.clock.now();
    if (start_text_.empty()) {
      config_.start = wall_start;
    } else {
      const auto start = core::parse_timestamp(start_text_);
      if (!start) {
        spdlog::error("simulate: --start {}: not an RFC 3339 timestamp", start_text_);
        return 2;
      }
      config_.start = *start;
      config_.utc_offset_minutes = utc_offset_minutes_of(start_text_).value_or(0);
    }
    const auto pattern = parse_weekly_pattern(pattern_text_);
    if (!pattern) {
      spdlog::error("simulate: --pattern {}: expected daily or weekday-peaks", pattern_text_);
      return 2;
    }
    config_.pattern = *pattern;
    if (scenario_ == "morning") config_.rush = MorningRush{};
    if (weeks_ > 0 && !duration_text_.empty()) {
      spdlog::error("simulate: --weeks and --duration: give one of them");
      return 2;
    }
    if (weeks_ > 0) config_.duration = std::chrono::hours(24 * 7 * weeks_);
    if (!duration_text_.empty()) {
      config_.duration = parse_duration_text(duration_text_);
      if (!config_.duration) {
        spdlog::error("simulate: --duration {}: expected e.g. 8h, 90m, 1h30m", duration_text_);
        return 2;
      }
    }
    const double speed = as_fast_as_possible_ ? 0.0 : speed_;
    if (speed <= 0 && !config_.duration) {
      spdlog::error("simulate: without pacing (--speed 0) a --duration is required");
      return 2;
    }
    config_.queues = split_list(queues_text_);
    if (config_.queues.empty()) {
      spdlog::error("simulate: --queues needs at least one name");
      return 2;
    }

    TrafficSimulator simulator(config_);
    const SimulationPacer pacer(config_.start, wall_start, speed);
    spdlog::info("simulate: seed {} start {} speed {} queues {} agents {} scenario {}",
                 config_.seed, core::format_timestamp(config_.start), speed, queues_text_,
                 config_.agents, scenario_);
    std::uint64_t events = 0;
    while (!context.stop_requested.load(std::memory_order_relaxed)) {
      auto event = simulator.next();
      if (!event) break;
      if (const auto due = pacer.wall_time_due(event->ts)) {
        // Sleep in short steps so a stop request is noticed promptly.
        while (!context.stop_requested.load(std::memory_order_relaxed)) {
          const auto now = context.clock.now();
          if (now >= *due) break;
          std::this_thread::sleep_for(std::min<core::Duration>(*due - now, core::Duration{200}));
        }
      }
      if (context.stop_requested.load(std::memory_order_relaxed)) break;
      context.sink.publish(*event);
      ++events;
    }
    spdlog::info("simulate: {} events", events);
    return 0;
  }

 private:
  SimulationConfig config_;
  double speed_ = 1.0;
  bool as_fast_as_possible_ = false;
  std::string start_text_;
  std::string duration_text_;
  int weeks_ = 0;
  std::string pattern_text_ = "daily";
  std::string scenario_ = "steady";
  std::string queues_text_ = "sales,support,billing";
};

}  // namespace

std::unique_ptr<Source> make_simulate_source() {
  return std::make_unique<SimulateSource>();
}

}  // namespace floorwatch::collectors
