// Flood bounds on ingest (daemon/ingest_limits): oversized frames, per-connection byte rate.
#include <catch2/catch.hpp>

#include "daemon/config.h"
#include "daemon/ingest_limits.h"

using namespace floorwatch::daemon;
using Verdict = IngestAdmission::Verdict;
using namespace std::chrono_literals;

TEST_CASE("a frame over max_frame_bytes is refused whatever the rate", "[daemon][ingest_limits]") {
  IngestAdmission admission(IngestLimits{1000, 0});
  const auto now = std::chrono::steady_clock::time_point{} + 1h;
  CHECK(admission.admit("peer", 1000, now) == Verdict::Admit);
  CHECK(admission.admit("peer", 1001, now) == Verdict::Oversized);
  CHECK(admission.tracked_peers() == 0);  // no rate limit: nothing remembered per peer
}

TEST_CASE("each connection gets one second of burst, then its byte rate",
          "[daemon][ingest_limits]") {
  // 10 kB/s, frames up to 2 kB: a burst of 10 kB, then 10 bytes per millisecond.
  IngestAdmission admission(IngestLimits{2000, 10'000});
  const auto start = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) CHECK(admission.admit("collector-a", 2000, start) == Verdict::Admit);
  CHECK(admission.admit("collector-a", 2000, start) == Verdict::RateLimited);
  // Another connection is not slowed down by the first one's flood.
  CHECK(admission.admit("collector-b", 2000, start) == Verdict::Admit);
  // 150 ms later 1500 bytes have come back: not enough for 2000, enough for 1000.
  CHECK(admission.admit("collector-a", 2000, start + 150ms) == Verdict::RateLimited);
  CHECK(admission.admit("collector-a", 1000, start + 150ms) == Verdict::Admit);
  // A long pause refills only up to the burst.
  const auto later = start + 1h;
  for (int i = 0; i < 5; ++i) CHECK(admission.admit("collector-a", 2000, later) == Verdict::Admit);
  CHECK(admission.admit("collector-a", 2000, later) == Verdict::RateLimited);
}

TEST_CASE("a rate below one maximal frame still lets such a frame through",
          "[daemon][ingest_limits]") {
  IngestAdmission admission(IngestLimits{4096, 100});
  const auto now = std::chrono::steady_clock::time_point{} + 1h;
  CHECK(admission.admit("slow", 4096, now) == Verdict::Admit);
  CHECK(admission.admit("slow", 1, now) == Verdict::RateLimited);
}

TEST_CASE("ingest limits are read from the config and checked", "[daemon][ingest_limits][config]") {
  const DaemonConfig config = parse_config(
      "ingest:\n  bind: tcp://127.0.0.1:5570\n  max_frame_bytes: 65536\n"
      "  max_bytes_per_second_per_source: 1e6\n",
      "floorwatch.yaml");
  CHECK(config.ingest_limits.max_frame_bytes == 65536);
  CHECK(config.ingest_limits.max_bytes_per_second_per_source == 1e6);
  CHECK(DaemonConfig{}.ingest_limits.max_bytes_per_second_per_source == 0);
  CHECK_THROWS_WITH(parse_config("ingest:\n  max_frame_bytes: 10\n", "f.yaml"),
                    Catch::Contains("f.yaml:2: ingest.max_frame_bytes: expected a whole number"));
  CHECK_THROWS_WITH(
      parse_config("ingest:\n  max_bytes_per_second_per_source: -1\n", "f.yaml"),
      Catch::Contains("f.yaml:2: ingest.max_bytes_per_second_per_source: must not be negative"));
}
