// The collector's disk spool on real files, alone and behind a DeliveryChannel over real
// ZeroMQ: records come back intact and in order, a restart resumes the same session and seq,
// a torn last record is cut off, and a full spool blocks the producer instead of dropping.
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "collectors/fake_daemon.h"
#include "delivery.h"
#include "spool.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using namespace floorwatch::collectors::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// A scratch directory removed at the end of the test.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (fs::temp_directory_path() / "floorwatch-spool-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// Routes spdlog into memory for the test's lifetime, so a test can read what an operator sees.
class CapturedLog {
 public:
  CapturedLog()
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(200)),
        previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink_));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const {
    std::string all;
    for (const auto& line : sink_->last_formatted()) all += line;
    return all;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

SpoolOptions small_spool(const fs::path& directory) {
  SpoolOptions options;
  options.directory = directory;
  options.max_bytes = 1 << 20;
  options.segment_bytes = 4096;  // many segments, so trimming is visible
  return options;
}

std::string body_of(std::uint64_t seq) {
  return "event body number " + std::to_string(seq);
}

std::vector<SpoolRecord> read_all(Spool& spool) {
  std::vector<SpoolRecord> records;
  SpoolRecord record;
  while (spool.read_next(record)) records.push_back(record);
  return records;
}

std::size_t segment_files(const fs::path& directory) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(directory))
    count += entry.path().extension() == ".seg";
  return count;
}

DeliveryOptions spooled_options(std::string endpoint, const fs::path& root) {
  DeliveryOptions options = test_options(std::move(endpoint));
  options.spool_directory = root.string();
  return options;
}

}  // namespace

TEST_CASE("spooled records read back intact and in order; acked segments are deleted",
          "[collectors][spool]") {
  ScratchDirectory scratch;
  Spool spool(small_spool(scratch.path() / "channel"), 77);
  CHECK(spool.session() == 77);
  CHECK_FALSE(spool.resumed());
  for (std::uint64_t seq = 1; seq <= 1000; ++seq) spool.append(seq, body_of(seq));
  CHECK(spool.last_seq() == 1000);
  CHECK(spool.unacked_records() == 1000);

  const auto records = read_all(spool);
  REQUIRE(records.size() == 1000);
  CHECK(records.front().seq == 1);
  CHECK(records.front().body == body_of(1));
  CHECK(records.back().seq == 1000);
  CHECK(records.back().body == body_of(1000));

  const std::uint64_t bytes_before = spool.bytes_on_disk();
  const std::size_t files_before = segment_files(scratch.path() / "channel");
  REQUIRE(files_before > 5);
  CHECK(spool.acknowledge(600));
  CHECK(spool.acked_seq() == 600);
  CHECK(spool.unacked_records() == 400);
  CHECK(spool.bytes_on_disk() < bytes_before);
  CHECK(segment_files(scratch.path() / "channel") < files_before);

  // The reader can start anywhere after the acked point, across segment boundaries.
  spool.rewind_reader(601);
  const auto rest = read_all(spool);
  REQUIRE(rest.size() == 400);
  CHECK(rest.front().seq == 601);
  CHECK(rest.front().body == body_of(601));
}

TEST_CASE("a reopened spool resumes the same session and seq after the acked watermark",
          "[collectors][spool]") {
  ScratchDirectory scratch;
  const fs::path directory = scratch.path() / "channel";
  {
    Spool spool(small_spool(directory), 1111);
    for (std::uint64_t seq = 1; seq <= 100; ++seq) spool.append(seq, body_of(seq));
    spool.acknowledge(40);
  }  // closing syncs and saves the watermark

  Spool reopened(small_spool(directory), 2222);
  CHECK(reopened.resumed());
  CHECK(reopened.session() == 1111);
  CHECK(reopened.acked_seq() == 40);
  CHECK(reopened.last_seq() == 100);
  CHECK(reopened.resumed_records() == 60);
  const auto records = read_all(reopened);
  REQUIRE(records.size() == 60);
  CHECK(records.front().seq == 41);
  CHECK(records.front().body == body_of(41));
  CHECK(records.back().seq == 100);
  reopened.append(101, body_of(101));  // numbering continues
  CHECK(reopened.last_seq() == 101);
}

