// The queue-log source as a user runs it (options parsed by CLI11, a real file, a state file):
// a restart neither resends nor skips a line, only acknowledged lines are remembered, and
// `--backfill today` sends today's lines plus what was still true at the day's start.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "collectors/event_matchers.h"
#include "source.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using namespace std::chrono_literals;
using floorwatch::test::describe;

namespace {

/// Collects events and acknowledges at most `ack_limit` of them, like a daemon that stalls.
/// publish() runs on the source's thread, the test reads from its own.
class AckingSink final : public EventSink {
 public:
  void publish(const core::Event& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  std::optional<std::uint64_t> delivered_events() const override {
    std::lock_guard lock(mutex_);
    return std::min<std::uint64_t>(events_.size(), ack_limit.load());
  }
  std::vector<core::Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::atomic<std::uint64_t> ack_limit{UINT64_MAX};

 private:
  mutable std::mutex mutex_;
  std::vector<core::Event> events_;
};

std::string handwritten_queue_log() {
  std::ifstream in(std::string(FLOORWATCH_SOURCE_DIR) +
                   "/tests/asterisk/data/handwritten_queue_log.txt");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  REQUIRE(!bytes.str().empty());
  return bytes.str();
}

void append(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

std::unique_ptr<Source> make_queue_log(const std::string& arguments) {
  for (const auto& registration : registered_sources()) {
    if (registration.name != "queue-log") continue;
    auto source = registration.make();
    CLI::App command;
    source->add_options(command);
    command.parse(arguments, false);
    return source;
  }
  FAIL("queue-log is not registered");
  return nullptr;
}

// Runs to the end of the file (--no-follow) with every event acknowledged.
int run_to_end(const std::string& arguments, AckingSink& sink) {
  auto source = make_queue_log(arguments + " --no-follow --state-interval-ms 0");
  core::ManualClock clock(core::from_epoch_ms(1'700'000'300'000));
  std::atomic<bool> stop{false};
  SourceContext context{sink, clock, stop};
  return source->run(context);
}

std::vector<std::string> described(const std::vector<core::Event>& events) {
  std::vector<std::string> lines;
  for (const auto& event : events) lines.push_back(describe(event));
  return lines;
}

// The handwritten log's members: ADDMEMBER names interfaces, call lines member names.
const std::string kMembers = " --member-name PJSIP/alice=Alice --member-name PJSIP/bob=Bob";

}  // namespace

SCENARIO("a restarted queue-log collector sends every line's events exactly once",
         "[collectors][queue_log]") {
  floorwatch::test::TempDir dir;
  const std::string log = handwritten_queue_log();
  // Cut after the 20th line: calls are waiting and talking at the cut.
  std::size_t cut = 0;
  for (int line = 0; line < 20; ++line) cut = log.find('\n', cut) + 1;
  const std::string path = dir.file("queue_log");

  AckingSink reference;
  append(dir.file("whole"), log);
  REQUIRE(run_to_end("--from-start --file " + dir.file("whole") + kMembers, reference) == 0);
  const auto expected = described(reference.events());
  REQUIRE(expected.size() > 30);

  GIVEN("a first run that read and delivered the first 20 lines") {
    append(path, log.substr(0, cut));
    const std::string arguments =
        "--from-start --file " + path + " --state-file " + dir.file("state") + kMembers;
    AckingSink first;
    REQUIRE(run_to_end(arguments, first) == 0);
    REQUIRE(std::filesystem::exists(dir.file("state")));

    WHEN("Asterisk writes the rest and the collector starts again with the same options") {
      append(path, log.substr(cut));
      AckingSink second;
      REQUIRE(run_to_end(arguments, second) == 0);

      THEN("the two runs together send what one uninterrupted run sends") {
        // --from-start is ignored on the restart (the state wins), and the second run
        // rebuilt the calls in flight from the first 20 lines without resending them, so a
        // CONNECT after the cut is an answer, not a reconstructed call.
        auto both = described(first.events());
        const auto rest = described(second.events());
        CHECK_FALSE(rest.empty());
        both.insert(both.end(), rest.begin(), rest.end());
        CHECK(both == expected);
      }
    }
  }
}

TEST_CASE("only lines whose events every daemon acknowledged are remembered",
          "[collectors][queue_log]") {
  floorwatch::test::TempDir dir;
  const std::string path = dir.file("queue_log");
  append(path, handwritten_queue_log());
  const std::string arguments =
      "--from-start --file " + path + " --state-file " + dir.file("state") + kMembers;

  AckingSink reference;
  REQUIRE(run_to_end("--from-start --file " + path + kMembers, reference) == 0);
  const auto expected = described(reference.events());

  // The daemon acknowledges 12 events and then stalls; the collector is stopped.
  AckingSink stalled;
  stalled.ack_limit = 12;
  auto source = make_queue_log(arguments + " --poll-interval-ms 1 --state-interval-ms 0");
  core::ManualClock clock(core::from_epoch_ms(1'700'000'300'000));
  std::atomic<bool> stop{false};
  int status = -1;
  std::atomic<bool> finished{false};
  std::thread runner([&] {
    SourceContext context{stalled, clock, stop};
    status = source->run(context);
    finished = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (stalled.events().size() < expected.size() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  stop = true;
  // Time passes for the source's 5 s wait for the last acknowledgements.
  while (!finished) {
    clock.advance(1s);
    std::this_thread::sleep_for(1ms);
  }
  runner.join();
  CHECK(status == 1);  // it says that events were left unacknowledged
  REQUIRE(stalled.events().size() == expected.size());

  // The restart resends exactly the events after the last fully acknowledged line: nothing is
  // skipped, and only unacknowledged events can come twice (at-least-once, per line).
  AckingSink restarted;
  REQUIRE(run_to_end(arguments, restarted) == 0);
  const auto resent = described(restarted.events());
  REQUIRE(resent.size() >= expected.size() - 12);
  const std::size_t kept = expected.size() - resent.size();
  CHECK(kept <= 12);
  CHECK(kept >= 10);  // a line maps to at most 3 events, so at most 2 acked events are resent
  std::vector<std::string> joined(expected.begin(), expected.begin() + kept);
  joined.insert(joined.end(), resent.begin(), resent.end());
  CHECK(joined == expected);
}

TEST_CASE("--backfill today sends today's lines and the floor as it stood at midnight",
          "[collectors][queue_log]") {
  floorwatch::test::TempDir dir;
  const std::string path = dir.file("queue_log");
  // 1700006400 = 2023-11-15T00:00:00Z. y1 came and went yesterday; y2 was waiting at midnight.
  append(path,
         "1700006000|MANAGER|support|Alice|ADDMEMBER|\n"
         "1700006100|y1|support|NONE|ENTERQUEUE||5550001|1\n"
         "1700006110|y1|support|Alice|CONNECT|10|a1|2\n"
         "1700006200|y1|support|Alice|COMPLETECALLER|10|90|1\n"
         "1700006390|y2|support|NONE|ENTERQUEUE||5550002|1\n"
         "1700006420|y2|support|Alice|CONNECT|30|a2|2\n"
         "1700006500|t1|support|NONE|ENTERQUEUE||5550003|1\n"
         "1700006505|t1|support|NONE|ABANDON|1|1|5\n"
         "1700006520|y2|support|Alice|COMPLETEAGENT|30|100|1\n");
  AckingSink sink;
  auto source = make_queue_log("--backfill today --timezone UTC --no-follow --file " + path);
  core::ManualClock clock(core::from_epoch_ms(1'700'010'000'000));  // 01:00 on the 15th
  std::atomic<bool> stop{false};
  SourceContext context{sink, clock, stop};
  REQUIRE(source->run(context) == 0);

  std::vector<std::string> got;
  for (const auto& event : sink.events())
    got.push_back(
        std::string(core::to_string(event.type)) + " " +
        std::to_string(core::to_epoch_ms(event.ts) / 1000) + " " + event.call + event.agent +
        (event.type == core::EventType::AgentState ? " " + std::string(core::to_string(event.state))
                                                   : ""));
  const std::vector<std::string> expected{
      "agent_state 1700006200 Alice available",  // Alice's state at midnight (after y1)
      "call_enqueued 1700006390 y2",             // still waiting at midnight: sent, real time
      "call_answered 1700006420 y2Alice",
      "agent_state 1700006420 Alice busy",
      "call_enqueued 1700006500 t1",
      "call_abandoned 1700006505 t1",
      "call_completed 1700006520 y2",
      "agent_state 1700006520 Alice available",
  };
  CHECK(got == expected);  // y1 (finished yesterday) is not sent at all
}

TEST_CASE("a state file that belongs to nothing readable stops the collector",
          "[collectors][queue_log]") {
  floorwatch::test::TempDir dir;
  append(dir.file("queue_log"), "1700000000|NONE|NONE|NONE|QUEUESTART|\n");
  std::ofstream(dir.file("state")) << "version 7\n";
  AckingSink sink;
  CHECK(run_to_end("--file " + dir.file("queue_log") + " --state-file " + dir.file("state"),
                   sink) == 2);
  CHECK(sink.events().empty());
}

TEST_CASE("started at the end, a stop before the first new line skips nothing on restart",
          "[collectors][queue_log]") {
  floorwatch::test::TempDir dir;
  const std::string path = dir.file("queue_log");
  append(path,
         "1700000000|NONE|NONE|NONE|QUEUESTART|\n"
         "1700000001|MANAGER|support|Alice|ADDMEMBER|\n");
  const std::string arguments = "--file " + path + " --state-file " + dir.file("state");
  AckingSink first;
  REQUIRE(run_to_end(arguments, first) == 0);
  CHECK(first.events().empty());  // history is not sent without --from-start / --backfill

  append(path, "1700000010|1.1|support|NONE|ENTERQUEUE||5550001|1\n");
  AckingSink second;
  REQUIRE(run_to_end(arguments, second) == 0);
  REQUIRE(second.events().size() == 1);
  CHECK(second.events()[0].call == "1.1");
}
