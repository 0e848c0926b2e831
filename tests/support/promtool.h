#pragma once
// Validates an exposition the way Prometheus would take it: Debian's `promtool check metrics`
// on a scrape written to a scratch file.
#include <chrono>
#include <string>
#include <utility>

#include "support/process.h"
#include "support/temp_dir.h"

namespace floorwatch::test {

/// Runs `promtool check metrics` on `text`; returns (exit status, promtool's output).
inline std::pair<int, std::string> promtool_check(const TempDir& dir, const std::string& text) {
  const auto path = dir.write("scrape.prom", text);
  return run_command({"/usr/bin/promtool", "check", "metrics"}, std::chrono::seconds(30), path);
}

}  // namespace floorwatch::test