TEST_CASE("a reopened spool with everything acknowledged starts a new session at seq 1",
          "[collectors][spool]") {
  ScratchDirectory scratch;
  const fs::path directory = scratch.path() / "channel";
  {
    Spool spool(small_spool(directory), 1111);
    for (std::uint64_t seq = 1; seq <= 50; ++seq) spool.append(seq, body_of(seq));
    spool.acknowledge(50);
  }
  Spool reopened(small_spool(directory), 2222);
  CHECK_FALSE(reopened.resumed());
  CHECK(reopened.session() == 2222);
  CHECK(reopened.last_seq() == 0);
  CHECK(reopened.bytes_on_disk() == 0);
  CHECK(segment_files(directory) == 0);
}

TEST_CASE("a torn last record (crash mid-write) is truncated and logged; the rest survives",
          "[collectors][spool]") {
  ScratchDirectory scratch;
  const fs::path directory = scratch.path() / "channel";
  {
    Spool spool(small_spool(directory), 5);
    for (std::uint64_t seq = 1; seq <= 10; ++seq) spool.append(seq, body_of(seq));
  }
  // The crash: half of record 11 reached the file.
  fs::path last_segment;
  for (const auto& entry : fs::directory_iterator(directory))
    if (entry.path().extension() == ".seg" && entry.path() > last_segment)
      last_segment = entry.path();
  const auto intact_size = fs::file_size(last_segment);
  {
    std::ofstream out(last_segment, std::ios::binary | std::ios::app);
    const std::string half_record(Spool::record_bytes(body_of(11).size()) / 2, '\x07');
    out << half_record;
  }

  CapturedLog log;
  Spool reopened(small_spool(directory), 6);
  CHECK_THAT(log.text(), Catch::Contains("torn last record") && Catch::Contains("truncated"));
  CHECK(fs::file_size(last_segment) == intact_size);
  CHECK(reopened.session() == 5);
  CHECK(reopened.last_seq() == 10);
  const auto records = read_all(reopened);
  REQUIRE(records.size() == 10);
  CHECK(records.back().body == body_of(10));
  reopened.append(11, body_of(11));  // the lost record's number is free again
}

TEST_CASE("a full spool refuses more until acknowledgements delete whole segments",
          "[collectors][spool]") {
  ScratchDirectory scratch;
  SpoolOptions options = small_spool(scratch.path() / "channel");
  options.max_bytes = 16 * 4096;
  Spool spool(options, 9);
  std::uint64_t seq = 0;
  while (spool.has_room_for(body_of(seq + 1).size())) {
    ++seq;
    spool.append(seq, body_of(seq));
  }
  CHECK(seq > 100);
  CHECK(spool.bytes_on_disk() <= options.max_bytes);
  CHECK_FALSE(spool.acknowledge(5));  // part of the first segment: nothing to delete yet
  CHECK_FALSE(spool.has_room_for(body_of(seq + 1).size()));
  CHECK(spool.acknowledge(seq / 2));
  CHECK(spool.has_room_for(body_of(seq + 1).size()));
}

TEST_CASE("a collector restarted on its spool resumes the session and delivers everything once",
          "[collectors][spool][delivery]") {
  ScratchDirectory scratch;
  zmq::context_t context;
  const DeliveryOptions options = spooled_options("inproc://restart", scratch.path());
  std::uint64_t first_session = 0;
  {
    // The daemon is down: 300 events wait in the spool when the collector stops.
    DeliveryChannel channel(context, options);
    for (int i = 1; i <= 300; ++i) channel.publish(call_abandoned(i));
    CHECK_FALSE(channel.flush_and_wait(200ms));
    first_session = channel.session();
  }

  FakeDaemon daemon(context, "inproc://restart");
  DeliveryChannel restarted(context, options);
  CHECK(restarted.session() == first_session);
  CHECK(restarted.unacked_events() == 300);
  for (int i = 301; i <= 350; ++i) restarted.publish(call_abandoned(i));
  REQUIRE(restarted.flush_and_wait(10s));

  CHECK(daemon.applied_seqs() == one_to(350));
  std::vector<std::string> expected_calls;
  for (int i = 1; i <= 350; ++i) expected_calls.push_back("c" + std::to_string(i));
  CHECK(daemon.applied_calls() == expected_calls);
  CHECK(daemon.applied_sessions() == std::vector<std::uint64_t>(350, first_session));
  const DeliveryCounters counters = restarted.counters();
  CHECK(counters.events_resumed == 300);
  CHECK(counters.events_published == 50);
  CHECK(counters.spool_records == 0);
}

