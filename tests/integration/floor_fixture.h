#pragma once
// Starts a real floorwatchd on loopback with OS-chosen ports and gives tests its endpoints,
// plus helpers to run the real collector and floorwatchctl binaries against it.

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/binaries.h"
#include "support/closed_port.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/prometheus_text.h"
#include "support/promtool.h"
#include "support/temp_dir.h"

namespace floorwatch::test {

/// Who a RunningDaemon is, for tests that run several (sites, or an HA pair): the `site:` and
/// `daemon_id:` it reports on every series, and its control bind (a fixed port when a partner
/// must know it before it starts).
struct DaemonIdentity {
  std::string site = "testsite";
  std::string daemon_id = "test-daemon";
  std::string control_bind = "tcp://127.0.0.1:*";
};

/// A running floorwatchd. `config_body` is YAML appended after the generated listen settings.
class RunningDaemon {
 public:
  RunningDaemon(const TempDir& dir, const std::string& config_body,
                const std::string& clock = "event",
                const std::string& ingest_bind = "tcp://127.0.0.1:*",
                const std::string& more_ingest_settings = "",
                const std::vector<std::string>& extra_env = {})
      : RunningDaemon(dir, DaemonIdentity{}, config_body, clock, ingest_bind, more_ingest_settings,
                      extra_env) {}
  /// One of several daemons of several sites (or of an HA pair) in one test.
  RunningDaemon(const TempDir& dir, const DaemonIdentity& identity, const std::string& config_body,
                const std::string& clock = "event",
                const std::string& ingest_bind = "tcp://127.0.0.1:*",
                const std::string& more_ingest_settings = "",
                const std::vector<std::string>& extra_env = {}) {
    listen_settings_ = "site: " + identity.site + "\ndaemon_id: " + identity.daemon_id +
                       "\ningest:\n  bind: " + ingest_bind + "\n" + more_ingest_settings +
                       "control:\n  bind: " + identity.control_bind +
                       "\n"
                       "feed:\n  bind: tcp://127.0.0.1:*\n  publish: tcp://127.0.0.1:*\n"
                       "metrics:\n  listen: 127.0.0.1:0\n";
    config_path_ = dir.write("floorwatch.yaml", listen_settings_ + config_body);
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{daemon_binary(), "--config", config_path_, "--clock", clock}, "",
        extra_env);
    auto ready = process_->wait_for(
        R"(ready ingest=(\S+) control=(\S+) metrics=(\S+):(\d+) .* feed=(\S+) feed_publish=(\S+))",
        std::chrono::seconds(20));
    if (!ready)
      throw std::runtime_error("floorwatchd did not become ready:\n" + process_->output());
    ingest_ = (*ready)[1];
    control_ = (*ready)[2];
    metrics_host_ = (*ready)[3];
    metrics_port_ = std::stoi((*ready)[4]);
    feed_snapshot_ = (*ready)[5];
    feed_publish_ = (*ready)[6];
  }

  const std::string& ingest() const { return ingest_; }
  const std::string& control() const { return control_; }
  /// The feed's snapshot ROUTER and PUB endpoints, for boards.
  const std::string& feed_snapshot() const { return feed_snapshot_; }
  const std::string& feed_publish() const { return feed_publish_; }
  int metrics_port() const { return metrics_port_; }
  ChildProcess& process() { return *process_; }
  /// Replaces the config file (same listen settings, new body), e.g. before a SIGHUP.
  void rewrite_config(const std::string& config_body) const {
    std::ofstream(config_path_, std::ios::trunc) << listen_settings_ << config_body;
  }

  std::string scrape_text() const {
    auto response = http_get("127.0.0.1", metrics_port_, "/metrics");
    if (response.status != 200) throw std::runtime_error("scrape failed: " + response.headers);
    return response.body;
  }
  std::vector<Sample> scrape() const { return parse_exposition(scrape_text()); }
  /// One sample of a fresh scrape (labels: a subset to match); 0 when there is none yet, as
  /// Prometheus shows a counter not yet created.
  double metric(const std::string& name,
                const std::map<std::string, std::string>& labels = {}) const {
    return find_sample(scrape(), name, labels).value_or(0);
  }

 private:
  std::string listen_settings_;
  std::string config_path_;
  std::unique_ptr<ChildProcess> process_;
  std::string ingest_, control_, metrics_host_, feed_snapshot_, feed_publish_;
  int metrics_port_ = 0;
};

/// Runs `floorwatch-collector jsonl` over a file until it exits (it waits for every ack).
inline std::pair<int, std::string> send_jsonl(
    const std::string& endpoint, const std::string& file,
    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  return run_command({collector_binary(), "jsonl", "--endpoint", endpoint, "--file", file,
                      "--source-id", "test-jsonl"},
                     timeout);
}

/// `floorwatchctl alerts --json` against the daemon: {"alerts": [...], "resolved": [...]}.
inline nlohmann::json alerts_json(const RunningDaemon& daemon) {
  auto [status, output] = run_command(
      {ctl_binary(), "alerts", "--control", daemon.control(), "--json"}, std::chrono::seconds(10));
  if (status != 0) throw std::runtime_error("floorwatchctl alerts failed:\n" + output);
  return nlohmann::json::parse(output);
}

/// Every per-queue series by its full label set: what a supervisor's board and Grafana show.
/// Two runs of the same scenario must give equal maps (durability and outage tests).
inline std::map<std::string, double> queue_figures(const std::vector<Sample>& samples) {
  std::map<std::string, double> figures;
  for (const auto& sample : samples) {
    if (sample.name.rfind("floorwatch_queue_", 0) != 0) continue;
    std::string key = sample.name;
    for (const auto& [label, value] : sample.labels) key += " " + label + "=" + value;
    figures[key] = sample.value;
  }
  return figures;
}

}  // namespace floorwatch::test
