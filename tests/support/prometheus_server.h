#pragma once
// A real Prometheus server (Debian's /usr/bin/prometheus) for tests of the rules and of what a
// central Prometheus sees: its own config and scratch storage, loopback only, queried over its
// HTTP API like Grafana does.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace floorwatch::test {

/// `text` percent-encoded for a URL query value.
inline std::string url_encode(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

/// A running Prometheus on 127.0.0.1:`port` with `config_yaml` as its config file, storing in
/// a subdirectory `name` of `dir`. Killed on destruction. Not thread-safe.
class RunningPrometheus {
 public:
  RunningPrometheus(const TempDir& dir, const std::string& name, const std::string& config_yaml,
                    int port)
      : port_(port) {
    const std::string config = dir.write(name + ".yml", config_yaml);
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        "/usr/bin/prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + dir.file(name + "-data"),
        "--web.listen-address=127.0.0.1:" + std::to_string(port), "--log.level=warn"});
    const bool ready = wait_until(
        [&] {
          if (!process_->running())
            throw std::runtime_error("prometheus " + name + " exited:\n" + process_->output());
          try {
            return http_get("127.0.0.1", port_, "/-/ready").status == 200;
          } catch (const std::exception&) {
            return false;  // not listening yet
          }
        },
        std::chrono::seconds(20), std::chrono::milliseconds(100));
    if (!ready)
      throw std::runtime_error("prometheus " + name + " did not start:\n" + process_->output());
  }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return *process_; }

  /// The `data.result` of an instant query at the server's now (a JSON array).
  nlohmann::json query(const std::string& promql) const {
    const auto response = http_get("127.0.0.1", port_, "/api/v1/query?query=" + url_encode(promql));
    const auto body = nlohmann::json::parse(response.body);
    if (response.status != 200 || body.value("status", "") != "success")
      throw std::runtime_error("query " + promql + " failed: " + response.body);
    return body["data"]["result"];
  }

  /// The value of a query that gives one sample; nullopt when it gives none (yet).
  std::optional<double> value(const std::string& promql) const {
    const auto result = query(promql);
    if (result.size() != 1) return std::nullopt;
    return std::stod(result[0]["value"][1].get<std::string>());
  }

 private:
  int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace floorwatch::test
