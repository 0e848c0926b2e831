#pragma once
// `floorwatchctl report --agents`: today per agent (calls handled, AHT, occupancy, time paused
// by reason) as an aligned table or CSV. Pure functions of the `agents` reply
// (docs/control.md).
#include <string>

#include <nlohmann/json.hpp>

namespace floorwatch::ctl {

/// A heading line with the day, a column header and one line per agent.
std::string format_agents_report_table(const nlohmann::json& reply);
/// RFC 4180 CSV with a header row, one row per agent. Seconds and fractions as numbers,
/// absent figures (AHT without calls) empty cells; pauses by reason in one cell,
/// "break=300;lunch=1800".
std::string format_agents_report_csv(const nlohmann::json& reply);

}  // namespace floorwatch::ctl
