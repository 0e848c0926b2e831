#pragma once
// Real prometheus-alertmanager (Debian's package) on loopback: one instance, or a cluster
// whose instances gossip silences and their notification log (`--cluster.peer`), with every
// alert routed to one webhook. Timings are shortened so a test sees the cluster's
// deduplication within seconds: an instance at position N in the cluster waits N x
// `peer_timeout` before notifying, and then only if the log shows nobody did.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/closed_port.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace floorwatch::test {

inline constexpr const char* kAlertmanagerBinary = "/usr/bin/prometheus-alertmanager";

inline bool alertmanager_installed() {
  return ::access(kAlertmanagerBinary, X_OK) == 0;
}

/// What the instances are told; defaults suit a test that counts notifications.
struct AlertmanagerSetup {
  /// Where every notification goes (webhook_configs, no resolved notices); empty: nowhere.
  std::string webhook_url;
  std::string group_by = "[alertname, queue, tier]";
  std::string group_wait = "500ms";
  std::string repeat_interval = "1h";  // longer than any test: a second notice is a bug
  std::string peer_timeout = "1s";
};

/// The instances live as long as this object (killed, with their storage, at the end).
class Alertmanagers {
 public:
  /// Starts `count` instances, storage under `dir`, and waits until each listens; with more
  /// than one they form a cluster. Throws std::runtime_error when one does not come up.
  Alertmanagers(const TempDir& dir, int count, const AlertmanagerSetup& setup = {}) {
    const std::string config = dir.write("alertmanager.yml", config_text(setup));
    for (int i = 0; i < count; ++i) {
      web_ports_.push_back(closed_port());
      cluster_ports_.push_back(closed_port());
    }
    for (int i = 0; i < count; ++i) {
      std::vector<std::string> argv{
          kAlertmanagerBinary, "--config.file=" + config,
          "--storage.path=" + dir.file("alertmanager-" + std::to_string(i)),
          "--web.listen-address=127.0.0.1:" + std::to_string(web_ports_[i])};
      add_cluster_flags(argv, i, setup);
      instances_.push_back(std::make_unique<ChildProcess>(argv));
    }
    for (auto& instance : instances_)
      if (!instance->wait_for("Listening", std::chrono::seconds(30)))
        throw std::runtime_error("alertmanager did not start:\n" + instance->output());
  }

  /// http://127.0.0.1:PORT of each instance.
  std::vector<std::string> urls() const {
    std::vector<std::string> urls;
    for (const int port : web_ports_) urls.push_back("http://127.0.0.1:" + std::to_string(port));
    return urls;
  }
  int web_port(std::size_t i) const { return web_ports_.at(i); }
  ChildProcess& instance(std::size_t i) { return *instances_.at(i); }
  /// Every instance's output, for a failing test's message.
  std::string output() {
    std::string all;
    for (auto& instance : instances_) all += instance->output() + "\n----\n";
    return all;
  }

 private:
  static std::string config_text(const AlertmanagerSetup& setup) {
    std::string text = "route:\n  receiver: hook\n  group_by: " + setup.group_by +
                       "\n  group_wait: " + setup.group_wait +
                       "\n  group_interval: 1s\n  repeat_interval: " + setup.repeat_interval +
                       "\nreceivers:\n  - name: hook\n";
    if (!setup.webhook_url.empty())
      text += "    webhook_configs:\n      - url: \"" + setup.webhook_url +
              "\"\n        send_resolved: false\n";
    return text;
  }

  void add_cluster_flags(std::vector<std::string>& argv, int i,
                         const AlertmanagerSetup& setup) const {
    if (cluster_ports_.size() == 1) {
      argv.push_back("--cluster.listen-address=");  // alone: no gossip port
      return;
    }
    argv.push_back("--cluster.listen-address=127.0.0.1:" + std::to_string(cluster_ports_[i]));
    for (std::size_t peer = 0; peer < cluster_ports_.size(); ++peer)
      if (static_cast<int>(peer) != i)
        argv.push_back("--cluster.peer=127.0.0.1:" + std::to_string(cluster_ports_[peer]));
    for (const std::string flag :
         {"--cluster.gossip-interval=50ms", "--cluster.pushpull-interval=1s",
          "--cluster.settle-timeout=2s", "--cluster.probe-interval=200ms"})
      argv.push_back(flag);
    argv.push_back("--cluster.peer-timeout=" + setup.peer_timeout);
  }

  std::vector<int> web_ports_;
  std::vector<int> cluster_ports_;
  std::vector<std::unique_ptr<ChildProcess>> instances_;
};

/// The alerts an instance holds whose labels include `alertname` and `queue`.
inline std::vector<nlohmann::json> alertmanager_alerts(int port, const std::string& alertname,
                                                       const std::string& queue) {
  const auto response = http_get("127.0.0.1", port, "/api/v2/alerts");
  std::vector<nlohmann::json> found;
  if (response.status != 200) return found;
  for (const auto& alert : nlohmann::json::parse(response.body))
    if (alert["labels"].value("alertname", "") == alertname &&
        alert["labels"].value("queue", "") == queue)
      found.push_back(alert);
  return found;
}

}  // namespace floorwatch::test
