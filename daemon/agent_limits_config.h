#pragma once
// Reads the daemon config's `agent_limits:` section (time-in-state limits per state and per
// pause reason, docs/configuration.md) into core::AgentLimits, with FILE:LINE errors.
#include <string>

#include <yaml-cpp/yaml.h>

#include "floorwatch/core/agent_limits.h"
#include "yaml_config/reader.h"

namespace floorwatch::daemon {

/// Starts from core::default_agent_limits(): a state named here replaces its default limits
/// (`none` removes them); `pause_reasons:` add overrides for paused agents by reason. Throws
/// yaml_config::ConfigFileError naming the file, line and key.
core::AgentLimits read_agent_limits(const yaml_config::Reader& reader, const YAML::Node& node,
                                    const std::string& path);

}  // namespace floorwatch::daemon
