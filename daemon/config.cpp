#include "daemon/config.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "floorwatch/core/site_calendar.h"

namespace floorwatch::daemon {
namespace {

// Wraps one YAML document with the file name so every error can say FILE:LINE: key: problem.
class ConfigReader {
 public:
  explicit ConfigReader(std::string file_name) : file_name_(std::move(file_name)) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key,
                         const std::string& problem) const {
    std::ostringstream message;
    message << file_name_;
    // yaml-cpp lines are 0-based; editors count from 1. A null mark has line -1.
    if (mark.line >= 0) message << ':' << (mark.line + 1);
    message << ": " << key << ": " << problem;
    throw ConfigError(message.str());
  }

  // Visits each entry of a mapping; unknown keys are errors naming the allowed ones.
  void for_each_entry(
      const YAML::Node& map, const std::string& path,
      const std::map<std::string, std::function<void(const YAML::Node&, const std::string&)>>& keys)
      const {
    if (map.IsNull()) return;
    if (!map.IsMap()) fail(map.Mark(), path.empty() ? "(top level)" : path, "expected a mapping");
    for (const auto& entry : map) {
      const std::string name = entry.first.Scalar();
      const std::string key_path = path.empty() ? name : path + "." + name;
      auto handler = keys.find(name);
      if (handler == keys.end()) {
        std::string allowed;
        for (const auto& [known, unused] : keys) allowed += (allowed.empty() ? "" : ", ") + known;
        fail(entry.first.Mark(), key_path, "unknown key (allowed: " + allowed + ")");
      }
      handler->second(entry.second, key_path);
    }
  }

  std::string string_value(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node.Mark(), key, "expected a string");
    if (node.Scalar().empty()) fail(node.Mark(), key, "must not be empty");
    return node.Scalar();
  }

  double number_value(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node.Mark(), key, "expected a number");
    const std::string& text = node.Scalar();
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
      fail(node.Mark(), key, "expected a number, got \"" + text + "\"");
    return value;
  }

  int integer_value(const YAML::Node& node, const std::string& key) const {
    const double value = number_value(node, key);
    if (value != std::floor(value) || std::abs(value) > std::numeric_limits<int>::max())
      fail(node.Mark(), key, "expected a whole number, got \"" + node.Scalar() + "\"");
    return static_cast<int>(value);
  }

 private:
  std::string file_name_;
};

// Reads the per-queue keys shared by `defaults:` and each `queues.NAME:` into `settings`.
void read_queue_settings(const ConfigReader& reader, const YAML::Node& node,
                         const std::string& path, core::QueueSettings& settings) {
  reader.for_each_entry(
      node, path,
      {{"answer_target_seconds",
        [&](const YAML::Node& value, const std::string& key) {
          const double seconds = reader.number_value(value, key);
          if (seconds <= 0) reader.fail(value.Mark(), key, "must be greater than 0");
          settings.answer_target = core::seconds_to_duration(seconds);
        }},
       {"service_level_target",
        [&](const YAML::Node& value, const std::string& key) {
          const double target = reader.number_value(value, key);
          if (!(target > 0 && target <= 1))
            reader.fail(value.Mark(), key, "must be a fraction in (0, 1], e.g. 0.8 for 80%");
          settings.service_level_target = target;
        }},
       {"short_abandon_seconds",
        [&](const YAML::Node& value, const std::string& key) {
          const double seconds = reader.number_value(value, key);
          if (seconds < 0) reader.fail(value.Mark(), key, "must not be negative");
          settings.short_abandon = core::seconds_to_duration(seconds);
        }},
       {"service_level_formula",
        [&](const YAML::Node& value, const std::string& key) {
          const std::string text = reader.string_value(value, key);
          auto formula = core::parse_service_level_formula(text);
          if (!formula)
            reader.fail(value.Mark(), key,
                        "unknown formula \"" + text +
                            "\" (allowed: answered_only, abandons_positive, abandons_negative, "
                            "abandons_ignored, short_abandons_excluded)");
          settings.formula = *formula;
        }},
       {"channel", [&](const YAML::Node& value, const std::string& key) {
          const std::string text = reader.string_value(value, key);
          auto channel = core::parse_channel(text);
          if (!channel)
            reader.fail(value.Mark(), key,
                        "unknown channel \"" + text + "\" (allowed: voice, chat, email, callback)");
          settings.channel = *channel;
        }}});
}

