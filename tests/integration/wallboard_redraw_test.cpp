// The board redraws only what changed (wallboard/partial_redraw.*): under Xvfb with Mesa's
// software GL, against a real floorwatchd whose floor changes a little at a time, the screen
// built from partial frames must equal the same frame drawn whole, pixel for pixel. The board
// checks that itself when it takes its screenshot (`redraw check: … differing_pixels=N`).
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <thread>

#include "integration/wallboard_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// Batch `i` of a floor that keeps moving: agents change state (rows re-colour, re-sort and their
// clocks restart), callers queue and are answered or hang up (tiles, counts, service levels).
std::string batch(int i) {
  const long t0 = 1795510800000 + 7000L * i;
  auto at = [&](int ms) { return std::to_string(t0 + ms); };
  const std::string agent = "agent-" + std::to_string(i % 5);
  static const char* const kStates[] = {
      R"("state":"paused","reason":"lunch")", R"("state":"available")",
      R"("state":"paused","reason":"break")", R"("state":"busy")", R"("state":"wrapup")"};
  const std::string queue = i % 2 == 0 ? "sales" : "support";
  const std::string call = "c" + std::to_string(i);
  std::string lines = R"({"ts":)" + at(0) + R"(,"type":"agent_state","agent":")" + agent + R"(",)" +
                      kStates[(i / 5 + i) % 5] + R"(,"queues":["sales","support"]})" + "\n";
  lines += R"({"ts":)" + at(100) + R"(,"type":"call_enqueued","call":")" + call + R"(","queue":")" +
           queue + R"(","caller":"+4670000)" + std::to_string(1000 + i) + "\"}\n";
  if (i % 3 == 1)
    lines += R"({"ts":)" + at(900) + R"(,"type":"call_abandoned","call":")" + call + "\"}\n";
  return lines;
}

}  // namespace

TEST_CASE("a board drawing only what changed shows what a whole redraw shows",
          "[integration][wallboard][redraw]") {
  for (const char* page : {"agents", "queues"}) {
    DYNAMIC_SECTION(page << " page") {
      Xvfb x;
      TempDir dir;
      RunningDaemon daemon(dir, kQueues);
      REQUIRE(send_jsonl(daemon.ingest(), dir.write("start.jsonl", batch(0))).first == 0);

      const std::string png = dir.file("board.png");
      std::vector<std::string> argv = wallboard_command(x, daemon, png, {"--after-updates", "12"});
      *std::find(argv.begin(), argv.end(), "queues") = page;
      ChildProcess board(argv);
      REQUIRE(board.wait_for("state=live", 30s));
      // One batch at a time, each a delta of its own, until the board has taken its screenshot.
      for (int i = 1; i < 40 && board.running(); ++i) {
        const auto [status, output] =
            send_jsonl(daemon.ingest(), dir.write("batch.jsonl", batch(i)));
        INFO(output);
        REQUIRE(status == 0);
        std::this_thread::sleep_for(50ms);
      }
      REQUIRE(board.wait_exit(30s) == 0);
      const std::string output = board.output();
      INFO(output);
      std::smatch check;
      REQUIRE(std::regex_search(output, check,
                                std::regex(R"(redraw check: mode=partial \([a-z ]+\) frames=(\d+) )"
                                           R"(partial_frames=(\d+) differing_pixels=(\d+))")));
      // Most frames were drawn in part (the first is whole), and none left a stale pixel.
      CHECK(std::stol(check[2]) >= 8);
      CHECK(std::stol(check[3]) == 0);
    }
  }
}
#endif
