// The jsonl source as a user runs it: a bad line is named by FILE:LINE, skipped and counted, and
// never stops the rest of the file.
#include <catch2/catch.hpp>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "source.h"
#include "support/captured_log.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using floorwatch::test::CapturedLog;

namespace {

class CollectingSink final : public EventSink {
 public:
  void publish(const core::Event& event) override { events.push_back(event); }
  std::vector<core::Event> events;
};

// One jsonl file in its own scratch directory, removed at the end of the test.
struct TempFile {
  explicit TempFile(const std::string& content) : path(dir.write("events.jsonl", content)) {}
  test::TempDir dir;
  std::string path;
};

int run_jsonl(const std::string& file, CollectingSink& sink) {
  const SourceRegistration* registration = nullptr;
  for (const auto& r : registered_sources())
    if (r.name == "jsonl") registration = &r;
  REQUIRE(registration != nullptr);
  auto source = registration->make();
  CLI::App command;
  source->add_options(command);
  command.parse("--file " + file, false);
  core::ManualClock clock(core::from_epoch_ms(0));
  std::atomic<bool> stop{false};
  SourceContext context{sink, clock, stop};
  return source->run(context);
}

}  // namespace

TEST_CASE("bad lines are named by file and line, skipped, and ingestion goes on",
          "[collectors][jsonl]") {
  const TempFile file(
      R"({"ts":1795510800000,"type":"call_enqueued","call":"c1","queue":"q"})"
      "\n"
      "this is not json\n"
      "\n"  // blank lines are fine
      R"({"ts":"yesterday","type":"call_enqueued","call":"c2","queue":"q"})"
      "\r\n"
      R"({"ts":"2026-11-24T09:00:01Z","type":"call_abandoned","call":"c1"})"  // no final newline
  );
  CapturedLog log;
  CollectingSink sink;
  CHECK(run_jsonl(file.path, sink) == 0);  // bad lines do not make the run fail

  REQUIRE(sink.events.size() == 2);
  CHECK(sink.events[0].call == "c1");
  CHECK(sink.events[1].type == core::EventType::CallAbandoned);
  // 2026-11-24T09:00:01Z = 1795510800000 ms (see canonical_json_test.cpp) + 1 s.
  CHECK(core::to_epoch_ms(sink.events[1].ts) == 1795510801000);
  const std::string text = log.text();
  INFO(text);
  CHECK_THAT(text, Catch::Contains(file.path + ":2: not valid JSON"));
  CHECK_THAT(text, Catch::Contains(file.path + ":4: field \"ts\""));
  CHECK_THAT(text, Catch::Contains("2 bad lines"));
}

TEST_CASE("a flood of bad lines is logged at most 10 a second, with the rest counted",
          "[collectors][jsonl]") {
  std::string content;
  for (int i = 0; i < 500; ++i) content += "garbage\n";
  content += R"({"ts":1,"type":"call_abandoned","call":"last"})"
             "\n";
  const TempFile file(content);
  CapturedLog log;
  CollectingSink sink;
  CHECK(run_jsonl(file.path, sink) == 0);
  REQUIRE(sink.events.size() == 1);
  CHECK(sink.events[0].call == "last");
  const std::string text = log.text();
  std::size_t shown = 0;
  for (std::size_t at = text.find(": not valid JSON"); at != std::string::npos;
       at = text.find(": not valid JSON", at + 1))
    ++shown;
  // The run takes far less than a second, so exactly one window of 10 is shown.
  CHECK(shown == 10);
  CHECK_THAT(text, Catch::Contains("490 more bad lines not shown"));
  CHECK_THAT(text, Catch::Contains("500 bad lines"));
}

TEST_CASE("long lines spanning the read buffer are parsed whole", "[collectors][jsonl]") {
  // A 3 MiB agent id forces the reader to grow its 1 MiB buffer.
  const std::string agent(3 << 20, 'x');
  const TempFile file(R"({"ts":1,"type":"agent_state","state":"busy","agent":")" + agent + "\"}\n" +
                      R"({"ts":2,"type":"call_abandoned","call":"c"})"
                      "\n");
  CollectingSink sink;
  CHECK(run_jsonl(file.path, sink) == 0);
  REQUIRE(sink.events.size() == 2);
  CHECK(sink.events[0].agent == agent);
  CHECK(sink.events[1].call == "c");
}

TEST_CASE("a missing file is an error, not an empty run", "[collectors][jsonl]") {
  CapturedLog log;
  CollectingSink sink;
  CHECK(run_jsonl("/nonexistent/floorwatch.jsonl", sink) != 0);
  CHECK_THAT(log.text(), Catch::Contains("cannot open"));
}
