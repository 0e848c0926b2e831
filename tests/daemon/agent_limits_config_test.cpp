// `agent_limits:` in floorwatchd's config: defaults, per-state and per-reason limits, and each
// mistake reported as FILE:LINE: key: problem.
#include <catch2/catch.hpp>

#include "daemon/config.h"

using floorwatch::daemon::ConfigError;
using floorwatch::daemon::parse_config;
using namespace floorwatch::core;
using namespace std::chrono_literals;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "site.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

const AgentLimit& limit_of(const AgentLimits& limits, AgentStatus state) {
  return limits.by_state[static_cast<std::size_t>(state)];
}

}  // namespace

TEST_CASE("without agent_limits: the documented defaults", "[daemon][config][agent_limits]") {
  const auto limits = parse_config("", "site.yaml").floor.agent_limits;
  CHECK(limits == default_agent_limits());
  CHECK(limit_of(limits, AgentStatus::Paused) == AgentLimit{15min, 20min});
  CHECK(limit_of(limits, AgentStatus::Ringing) == AgentLimit{20s, 30s});
  CHECK(limit_of(limits, AgentStatus::Wrapup) == AgentLimit{2min, 3min});
  CHECK(limit_of(limits, AgentStatus::Busy) == AgentLimit{});
}

TEST_CASE("agent_limits: per state, none, and per pause reason", "[daemon][config][agent_limits]") {
  const auto limits = parse_config(R"(agent_limits:
  paused: {warning: 10m, critical: 25m}
  wrapup: none
  busy: {critical: 1h}
  pause_reasons:
    lunch: {warning: 45m, critical: 60m}
    training: {warning: 90}
)",
                                   "site.yaml")
                          .floor.agent_limits;
  CHECK(limit_of(limits, AgentStatus::Paused) == AgentLimit{10min, 25min});
  CHECK(limit_of(limits, AgentStatus::Wrapup) == AgentLimit{});
  CHECK(limit_of(limits, AgentStatus::Busy) == AgentLimit{std::nullopt, 1h});
  CHECK(limit_of(limits, AgentStatus::Ringing) == AgentLimit{20s, 30s});  // default kept
  CHECK(limits.limit_for(AgentStatus::Paused, "lunch") == AgentLimit{45min, 60min});
  CHECK(limits.limit_for(AgentStatus::Paused, "training") == AgentLimit{90s, std::nullopt});
  CHECK(limits.limit_for(AgentStatus::Paused, "break") == AgentLimit{10min, 25min});
}

TEST_CASE("agent_limits mistakes name the file, the line and the key",
          "[daemon][config][agent_limits]") {
  auto [yaml, expected_prefix, expected_words] =
      GENERATE(table<std::string, std::string, std::string>({
          {"agent_limits:\n  pasued: {warning: 1m}\n",
           "site.yaml:2: agent_limits.pasued:", "unknown key"},
          {"agent_limits:\n  paused: {warning: soon}\n",
           "site.yaml:2: agent_limits.paused.warning:", "expected a duration"},
          {"agent_limits:\n  paused: {critical: 0s}\n",
           "site.yaml:2: agent_limits.paused.critical:", "greater than 0"},
          {"agent_limits:\n  paused:\n    warning: 20m\n    critical: 15m\n",
           "site.yaml:3: agent_limits.paused:", "warning must come before critical"},
          {"agent_limits:\n  ringing: 20s\n",
           "site.yaml:2: agent_limits.ringing:", "{warning: DURATION, critical: DURATION}"},
          {"agent_limits:\n  pause_reasons: [lunch]\n",
           "site.yaml:2: agent_limits.pause_reasons:", "mapping of pause reasons"},
          {"agent_limits:\n  pause_reasons:\n    lunch: {critical: 1h, amber: 45m}\n",
           "site.yaml:3: agent_limits.pause_reasons.lunch.amber:", "unknown key"},
      }));
  const std::string message = error_of(yaml);
  INFO("yaml:\n" << yaml << "message: " << message);
  CHECK(message.rfind(expected_prefix, 0) == 0);
  CHECK(message.find(expected_words) != std::string::npos);
}
