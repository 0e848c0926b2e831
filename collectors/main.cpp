// floorwatch-collector <source> --endpoint E [--endpoint E2] [--source-id ID] [source options]
// Reads events from one source and delivers them to every daemon endpoint (or, with
// --output jsonl, writes them to stdout). Exits only when every event is acknowledged.
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <thread>
#include <zmq.hpp>

#include "delivery.h"
#include "json_lines_sink.h"
#include "source.h"

namespace {

using namespace floorwatch;
using namespace floorwatch::collectors;
using std::chrono::milliseconds;

/// Options every source shares.
struct CommonOptions {
  std::vector<std::string> endpoints;
  std::string source_id;
  std::uint64_t session = 0;
  std::string output;  // "" (send) or "jsonl"
  bool dry_run = false;
  std::size_t batch_size = 1000;
  std::size_t buffer_events = 1'000'000;
  int resend_timeout_ms = 1000;
  std::string spool_dir;  // "" = unacknowledged events in memory only
  std::uint64_t spool_max_bytes = std::uint64_t{1} << 30;
  double wait_seconds = 0;  // at the end: 0 = wait for every ack for ever
  std::string log_level = "info";
  // The daemon's NAME.key (one for every --endpoint, or one each); none = plaintext
  // (docs/security.md).
  std::vector<std::string> curve_server_keys;
  std::string curve_key;  // this collector's NAME.key_secret
};

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("--endpoint", options.endpoints,
                     "daemon ingest endpoint (repeat for HA: each gets every event)");
  command.add_option("--source-id", options.source_id,
                     "stable id of this collector (default: <source>@<hostname>)");
  command.add_option("--session", options.session, "stream session id (default: random)");
  command.add_option("--output", options.output, "write events to stdout instead of sending")
      ->check(CLI::IsMember({"jsonl"}));
  command.add_flag("--dry-run", options.dry_run, "same as --output jsonl");
  command.add_option("--batch-size", options.batch_size, "events per message")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  command
      .add_option("--buffer-events", options.buffer_events,
                  "max unacknowledged events per endpoint; when full, reading blocks")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000'000));
  command
      .add_option("--resend-timeout-ms", options.resend_timeout_ms,
                  "resend unacknowledged events after this long without ack progress")
      ->capture_default_str()
      ->check(CLI::Range(10, 600'000));
  command.add_option("--spool-dir", options.spool_dir,
                     "keep unacknowledged events on disk here (one subdirectory per endpoint); "
                     "they survive a daemon outage and a collector restart");
  command
      .add_option("--spool-max-bytes", options.spool_max_bytes,
                  "max bytes of spool files per endpoint; when full, reading blocks")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1} << 16, std::uint64_t{1} << 50));
  command
      .add_option("--wait", options.wait_seconds,
                  "at the end, wait at most this many seconds for acks (0 = for ever)")
      ->capture_default_str();
  command.add_option("--log-level", options.log_level, "trace|debug|info|warn|error")
      ->capture_default_str();
  command.add_option("--curve-server-key", options.curve_server_keys,
                     "the daemon's public certificate (NAME.key): turns CURVE on; repeat, in "
                     "--endpoint order, when the daemons of a pair have their own keys");
  command.add_option("--curve-key", options.curve_key,
                     "this collector's secret certificate (NAME.key_secret)");
}

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Waits for every ack, logging progress; gives up after `limit` (0 = never) or soon after a stop.
bool wait_for_acks(DeliveryFanout& fanout, double limit_seconds, const std::atomic<bool>& stop) {
  const auto started = std::chrono::steady_clock::now();
  auto last_report = started;
  std::optional<std::chrono::steady_clock::time_point> stop_seen;
  while (!fanout.flush_and_wait(milliseconds{200})) {
    const auto now = std::chrono::steady_clock::now();
    if (limit_seconds > 0 && now - started >= std::chrono::duration<double>(limit_seconds))
      return false;
    if (stop.load()) {
      if (!stop_seen) stop_seen = now;
      if (now - *stop_seen >= std::chrono::seconds(5)) return false;
    }
    if (now - last_report >= std::chrono::seconds(5)) {
      last_report = now;
      for (const auto& channel : fanout.channels())
        if (channel->unacked_events() > 0)
          spdlog::info("waiting for {} to acknowledge {} events", channel->endpoint(),
                       channel->unacked_events());
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("collector");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);

  // Signals go to one thread (sigwait) so no handler touches shared state: first SIGINT/SIGTERM
  // asks the source to stop and flush, a second one exits at once.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::atomic<bool> stop_requested{false};
  std::atomic<bool> exiting{false};
  std::thread signal_thread([&] {
    int signal_number = 0;
    while (sigwait(&signals, &signal_number) == 0) {
      if (exiting.load()) return;
      if (stop_requested.exchange(true)) std::_Exit(128 + signal_number);
      spdlog::info("signal {}: stopping after delivering what was read", signal_number);
    }
  });
  const auto stop_signal_thread = [&] {
    exiting = true;
    pthread_kill(signal_thread.native_handle(), SIGTERM);
    signal_thread.join();
  };

  CLI::App app{"floorwatch-collector: streams contact-centre events to floorwatchd"};
  app.require_subcommand(1);
  CommonOptions common;
  std::vector<std::pair<CLI::App*, std::unique_ptr<Source>>> sources;
  for (const auto& registration : registered_sources()) {
    CLI::App* command =
        app.add_subcommand(std::string(registration.name), std::string(registration.description));
    add_common_options(*command, common);
    auto source = registration.make();
    source->add_options(*command);
    sources.emplace_back(command, std::move(source));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    stop_signal_thread();
    return app.exit(error);
  }

  Source* source = nullptr;
  std::string source_name;
  for (auto& [command, candidate] : sources) {
    if (command->parsed()) {
      source = candidate.get();
      source_name = command->get_name();
    }
  }
  spdlog::set_level(spdlog::level::from_str(common.log_level));
  core::SystemClock clock;
  int status = 0;

  if (common.dry_run || common.output == "jsonl") {
    JsonLinesSink sink(stdout);
    SourceContext context{sink, clock, stop_requested};
    status = source->run(context);
    if (!sink.flush()) {
      spdlog::error("writing to stdout failed");
      status = status != 0 ? status : 1;
    }
    stop_signal_thread();
    return status;
  }

  if (common.endpoints.empty()) {
    spdlog::error("{}: --endpoint is required (or --output jsonl)", source_name);
    stop_signal_thread();
    return 2;
  }
  DeliveryOptions options;
  options.source_id = common.source_id.empty() ? source_name + "@" + hostname() : common.source_id;
  options.session = common.session;
  options.max_batch_events = common.batch_size;
  options.max_unacked_events = common.buffer_events;
  options.resend_timeout = milliseconds{common.resend_timeout_ms};
  options.spool_directory = common.spool_dir;
  options.spool_max_bytes = common.spool_max_bytes;
  std::vector<security::ClientSecurity> securities;
  try {
    securities = security::load_client_securities(common.curve_server_keys, common.curve_key,
                                                  common.endpoints.size(), "--curve-server-key",
                                                  "--endpoint");
  } catch (const security::KeyFileError& error) {
    spdlog::error("{}", error.what());
    stop_signal_thread();
    return 2;
  }

  zmq::context_t zmq_context(1);
  {
    std::unique_ptr<DeliveryFanout> fanout;
    try {
      fanout = std::make_unique<DeliveryFanout>(zmq_context, common.endpoints, options, securities);
    } catch (const std::exception& error) {
      spdlog::error("cannot set up delivery: {}", error.what());
      stop_signal_thread();
      return 2;
    }
    SourceContext context{*fanout, clock, stop_requested};
    bool delivery_stopped = false;
    try {
      status = source->run(context);
    } catch (const DeliveryStopped& error) {
      spdlog::error("{}: {}", source_name, error.what());
      delivery_stopped = true;
      status = 1;
    } catch (const std::exception& error) {
      spdlog::error("{}: {}", source_name, error.what());
      status = 1;
    }
    if (!common.spool_dir.empty()) {
      fanout->sync_spools();
      spdlog::info("input finished: every event read is synced to the spool in {}",
                   common.spool_dir);
    }
    bool all_acknowledged = false;
    try {
      // A failed channel never acknowledges again: waiting for it would hang.
      all_acknowledged =
          !delivery_stopped && wait_for_acks(*fanout, common.wait_seconds, stop_requested);
    } catch (const DeliveryStopped& error) {
      spdlog::error("{}", error.what());
    }
    if (!all_acknowledged) {
      spdlog::error("giving up with events not acknowledged by every daemon");
      status = status != 0 ? status : 1;
    }
    fanout->log_counters();
  }
  stop_signal_thread();
  return status;
}
