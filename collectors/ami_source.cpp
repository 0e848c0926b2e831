// Source `ami`: live queue events from the Asterisk Manager Interface (AmiClient): QueueStatus
// seeding, Ping liveness, reconnect with capped backoff, gaps counted and logged.
// Usage and quirks: docs/collectors/asterisk.md.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "floorwatch/asterisk/ami_client.h"
#include "source.h"

namespace floorwatch::collectors {
namespace {

using asterisk::AmiDisconnectReason;
using asterisk::AmiOutcome;
using core::Duration;

class AmiSource final : public Source {
 public:
  void add_options(CLI::App& command) override {
    command.add_option("--host", options_.host, "Asterisk host")->capture_default_str();
    command.add_option("--port", options_.port, "AMI port")
        ->capture_default_str()
        ->check(CLI::Range(1, 65535));
    command.add_option("--user", options_.username, "manager user (manager.conf)")->required();
    command.add_option("--secret-file", secret_file_, "file holding the manager secret")
        ->required()
        ->check(CLI::ExistingFile);
    command.add_option("--events", options_.events, "Login's Events mask")->capture_default_str();
    command.add_option("--ping-interval-ms", ping_interval_ms_, "send Ping this often")
        ->capture_default_str()
        ->check(CLI::Range(10, 600'000));
    command.add_option("--ping-timeout-ms", ping_timeout_ms_, "no Ping response: dead link")
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

  int run(SourceContext& context) override {
    if (!read_secret()) return 2;
    options_.ping_interval = Duration{ping_interval_ms_};
    options_.ping_timeout = Duration{ping_timeout_ms_};
    options_.initial_backoff = Duration{backoff_initial_ms_};
    options_.max_backoff = Duration{std::max(backoff_max_ms_, backoff_initial_ms_)};
    asterisk::AmiClient client(options_, context.clock);
    auto last_stats_at = context.clock.now();
    std::uint64_t events_sent = 0;
    std::int64_t gaps_logged = 0;
    while (!context.stop_requested.load(std::memory_order_relaxed)) {
      // Short waits keep a stop request prompt; the client sleeps inside when disconnected.
      for (const core::Event& event : client.poll(Duration{200})) {
        context.sink.publish(event);
        ++events_sent;
      }
      const auto now = context.clock.now();
      const bool gap_closed = client.stats().gaps != gaps_logged;
      if (gap_closed) {
        // The daemon hears of it too, in the next batch header: a metric, not just a log line.
        for (auto gap = gaps_logged; gap < client.stats().gaps; ++gap)
          context.sink.report_gap(std::chrono::duration_cast<std::chrono::milliseconds>(
              gap + 1 == client.stats().gaps ? client.stats().last_gap : Duration{0}));
      }
      if (gap_closed || now - last_stats_at >= Duration{stats_interval_s_ * 1000}) {
        gaps_logged = client.stats().gaps;
        last_stats_at = now;
        log_stats(client, events_sent);
      }
    }
    client.disconnect();
    log_stats(client, events_sent);
    return 0;
  }

 private:
  bool read_secret() {
    std::ifstream in(secret_file_);
    if (!in || !std::getline(in, options_.secret)) {
      spdlog::error("ami: --secret-file {}: cannot read a secret from it", secret_file_);
      return false;
    }
    while (!options_.secret.empty() &&
           (options_.secret.back() == '\r' || options_.secret.back() == ' '))
      options_.secret.pop_back();
    struct stat info {};
    if (stat(secret_file_.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
      spdlog::warn("ami: {} is readable by other users; chmod 600 it", secret_file_);
    return true;
  }

  static void log_stats(const asterisk::AmiClient& client, std::uint64_t events_sent) {
    const auto& s = client.stats();
    const auto& m = client.mapper().stats();
    const auto& f = client.framer_stats();
    // Warn while gaps exist so the line stands out: those minutes of the floor were not seen.
    spdlog::log(
        s.gaps > 0 ? spdlog::level::warn : spdlog::level::info,
        "ami: logged_in={} events_sent={} connects={} logins={} gaps={} gap_seconds={:.1f} "
        "last_gap_seconds={:.1f} ping_timeouts={} closed_by_peer={} connect_failures={} "
        "login_failures={} pings={} messages={} mapped={} ignored={} duplicate={} "
        "orphan={} invalid={} seeded_calls={} calls_closed_after_gap={} garbage_lines={}",
        client.logged_in(), events_sent, s.connects, s.logins, s.gaps, core::to_seconds(s.gap_time),
        core::to_seconds(s.last_gap), s.disconnect_count(AmiDisconnectReason::PingTimeout),
        s.disconnect_count(AmiDisconnectReason::ClosedByPeer),
        s.disconnect_count(AmiDisconnectReason::ConnectFailed),
        s.disconnect_count(AmiDisconnectReason::LoginRefused) +
            s.disconnect_count(AmiDisconnectReason::LoginTimeout),
        s.pings_sent, s.messages, m.count(AmiOutcome::Mapped), m.count(AmiOutcome::Ignored),
        m.count(AmiOutcome::Duplicate), m.count(AmiOutcome::Orphan), m.count(AmiOutcome::Invalid),
        m.seeded_calls, m.calls_closed_after_gap, f.garbage_lines);
  }

  asterisk::AmiClientOptions options_;
  std::string secret_file_;
  int ping_interval_ms_ = 10'000;
  int ping_timeout_ms_ = 5000;
  int backoff_initial_ms_ = 500;
  int backoff_max_ms_ = 30'000;
  int stats_interval_s_ = 60;
};

}  // namespace

std::unique_ptr<Source> make_ami_source() {
  return std::make_unique<AmiSource>();
}

}  // namespace floorwatch::collectors
