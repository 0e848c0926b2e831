#include "daemon/config.h"

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "daemon/agent_limits_config.h"
#include "yaml_config/reader.h"

#include "floorwatch/core/site_calendar.h"

namespace floorwatch::daemon {
namespace {

using ConfigReader = yaml_config::Reader;

// Reads the per-queue keys shared by `defaults:` and each `queues.NAME:` into `settings`.
// Queue time settings beyond a day make no sense and would overflow milliseconds (found by
// tests/fuzz/config_fuzz.cpp).
constexpr double kLongestQueueSeconds = 86'400;

// `more_keys`: what a group adds to a queue's keys (its members).
void read_queue_settings(const ConfigReader& reader, const YAML::Node& node,
                         const std::string& path, core::QueueSettings& settings,
                         std::map<std::string, ConfigReader::Handler> more_keys = {}) {
  std::map<std::string, ConfigReader::Handler> keys{
      {"answer_target_seconds",
       [&](const YAML::Node& value, const std::string& key) {
         const double seconds = reader.number_value(value, key);
         if (seconds <= 0) reader.fail(value.Mark(), key, "must be greater than 0");
         if (seconds > kLongestQueueSeconds)
           reader.fail(value.Mark(), key, "must be at most 86400 (a day)");
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
         if (seconds > kLongestQueueSeconds)
           reader.fail(value.Mark(), key, "must be at most 86400 (a day)");
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
       }}};
  keys.merge(more_keys);
  reader.for_each_entry(node, path, keys);
}

// `groups.NAME:`: the member queues (configured ones, each once) and the group's own settings,
// which start from `defaults:` like a queue's. A group named like a queue would give two tiles
// and two series sets one name.
core::QueueGroupConfig read_group(const ConfigReader& reader, const YAML::Node& name_node,
                                  const YAML::Node& node, const std::string& path,
                                  const core::FloorConfig& floor) {
  core::QueueGroupConfig group;
  group.settings = floor.defaults;
  bool has_members = false;
  const auto read_members = [&](const YAML::Node& members, const std::string& key) {
    has_members = true;
    group.queues = reader.string_list(members, key);
    if (group.queues.empty()) reader.fail(members.Mark(), key, "must name at least one queue");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < group.queues.size(); ++i) {
      const std::string& queue = group.queues[i];
      const YAML::Mark mark = members.IsSequence() ? members[i].Mark() : members.Mark();
      if (!floor.queues.count(queue))
        reader.fail(mark, key, "\"" + queue + "\" is not a queue under `queues:`");
      if (!seen.insert(queue).second) reader.fail(mark, key, "\"" + queue + "\" is listed twice");
    }
  };
  read_queue_settings(reader, node, path, group.settings, {{"queues", read_members}});
  if (!has_members)
    reader.fail(name_node.Mark(), path + ".queues",
                "required: the member queues, e.g. queues: [support, support_vip]");
  return group;
}

void read_groups(const ConfigReader& reader, const YAML::Node& node, const std::string& path,
                 core::FloorConfig& floor) {
  if (node.IsNull()) return;
  if (!node.IsMap()) reader.fail(node.Mark(), path, "expected a mapping of group names");
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    if (name.empty()) reader.fail(entry.first.Mark(), path, "group name must not be empty");
    if (floor.queues.count(name))
      reader.fail(entry.first.Mark(), path + "." + name,
                  "a group must not have the name of a queue");
    floor.groups[name] = read_group(reader, entry.first, entry.second, path + "." + name, floor);
  }
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
  const YAML::Node root = yaml_config::load_document(yaml_text, file_name);