void check_zmq_endpoint(const ConfigReader& reader, const YAML::Node& node, const std::string& key,
                        const std::string& endpoint) {
  if (endpoint.find("://") == std::string::npos)
    reader.fail(
        node.Mark(), key,
        "expected a ZeroMQ endpoint such as tcp://127.0.0.1:5570, got \"" + endpoint + "\"");
}

}  // namespace

DaemonConfig parse_config(const std::string& yaml_text, const std::string& file_name) {
  const ConfigReader reader(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& error) {
    reader.fail(error.mark, "(syntax)", error.msg);
  }

  DaemonConfig config;
  config.daemon_id = host_name();
  YAML::Node defaults_node;
  YAML::Node queues_node;
  std::string queues_path;
  YAML::Node timezone_node;
  YAML::Node interval_node;

  reader.for_each_entry(
      root, "",
      {{"site", [&](const YAML::Node& v,
                    const std::string& k) { config.site = reader.string_value(v, k); }},
       {"daemon_id", [&](const YAML::Node& v,
                         const std::string& k) { config.daemon_id = reader.string_value(v, k); }},
       {"timezone",
        [&](const YAML::Node& v, const std::string& k) {
          config.floor.time_zone = reader.string_value(v, k);
          timezone_node = v;
        }},
       {"day_starts_at",
        [&](const YAML::Node& v, const std::string& k) {
          const int minutes = core::parse_time_of_day(reader.string_value(v, k));
          if (minutes < 0 || minutes >= 24 * 60)
            reader.fail(v.Mark(), k, "expected a local time HH:MM, got \"" + v.Scalar() + "\"");
          config.floor.day_start_minutes = minutes;
        }},
       {"interval_minutes",
        [&](const YAML::Node& v, const std::string& k) {
          const int minutes = reader.integer_value(v, k);
          if (minutes < 1 || minutes > 1440 || 1440 % minutes != 0)
            reader.fail(v.Mark(), k,
                        "must divide a day (1440) evenly, e.g. 15, 30 or 60; got " + v.Scalar());
          config.floor.interval_minutes = minutes;
          interval_node = v;
        }},
       {"ingest",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(v, k, {{"bind", [&](const YAML::Node& b, const std::string& bk) {
                                          config.ingest_bind = reader.string_value(b, bk);
                                          check_zmq_endpoint(reader, b, bk, config.ingest_bind);
                                        }}});
        }},
       {"control",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(v, k, {{"bind", [&](const YAML::Node& b, const std::string& bk) {
                                          config.control_bind = reader.string_value(b, bk);
                                          check_zmq_endpoint(reader, b, bk, config.control_bind);
                                        }}});
        }},
       {"feed",
        [&](const YAML::Node& v, const std::string& k) {
          auto endpoint = [&](std::string& target) {
            return [&](const YAML::Node& e, const std::string& ek) {
              target = reader.string_value(e, ek);
              check_zmq_endpoint(reader, e, ek, target);
            };
          };
          reader.for_each_entry(
              v, k,
              {{"bind", endpoint(config.feed_bind)}, {"publish", endpoint(config.feed_publish)}});
        }},
       {"alerts",
        [&](const YAML::Node& v, const std::string& k) {
          try {
            config.alerts = alerts::parse_alerts_config(v, file_name, k);
          } catch (const alerts::AlertConfigError& error) {
            throw ConfigError(error.what());
          }
        }},
       {"state",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(v, k,
                                {{"path",
                                  [&](const YAML::Node& p, const std::string& pk) {
                                    config.state.path = reader.string_value(p, pk);
                                  }},
                                 {"snapshot_interval_seconds",
                                  [&](const YAML::Node& i, const std::string& ik) {
                                    const int seconds = reader.integer_value(i, ik);
                                    if (seconds < 1)
                                      reader.fail(i.Mark(), ik, "must be at least 1");
                                    config.state.snapshot_interval = std::chrono::seconds(seconds);
                                  }},
                                 {"fsync", [&](const YAML::Node& f, const std::string& fk) {
                                    const std::string text = reader.string_value(f, fk);
                                    if (text != "true" && text != "false")
                                      reader.fail(f.Mark(), fk,
                                                  "expected true or false, got \"" + text + "\"");
                                    config.state.fsync = text == "true";
                                  }}});
        }},
       // Read by floorwatch-wallboard (wallboard/README.md); the daemon only checks the shape.
       {"boards",
        [&](const YAML::Node& v, const std::string& k) {
          if (!v.IsNull() && !v.IsMap())
            reader.fail(v.Mark(), k, "expected a mapping of board names");
        }},
       {"metrics",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(
              v, k, {{"listen", [&](const YAML::Node& l, const std::string& lk) {
                        config.metrics_listen = reader.string_value(l, lk);
                        const auto colon = config.metrics_listen.rfind(':');
                        int port = -1;
                        if (colon != std::string::npos) {
                          const char* first = config.metrics_listen.data() + colon + 1;
                          const char* last =
                              config.metrics_listen.data() + config.metrics_listen.size();
                          auto [end, error] = std::from_chars(first, last, port);
                          if (error != std::errc() || end != last || first == last) port = -1;
                        }
                        if (colon == 0 || port < 0 || port > 65535)
                          reader.fail(l.Mark(), lk,
                                      "expected HOST:PORT such as "
                                      "127.0.0.1:9464 (port 0: any free port), "
                                      "got \"" +
                                          config.metrics_listen + "\"");
                      }}});
        }},
       {"defaults", [&](const YAML::Node& v, const std::string&) { defaults_node = v; }},
       {"queues", [&](const YAML::Node& v, const std::string& k) {
          queues_node = v;
          queues_path = k;
        }}});

  // Defaults first, whatever the key order in the file: queues fall back to them.
  if (defaults_node) read_queue_settings(reader, defaults_node, "defaults", config.floor.defaults);
  if (queues_node && !queues_node.IsNull()) {
    if (!queues_node.IsMap())
      reader.fail(queues_node.Mark(), queues_path, "expected a mapping of queue names");
    for (const auto& entry : queues_node) {
      const std::string name = entry.first.Scalar();
      if (name.empty())
        reader.fail(entry.first.Mark(), queues_path, "queue name must not be empty");
      core::QueueSettings settings = config.floor.defaults;
      read_queue_settings(reader, entry.second, queues_path + "." + name, settings);
      config.floor.queues[name] = settings;
    }
  }

  // The engine's own calendar decides what a valid zone is (IANA database via date-tz).
  try {
    core::SiteCalendar calendar(config.floor.time_zone, config.floor.day_start_minutes,
                                config.floor.interval_minutes);
  } catch (const std::exception& error) {
    if (timezone_node)
      reader.fail(timezone_node.Mark(), "timezone",
                  "unknown time zone \"" + config.floor.time_zone +
                      "\" (expected an IANA name such as Europe/Stockholm): " + error.what());
    reader.fail(interval_node ? interval_node.Mark() : YAML::Mark::null_mark(), "interval_minutes",
                error.what());
  }
  return config;
}

DaemonConfig load_config(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw ConfigError(path + ": cannot read the file");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_config(text.str(), path);
}

std::string host_name() {
  char buffer[256] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "localhost";
  return buffer;
}

}  // namespace floorwatch::daemon
