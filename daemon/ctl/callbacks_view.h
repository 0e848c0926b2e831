#pragma once
// `floorwatchctl callbacks`: the open call-back worklist as a table, a pure function of the
// control socket's `callbacks` reply (docs/control.md).
#include <string>

#include <nlohmann/json.hpp>

namespace floorwatch::ctl {

/// A heading line (open, closed and without-number counts), then one row per open call-back,
/// oldest first: id, caller, queue, attempts, age.
std::string format_callbacks(const nlohmann::json& reply);

}  // namespace floorwatch::ctl