  DaemonConfig config;
  config.daemon_id = host_name();
  YAML::Node defaults_node;
  YAML::Node queues_node;
  std::string queues_path;
  YAML::Node groups_node;
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
          const auto minutes = static_cast<int>(reader.whole_number(v, k, 1, 1440));
          if (1440 % minutes != 0)
            reader.fail(v.Mark(), k,
                        "must divide a day (1440) evenly, e.g. 15, 30 or 60; got " + v.Scalar());
          config.floor.interval_minutes = minutes;
          interval_node = v;
        }},
       {"ingest",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(
              v, k,
              {{"bind",
                [&](const YAML::Node& b, const std::string& bk) {
                  config.ingest_bind = reader.string_value(b, bk);
                  check_zmq_endpoint(reader, b, bk, config.ingest_bind);
                }},
               {"max_frame_bytes",
                [&](const YAML::Node& b, const std::string& bk) {
                  config.ingest_limits.max_frame_bytes =
                      static_cast<std::size_t>(reader.whole_number(b, bk, 1024, 1LL << 30));
                }},
               {"max_bytes_per_second_per_source", [&](const YAML::Node& b, const std::string& bk) {
                  const double rate = reader.number_value(b, bk);
                  if (rate < 0) reader.fail(b.Mark(), bk, "must not be negative (0: unlimited)");
                  config.ingest_limits.max_bytes_per_second_per_source = rate;
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
          config.alerts = alerts::parse_alerts_config(v, file_name, k);
        }},
       {"state",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(
              v, k,
              {{"path",
                [&](const YAML::Node& p, const std::string& pk) {
                  config.state.path = reader.string_value(p, pk);
                }},
               {"snapshot_interval_seconds",
                [&](const YAML::Node& i, const std::string& ik) {
                  const auto seconds = reader.whole_number(i, ik, 1, 86'400);
                  config.state.snapshot_interval = std::chrono::seconds(seconds);
                }},
               {"history_days",
                [&](const YAML::Node& d, const std::string& dk) {
                  config.state.history_days = static_cast<int>(reader.whole_number(d, dk, 1, 3660));
                }},
               {"fsync", [&](const YAML::Node& f, const std::string& fk) {
                  const std::string text = reader.string_value(f, fk);
                  if (text != "true" && text != "false")
                    reader.fail(f.Mark(), fk, "expected true or false, got \"" + text + "\"");
                  config.state.fsync = text == "true";
                }}});
        }},
       {"security",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(
              v, k, {{"curve", [&](const YAML::Node& c, const std::string& ck) {
                        SecurityConfig& security = config.security;
                        reader.for_each_entry(
                            c, ck,
                            {{"secret_key_file",
                              [&](const YAML::Node& f, const std::string& fk) {
                                security.curve_secret_key_file = reader.string_value(f, fk);
                              }},
                             {"authorized_keys", [&](const YAML::Node& a, const std::string& ak) {
                                security.curve_authorized_keys = reader.string_value(a, ak);
                              }}});
                        // Half a CURVE setup would be plaintext or lock everyone out: say so.
                        if (security.curve_secret_key_file.empty())
                          reader.fail(c.Mark(), ck + ".secret_key_file",
                                      "required with CURVE (the daemon's NAME.key_secret from "
                                      "`floorwatchctl keygen`)");
                        if (security.curve_authorized_keys.empty())
                          reader.fail(c.Mark(), ck + ".authorized_keys",
                                      "required with CURVE (a directory of NAME.key files or a "
                                      "file of `NAME PUBLIC-KEY` lines)");
                      }}});
        }},
       {"ha",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(v, k,
                                {{"peer",
                                  [&](const YAML::Node& p, const std::string& pk) {
                                    config.ha.peer = reader.string_value(p, pk);
                                  }},
                                 {"peer_key_file", [&](const YAML::Node& f, const std::string& fk) {
                                    config.ha.peer_key_file = reader.string_value(f, fk);
                                  }}});
          if (config.ha.peer.empty()) reader.fail(v.Mark(), k + ".peer", "is required");
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
       {"agents",
        [&](const YAML::Node& v, const std::string& k) {
          if (v.IsNull()) return;
          if (!v.IsMap())
            reader.fail(v.Mark(), k,
                        "expected a mapping of agent ids to names, e.g. "
                        "\"SIP/2503\": Maria Lopez");
          for (const auto& entry : v) {
            const std::string id = entry.first.Scalar();
            const std::string key = k + "." + id;
            if (id.empty()) reader.fail(entry.first.Mark(), k, "agent id must not be empty");
            const std::string name = reader.string_value(entry.second, key);
            if (name.empty()) reader.fail(entry.second.Mark(), key, "name must not be empty");
            config.floor.agent_names[id] = name;
          }
        }},
       {"callbacks",
        [&](const YAML::Node& v, const std::string& k) {
          reader.for_each_entry(
              v, k, {{"max_open", [&](const YAML::Node& m, const std::string& mk) {
                        // Above this the worklist is no longer a list a person works through,
                        // and every board's call-back page and the feed carry it whole.
                        config.floor.callbacks_max_open =
                            static_cast<std::size_t>(reader.whole_number(m, mk, 1, 100'000));
                      }}});
        }},
       {"agent_limits",
        [&](const YAML::Node& v, const std::string& k) {
          config.floor.agent_limits = read_agent_limits(reader, v, k);
        }},
       {"defaults", [&](const YAML::Node& v, const std::string&) { defaults_node = v; }},
       {"groups", [&](const YAML::Node& v, const std::string&) { groups_node = v; }},
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
  // After the queues: a group's members must be configured queues.
  if (groups_node) read_groups(reader, groups_node, "groups", config.floor);

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
