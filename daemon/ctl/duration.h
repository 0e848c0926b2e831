#pragma once
// Durations as people type them on the command line: "1800", "1800s", "30m", "1h", "1.5h".
#include <optional>
#include <string_view>

namespace floorwatch::ctl {

/// Seconds for a number with an optional unit s, m or h (no unit = seconds). nullopt when the
/// text is not such a duration or is negative.
std::optional<double> parse_duration_seconds(std::string_view text);

}  // namespace floorwatch::ctl
