// Scrapes read what the loop published and change nothing: with no event and no clock
// movement between them, two scrapes of a real floorwatchd show byte-identical floor series.
#include <catch2/catch.hpp>

#include <sstream>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// The floor's lines of an exposition (the exporter's own scrape counters move with each scrape).
std::string floor_lines(const std::string& exposition) {
  std::istringstream in(exposition);
  std::string line, kept;
  while (std::getline(in, line))
    if (line.rfind("floorwatch_queue_", 0) == 0 || line.rfind("floorwatch_agents", 0) == 0)
      kept += line + "\n";
  return kept;
}

}  // namespace

TEST_CASE("two scrapes with nothing happening between them are byte-identical",
          "[integration][metrics]") {
  TempDir dir;
  RunningDaemon daemon(dir, "queues:\n  sales: {}\n  support: {}\n", "event");
  auto [status, output] =
      run_command({collector_binary(), "simulate", "--endpoint", daemon.ingest(), "--seed", "5",
                   "--speed", "0", "--start", "2026-11-24T08:00:00Z", "--duration", "1h"},
                  60s);
  INFO(output);
  REQUIRE(status == 0);
  const std::string first = floor_lines(daemon.scrape_text());
  REQUIRE(first.find("floorwatch_queue_calls_waiting") != std::string::npos);
  REQUIRE(first.find("floorwatch_queue_agents_required") != std::string::npos);  // Erlang C
  for (int i = 0; i < 5; ++i) CHECK(floor_lines(daemon.scrape_text()) == first);
}
