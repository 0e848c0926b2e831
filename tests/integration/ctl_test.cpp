// floorwatchctl as a supervisor or engineer uses it.
#include <catch2/catch.hpp>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

TEST_CASE("floorwatchctl erlang reproduces the Erlang C reference table", "[integration]") {
  // Reference (R ErlangC package): 100 calls / 30 min, AHT 180 s, 80/20 needs 14 agents;
  // N=13 gives SL 0.7956, N=14 gives 0.8884 with ASA 7.84 s.
  auto [status, output] =
      run_command({ctl_binary(), "erlang", "--calls", "100", "--period", "30m", "--aht", "180",
                   "--answer-target", "20", "--service-level", "0.8", "--json"},
                  10s);
  INFO(output);
  REQUIRE(status == 0);
  CHECK(output.find("\"agents_required\": 14") != std::string::npos);
  CHECK(output.find("0.8883") != std::string::npos);
  CHECK(output.find("0.7955") != std::string::npos);
}

TEST_CASE("floorwatchctl top shows every queue of a live daemon", "[integration]") {
  TempDir dir;
  RunningDaemon daemon(dir, "queues:\n  sales: {}\n  support: {}\n");
  const auto file = dir.write(
      "one.jsonl", R"({"ts":1795510800000,"type":"call_enqueued","call":"c1","queue":"sales"})"
                   "\n");
  REQUIRE(send_jsonl(daemon.ingest(), file).first == 0);
  auto [status, output] =
      run_command({ctl_binary(), "top", "--control", daemon.control(), "--once"}, 10s);
  INFO(output);
  REQUIRE(status == 0);
  CHECK(output.find("sales") != std::string::npos);
  CHECK(output.find("support") != std::string::npos);
}

TEST_CASE("floorwatchctl names the endpoint when no daemon answers", "[integration]") {
  auto [status, output] =
      run_command({ctl_binary(), "top", "--control", "tcp://127.0.0.1:1", "--once"}, 20s);
  CHECK(status != 0);
  CHECK(output.find("tcp://127.0.0.1:1") != std::string::npos);
}
