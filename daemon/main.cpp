// floorwatchd: reads the config, binds ingest/control/metrics, prints the ready line and runs
// the loop until SIGINT or SIGTERM; SIGHUP reloads the config. Exit status: 0 clean stop,
// 1 runtime failure, 2 bad config.
#include <csignal>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "daemon/config.h"
#include "daemon/daemon_loop.h"

namespace {

std::atomic<bool> stop_requested{false};
std::atomic<bool> reload_requested{false};

extern "C" void request_stop(int) {
  stop_requested.store(true);
}

extern "C" void request_reload(int) {
  reload_requested.store(true);
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: let poll return so the loop sees the flag at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  struct sigaction reload {};
  reload.sa_handler = request_reload;
  sigemptyset(&reload.sa_mask);
  reload.sa_flags = 0;
  sigaction(SIGHUP, &reload, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"floorwatchd: real-time contact-centre supervisor daemon"};
  std::string config_path;
  std::string clock_name = "wall";
  std::string log_level = "info";
  app.add_option("--config", config_path, "YAML config file (docs/configuration.md)")->required();
  app.add_option("--clock", clock_name,
                 "wall: now is the system clock; event: now is the latest event time (replays)")
      ->check(CLI::IsMember({"wall", "event"}));
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  CLI11_PARSE(app, argc, argv);

  auto logger = spdlog::stderr_color_mt("floorwatchd");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  floorwatch::daemon::DaemonConfig config;
  try {
    config = floorwatch::daemon::load_config(config_path);
  } catch (const floorwatch::daemon::ConfigError& error) {
    spdlog::error("config error: {}", error.what());
    return 2;
  }

  install_signal_handlers();
  const auto clock_mode = clock_name == "event" ? floorwatch::daemon::ClockMode::Event
                                                : floorwatch::daemon::ClockMode::Wall;
  try {
    floorwatch::daemon::Daemon daemon(config, clock_mode);
    auto systemd = floorwatch::daemon::SystemdNotifier::from_environment();
    daemon.set_systemd_notifier(&systemd);
    // SIGHUP re-reads the same file; a bad file is rejected and the old config stays.
    daemon.set_reload_trigger(&reload_requested,
                              [&] { return floorwatch::daemon::load_config(config_path); });
    spdlog::info(
        "ready ingest={} control={} metrics={} site={} daemon={} clock={} feed={} "
        "feed_publish={}",
        daemon.ingest_endpoint(), daemon.control_endpoint(), daemon.metrics_address(), config.site,
        config.daemon_id, clock_name, daemon.feed_endpoint(), daemon.feed_publish_endpoint());
    systemd.ready("ingest " + daemon.ingest_endpoint() + ", metrics " + daemon.metrics_address());
    daemon.run(stop_requested);
    systemd.stopping();
    spdlog::info("stopped reason=signal");
  } catch (const std::exception& error) {
    spdlog::error("fatal: {}", error.what());
    return 1;
  }
  return 0;
}
