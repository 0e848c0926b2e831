#include "daemon/agent_limits_config.h"

#include "alerts/rule_config.h"

namespace floorwatch::daemon {
namespace {

// `warning: 15m` / `critical: 20m`: durations as in alert rules ("90s", "3m", a bare number is
// seconds); zero would colour every agent the moment it enters the state.
core::Duration read_limit_duration(const yaml_config::Reader& reader, const YAML::Node& value,
                                   const std::string& key) {
  const std::string text = reader.string_value(value, key);
  const auto duration = alerts::parse_duration(text);
  if (!duration || *duration <= core::Duration::zero())
    reader.fail(value.Mark(), key,
                "expected a duration greater than 0 such as 90s, 15m or 1h, got \"" + text + "\"");
  return *duration;
}

// `{warning: 15m, critical: 20m}`, either may be left out; `none` for no limit at all.
core::AgentLimit read_limit(const yaml_config::Reader& reader, const YAML::Node& node,
                            const std::string& path) {
  core::AgentLimit limit;
  if (node.IsScalar() && node.Scalar() == "none") return limit;
  if (!node.IsMap())
    reader.fail(node.Mark(), path, "expected {warning: DURATION, critical: DURATION} or none");
  reader.for_each_entry(node, path,
                        {{"warning",
                          [&](const YAML::Node& v, const std::string& k) {
                            limit.warning = read_limit_duration(reader, v, k);
                          }},
                         {"critical", [&](const YAML::Node& v, const std::string& k) {
                            limit.critical = read_limit_duration(reader, v, k);
                          }}});
  if (limit.warning && limit.critical && *limit.warning >= *limit.critical)
    reader.fail(node.Mark(), path, "warning must come before critical (shorter)");
  return limit;
}

void read_pause_reasons(const yaml_config::Reader& reader, const YAML::Node& node,
                        const std::string& path, core::AgentLimits& limits) {
  if (node.IsNull()) return;
  if (!node.IsMap())
    reader.fail(node.Mark(), path,
                "expected a mapping of pause reasons, e.g. lunch: {warning: 45m, critical: 60m}");
  for (const auto& entry : node) {
    const std::string reason = entry.first.Scalar();
    if (reason.empty()) reader.fail(entry.first.Mark(), path, "pause reason must not be empty");
    limits.by_pause_reason[reason] = read_limit(reader, entry.second, path + "." + reason);
  }
}

}  // namespace

core::AgentLimits read_agent_limits(const yaml_config::Reader& reader, const YAML::Node& node,
                                    const std::string& path) {
  core::AgentLimits limits = core::default_agent_limits();
  const auto state_limit = [&](core::AgentStatus state) {
    return [&, state](const YAML::Node& v, const std::string& k) {
      limits.by_state[static_cast<std::size_t>(state)] = read_limit(reader, v, k);
    };
  };
  reader.for_each_entry(node, path,
                        {{"available", state_limit(core::AgentStatus::Available)},
                         {"ringing", state_limit(core::AgentStatus::Ringing)},
                         {"busy", state_limit(core::AgentStatus::Busy)},
                         {"wrapup", state_limit(core::AgentStatus::Wrapup)},
                         {"paused", state_limit(core::AgentStatus::Paused)},
                         {"offline", state_limit(core::AgentStatus::Offline)},
                         {"pause_reasons", [&](const YAML::Node& v, const std::string& k) {
                            read_pause_reasons(reader, v, k, limits);
                          }}});
  return limits;
}

}  // namespace floorwatch::daemon
