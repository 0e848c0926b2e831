// Source `freeswitch`: live queue events from FreeSWITCH mod_callcenter over the Event Socket
// (EslClient): callcenter_config seeding, a liveness api command, reconnect with capped
// backoff, gaps counted, logged and reported to the daemon. Usage: docs/collectors/freeswitch.md.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "floorwatch/freeswitch/esl_client.h"
#include "source.h"

namespace floorwatch::collectors {
namespace {

using core::Duration;
using freeswitch::CcOutcome;
using freeswitch::EslDisconnectReason;

class FreeswitchSource final : public Source {
 public:
  void add_options(CLI::App& command) override {
    command.add_option("--host", options_.host, "FreeSWITCH host")->capture_default_str();
    command.add_option("--port", options_.port, "event socket port")
        ->capture_default_str()
        ->check(CLI::Range(1, 65535));
    command.add_option("--password-file", password_file_, "file holding the event socket password")
        ->required()
        ->check(CLI::ExistingFile);
    command.add_option("--rename", renames_,
                       "OLD=NEW: show a queue or agent under another name (repeatable)");
    command.add_option("--rename-file", rename_file_, "file of OLD=NEW lines (# comments)")
        ->check(CLI::ExistingFile);
    command.add_flag("!--no-hangup-events", options_.hangup_events,
                     "do not subscribe to CHANNEL_HANGUP_COMPLETE");
    command
        .add_option("--hangup-grace-ms", hangup_grace_ms_,
                    "Cancel/BREAK_OUT without channel data: wait this long for the hang-up")
        ->capture_default_str()
        ->check(CLI::Range(0, 600'000));
    add_timing_options(command);
  }

  int run(SourceContext& context) override {
    if (!read_password() || !read_renames()) return 2;
    options_.ping_interval = Duration{ping_interval_ms_};
    options_.ping_timeout = Duration{ping_timeout_ms_};
    options_.initial_backoff = Duration{backoff_initial_ms_};
    options_.max_backoff = Duration{std::max(backoff_max_ms_, backoff_initial_ms_)};
    options_.mapper.hangup_grace = Duration{hangup_grace_ms_};
    freeswitch::EslClient client(options_, context.clock);
    auto last_stats_at = context.clock.now();
    std::uint64_t events_sent = 0;
    std::int64_t gaps_reported = 0;
    while (!context.stop_requested.load(std::memory_order_relaxed)) {
      // Short waits keep a stop request prompt; the client sleeps inside when disconnected.
      for (const core::Event& event : client.poll(Duration{200})) {
        context.sink.publish(event);
        ++events_sent;
      }
      const auto now = context.clock.now();
      const bool gap_closed = client.stats().gaps != gaps_reported;
      // The daemon hears of a gap too, in the next batch header: a metric, not just a log line.
      for (; gaps_reported < client.stats().gaps; ++gaps_reported)
        context.sink.report_gap(std::chrono::duration_cast<std::chrono::milliseconds>(
            gaps_reported + 1 == client.stats().gaps ? client.stats().last_gap : Duration{0}));
      if (gap_closed || now - last_stats_at >= Duration{stats_interval_s_ * 1000}) {
        last_stats_at = now;
        log_stats(client, events_sent);
      }
    }
    client.disconnect();
    log_stats(client, events_sent);
    return 0;
  }

 private:
  void add_timing_options(CLI::App& command) {
    command.add_option("--ping-interval-ms", ping_interval_ms_, "send `api status` this often")
        ->capture_default_str()
        ->check(CLI::Range(10, 600'000));
    command.add_option("--ping-timeout-ms", ping_timeout_ms_, "no reply to it: dead link")
        ->capture_default_str()
        ->check(CLI::Range(10, 600'000));
    command.add_option("--backoff-initial-ms", backoff_initial_ms_, "first reconnect delay")
        ->capture_default_str()
        ->check(CLI::Range(1, 600'000));
    command.add_option("--backoff-max-ms", backoff_max_ms_, "longest reconnect delay")
        ->capture_default_str()
        ->check(CLI::Range(1, 3'600'000));
    command.add_option("--stats-interval-s", stats_interval_s_, "period of the stats log line")
        ->capture_default_str()
        ->check(CLI::Range(1, 86'400));
  }

  bool read_password() {
    std::ifstream in(password_file_);
    if (!in || !std::getline(in, options_.password) || options_.password.empty()) {
      spdlog::error("freeswitch: --password-file {}: cannot read a password from it",
                    password_file_);
      return false;
    }
    while (!options_.password.empty() &&
           (options_.password.back() == '\r' || options_.password.back() == ' '))
      options_.password.pop_back();
    struct stat info {};
    if (stat(password_file_.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
      spdlog::warn("freeswitch: {} is readable by other users; chmod 600 it", password_file_);
    return true;
  }

  // `--rename` and `--rename-file` lines: OLD=NEW; a bad line is an error naming it.
  bool read_renames() {
    std::vector<std::pair<std::string, std::string>> lines;
    for (const auto& rename : renames_) lines.emplace_back("--rename", rename);
    if (!rename_file_.empty()) {
      std::ifstream in(rename_file_);
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#') continue;
        lines.emplace_back(rename_file_ + ":" + std::to_string(number), line);
      }
    }
    for (const auto& [where, line] : lines) {
      const auto equals = line.find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == line.size()) {
        spdlog::error("freeswitch: {}: \"{}\" is not OLD=NEW", where, line);
        return false;
      }
      options_.mapper.renames[line.substr(0, equals)] = line.substr(equals + 1);
    }
    return true;
  }

  static void log_stats(const freeswitch::EslClient& client, std::uint64_t events_sent) {
    const auto& s = client.stats();
    const auto& m = client.mapper().stats();
    const auto f = client.framer_stats();
    // Warn while gaps exist so the line stands out: those minutes of the floor were not seen.
    spdlog::log(
        s.gaps > 0 ? spdlog::level::warn : spdlog::level::info,
        "freeswitch: streaming={} events_sent={} connects={} auths={} seeds={} gaps={} "
        "gap_seconds={:.1f} last_gap_seconds={:.1f} auth_refused={} rejected={} "
        "disconnect_notices={} closed_by_peer={} connect_failures={} ping_timeouts={} "
        "oversized_frames={} frames={} mapped={} ignored={} duplicate={} orphan={} invalid={} "
        "abandoned_by_hangup={} transferred={} none_races={} lost_races={} agent_missed_calls={} "
        "seeded_calls={} calls_closed_after_gap={} seed_errors={}",
        client.streaming(), events_sent, s.connects, s.authenticated, s.seeds, s.gaps,
        core::to_seconds(s.gap_time), core::to_seconds(s.last_gap),
        s.disconnect_count(EslDisconnectReason::AuthRefused),
        s.disconnect_count(EslDisconnectReason::Rejected),
        s.disconnect_count(EslDisconnectReason::DisconnectNotice),
        s.disconnect_count(EslDisconnectReason::ClosedByPeer),
        s.disconnect_count(EslDisconnectReason::ConnectFailed),
        s.disconnect_count(EslDisconnectReason::PingTimeout), f.oversized_frames, f.frames,
        m.count(CcOutcome::Mapped), m.count(CcOutcome::Ignored), m.count(CcOutcome::Duplicate),
        m.count(CcOutcome::Orphan), m.count(CcOutcome::Invalid), m.abandoned_by_hangup,
        m.transferred, m.none_races, m.lost_races, m.agent_missed_calls, m.seeded_calls,
        m.calls_closed_after_gap, s.seed_errors);
  }

  freeswitch::EslClientOptions options_;
  std::string password_file_;
  std::vector<std::string> renames_;
  std::string rename_file_;
  int hangup_grace_ms_ = 3000;
  int ping_interval_ms_ = 10'000;
  int ping_timeout_ms_ = 5000;
  int backoff_initial_ms_ = 500;
  int backoff_max_ms_ = 30'000;
  int stats_interval_s_ = 60;
};

}  // namespace

std::unique_ptr<Source> make_freeswitch_source() {
  return std::make_unique<FreeswitchSource>();
}

}  // namespace floorwatch::collectors
