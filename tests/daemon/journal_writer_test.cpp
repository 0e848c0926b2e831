// The journal writer's news come in its own order, so the loop can apply what was durable before
// a fault while the journal still reads up (the write-ahead promise seen from /metrics).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "daemon/journal_writer.h"
#include "support/temp_dir.h"

using floorwatch::daemon::Journal;
using floorwatch::daemon::JournalWriter;
using namespace std::chrono_literals;

namespace {

/// Every completion and health change until `completions` batches completed, with each change's
/// place counted across takes (completions reported before it).
struct Story {
  std::vector<JournalWriter::Completion> completed;
  std::vector<std::pair<std::size_t, JournalWriter::HealthChange>> changes;
};

Story read_until(JournalWriter& writer, std::size_t completions) {
  Story story;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (story.completed.size() < completions && std::chrono::steady_clock::now() < deadline) {
    JournalWriter::News news = writer.take_news();
    for (const auto& change : news.health)
      story.changes.emplace_back(story.completed.size() + change.completions_before, change);
    story.completed.insert(story.completed.end(), news.completed.begin(), news.completed.end());
    std::this_thread::sleep_for(5ms);
  }
  return story;
}

}  // namespace

TEST_CASE("the writer reports a fault after the frames it made durable before it",
          "[daemon][durability]") {
  floorwatch::test::TempDir dir;
  const std::string path = dir.file("state.db");
  auto journal = std::make_unique<Journal>(Journal::Options{path, false});
  journal->recover();
  zmq::context_t context;
  JournalWriter writer(context, std::move(journal), 0);
  const std::string first = "frame-1", second = "frame-2";

  // The first frame is written, and its completion waits untaken when the file disappears.
  writer.submit({first});
  zmq::pollitem_t readable{writer.done_socket().handle(), 0, ZMQ_POLLIN, 0};
  REQUIRE(zmq::poll(&readable, 1, std::chrono::milliseconds(10'000)) == 1);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  writer.submit({second});

  const Story story = read_until(writer, 2);
  REQUIRE(story.completed.size() == 2);
  CHECK(story.completed[0].durable);
  CHECK_FALSE(story.completed[1].durable);  // it would follow frames no file holds
  REQUIRE(story.changes.size() == 1);
  CHECK(story.changes[0].second.up);
  CHECK(story.changes[0].second.recreated);
  CHECK(story.changes[0].first == 1);  // after the durable frame, before the failed one
  writer.stop();
}
