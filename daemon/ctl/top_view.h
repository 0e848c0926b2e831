#pragma once
// `floorwatchctl top`: the live floor table, drawn from a control-socket snapshot. The view is
// a pure function of the snapshot JSON (docs/control.md).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace floorwatch::ctl {

/// "mm:ss" (or "h:mm:ss" from an hour up); "-" for null.
std::string format_wait(const nlohmann::json& seconds);
/// "87.5%"; "-" for null (no calls to measure yet).
std::string format_percent(const nlohmann::json& ratio);

/// One heading line, a column header and a row per queue; then, when the daemon has `groups:`,
/// a header and a row per group (service level with its formula's numerator/denominator).
std::string render_top(const nlohmann::json& snapshot);

}  // namespace floorwatch::ctl
