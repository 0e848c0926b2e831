// Flood bounds with a real daemon and collector: a collector faster than its byte-rate limit is
// slowed down (frames dropped unread, counted) yet every event arrives exactly once; an
// oversized frame from a raw ZeroMQ peer is dropped and counted, and the daemon carries on.
#include <catch2/catch.hpp>
#include <sstream>
#include <thread>
#include <zmq.hpp>

#include "floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kScenario = {
    "--seed", "11", "--speed", "0", "--start", "2026-11-24T08:00:00Z", "--duration", "40m"};

std::size_t simulated_events() {
  std::vector<std::string> argv{collector_binary(), "simulate", "--output", "jsonl"};
  argv.insert(argv.end(), kScenario.begin(), kScenario.end());
  const auto [status, output] = run_command(argv, 60s);
  REQUIRE(status == 0);
  // Events are the JSON lines; the log lines (stderr, captured too) are not.
  std::size_t events = 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with("{")) ++events;
  return events;
}

}  // namespace

TEST_CASE("a flooding collector is slowed to its byte rate and loses nothing",
          "[integration][ingest_limits]") {
  TempDir dir;
  RunningDaemon daemon(dir, "timezone: UTC\n", "event", "tcp://127.0.0.1:*",
                       "  max_frame_bytes: 16384\n  max_bytes_per_second_per_source: 40000\n");
  const std::size_t expected = simulated_events();
  REQUIRE(expected > 500);

  std::vector<std::string> argv{collector_binary(), "simulate", "--endpoint",   daemon.ingest(),
                                "--source-id",      "flood",    "--batch-size", "50"};
  argv.insert(argv.end(), kScenario.begin(), kScenario.end());
  const auto [status, output] = run_command(argv, 180s);
  INFO(output);
  REQUIRE(status == 0);  // the collector exits 0 only once every event is acknowledged

  const auto samples = daemon.scrape();
  CHECK(find_sample(samples, "floorwatch_events_received_total", {{"source", "flood"}}) ==
        static_cast<double>(expected));
  CHECK(find_sample(samples, "floorwatch_ingest_frames_dropped_total",
                    {{"reason", "rate_limited"}}) > 0.0);
  CHECK(find_sample(samples, "floorwatch_ingest_frames_dropped_total", {{"reason", "oversized"}}) ==
        0.0);
}

TEST_CASE("an oversized frame is dropped unread and counted; the daemon keeps serving",
          "[integration][ingest_limits]") {
  TempDir dir;
  RunningDaemon daemon(dir, "timezone: UTC\n", "event", "tcp://127.0.0.1:*",
                       "  max_frame_bytes: 16384\n");
  zmq::context_t context;
  zmq::socket_t peer(context, zmq::socket_type::dealer);
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(daemon.ingest());
  peer.send(zmq::buffer(std::string(20'000, 'x')), zmq::send_flags::none);

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::optional<double> dropped;
  while (std::chrono::steady_clock::now() < deadline) {
    dropped = find_sample(daemon.scrape(), "floorwatch_ingest_frames_dropped_total",
                          {{"reason", "oversized"}});
    if (dropped == 1.0) break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK(dropped == 1.0);
  REQUIRE(daemon.process().wait_for("ingest frame dropped reason=oversized bytes=20000", 5s));
  // Not decoded at all, so not a malformed event either.
  CHECK(find_sample(daemon.scrape(), "floorwatch_events_rejected_total",
                    {{"reason", "malformed"}}) == 0.0);

  // A normal collector is still served.
  const auto [status, output] =
      send_jsonl(daemon.ingest(),
                 dir.write("one.jsonl", R"({"ts":"2026-11-24T08:00:00Z","type":"call_enqueued",)"
                                        R"("call":"c1","queue":"sales"})"
                                        "\n"));
  REQUIRE(status == 0);
  CHECK(find_sample(daemon.scrape(), "floorwatch_queue_offered_total", {{"queue", "sales"}}) ==
        1.0);
}