TEST_CASE("events the daemon applied but never acknowledged are resent and dropped as duplicates",
          "[collectors][spool][delivery]") {
  ScratchDirectory scratch;
  zmq::context_t context;
  FakeDaemon daemon(context, "inproc://unacked");
  const DeliveryOptions options = spooled_options("inproc://unacked", scratch.path());
  {
    DeliveryChannel channel(context, options);
    for (int i = 1; i <= 200; ++i) channel.publish(call_abandoned(i));
    REQUIRE(channel.flush_and_wait(10s));
    daemon.hold_acks(true);  // the daemon applies the next 100 but its acks never arrive
    for (int i = 201; i <= 300; ++i) channel.publish(call_abandoned(i));
    for (int i = 0; i < 200 && daemon.applied_seqs().size() < 300; ++i)
      std::this_thread::sleep_for(10ms);
    REQUIRE(daemon.applied_seqs().size() == 300);
    CHECK(channel.unacked_events() == 100);
  }
  daemon.hold_acks(false);
  const int duplicates_before = daemon.duplicates();

  DeliveryChannel restarted(context, options);
  for (int i = 301; i <= 320; ++i) restarted.publish(call_abandoned(i));
  REQUIRE(restarted.flush_and_wait(10s));
  CHECK(daemon.applied_seqs() == one_to(320));  // nothing doubled, nothing lost
  // The daemon's first ack told the restarted channel where it stood: nothing was resent.
  CHECK(daemon.duplicates() == duplicates_before);
  CHECK(restarted.counters().events_resumed == 100);
}

TEST_CASE("memory keeps a window; the backlog beyond it is read back from the spool",
          "[collectors][spool][delivery]") {
  ScratchDirectory scratch;
  zmq::context_t context;
  DeliveryOptions options = spooled_options("inproc://window", scratch.path());
  options.max_unacked_events = 50;
  DeliveryChannel channel(context, options);
  for (int i = 1; i <= 2000; ++i) channel.publish(call_abandoned(i));  // never blocks
  CHECK(channel.counters().producer_blocked == 0);
  CHECK(channel.unacked_events() == 2000);

  FakeDaemon daemon(context, "inproc://window");
  REQUIRE(channel.flush_and_wait(20s));
  CHECK(daemon.applied_seqs() == one_to(2000));
  CHECK(channel.counters().events_read_back >= 1950);
}

TEST_CASE("a full spool blocks the producer (counted) until the daemon acknowledges",
          "[collectors][spool][delivery]") {
  ScratchDirectory scratch;
  zmq::context_t context;
  DeliveryOptions options = spooled_options("inproc://full", scratch.path());
  options.spool_max_bytes = 64 << 10;
  options.max_unacked_events = 100;
  DeliveryChannel channel(context, options);

  std::atomic<int> published{0};
  std::thread producer([&] {
    for (int i = 1; i <= 5000; ++i) {
      channel.publish(call_abandoned(i));
      ++published;
    }
  });
  for (int i = 0; i < 300 && channel.counters().producer_blocked == 0; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(channel.counters().producer_blocked == 1);
  const int stuck_at = published.load();
  CHECK(stuck_at < 5000);
  std::this_thread::sleep_for(100ms);
  CHECK(published.load() == stuck_at);  // still waiting, nothing dropped
  CHECK(channel.counters().spool_bytes <= options.spool_max_bytes);

  FakeDaemon daemon(context, "inproc://full");
  producer.join();
  REQUIRE(channel.flush_and_wait(20s));
  CHECK(daemon.applied_seqs() == one_to(5000));
}

TEST_CASE("a daemon that forgets the stream gets the spooled rest renumbered in a new session",
          "[collectors][spool][delivery]") {
  ScratchDirectory scratch;
  zmq::context_t context;
  FakeDaemon daemon(context, "inproc://amnesia-spool");
  DeliveryOptions options = spooled_options("inproc://amnesia-spool", scratch.path());
  options.max_unacked_events = 20;
  DeliveryChannel channel(context, options);
  for (int i = 1; i <= 100; ++i) channel.publish(call_abandoned(i));
  REQUIRE(channel.flush_and_wait(10s));
  const std::uint64_t first_session = channel.session();

  daemon.forget_streams();
  for (int i = 101; i <= 250; ++i) channel.publish(call_abandoned(i));
  REQUIRE(channel.flush_and_wait(10s));
  CHECK(channel.session() != first_session);
  CHECK(channel.counters().session_restarts == 1);
  std::vector<std::string> expected_calls;
  for (int i = 1; i <= 250; ++i) expected_calls.push_back("c" + std::to_string(i));
  CHECK(daemon.applied_calls() == expected_calls);
  auto expected_seqs = one_to(100);
  for (std::uint64_t seq : one_to(150)) expected_seqs.push_back(seq);
  CHECK(daemon.applied_seqs() == expected_seqs);
}
