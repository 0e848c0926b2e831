// The collector's disk spool on real files, alone and behind a DeliveryChannel over real
// ZeroMQ: records come back intact and in order, a restart resumes the same session and seq,
// a torn last record is cut off, and a full spool blocks the producer instead of dropping.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "collectors/fake_daemon.h"
#include "delivery.h"
#include "spool.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using namespace floorwatch::collectors::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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

  DeliveryChannel restarted(context, options);
  CHECK(restarted.session() == first_session);
  CHECK(restarted.unacked_events() == 300);  // checked before a daemon can acknowledge them
  FakeDaemon daemon(context, "inproc://restart");
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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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
  floorwatch::test::TempDir scratch;
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

namespace {

/// The spool's segment files, oldest first.
std::vector<fs::path> segment_paths(const fs::path& directory) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(directory))
    if (entry.path().extension() == ".seg") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  return paths;
}

/// Flips one byte at `offset`: bit rot, a bad sector, a stray write, not a crash pattern.
void flip_byte(const fs::path& file, std::uint64_t offset) {
  std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
  io.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  io.get(byte);
  io.seekp(static_cast<std::streamoff>(offset));
  io.put(static_cast<char>(byte ^ 0x5a));
}

std::uint64_t first_seq_of(const fs::path& segment) {
  return std::stoull(segment.stem().string());
}

/// Byte offset of record `seq` in the segment starting at `first_seq` (the test's own events).
std::uint64_t channel_record_offset(std::uint64_t first_seq, std::uint64_t seq) {
  std::uint64_t offset = 0;
  for (std::uint64_t s = first_seq; s < seq; ++s)
    offset +=
        Spool::record_bytes(wire::encode_event_body(call_abandoned(static_cast<int>(s))).size());
  return offset;
}

std::vector<std::string> calls(int from, int to) {
  std::vector<std::string> names;
  for (int i = from; i <= to; ++i) names.push_back("c" + std::to_string(i));
  return names;
}

}  // namespace

TEST_CASE(
    "a damaged record in an earlier segment truncates there; later segments are deleted "
    "and logged with file and byte",
    "[collectors][spool]") {
  floorwatch::test::TempDir scratch;
  const fs::path directory = scratch.path() / "channel";
  {
    Spool spool(small_spool(directory), 31);
    for (std::uint64_t seq = 1; seq <= 400; ++seq) spool.append(seq, body_of(seq));
  }
  const auto segments = segment_paths(directory);
  REQUIRE(segments.size() >= 4);
  // The fifth record of the second segment goes bad; the segments after it are intact.
  const fs::path damaged_segment = segments[1];
  const std::uint64_t first = first_seq_of(damaged_segment);
  std::uint64_t damaged_offset = 0;
  for (std::uint64_t seq = first; seq < first + 4; ++seq)
    damaged_offset += Spool::record_bytes(body_of(seq).size());
  flip_byte(damaged_segment, damaged_offset + Spool::record_bytes(0) + 3);  // inside the body

  CapturedLog log;
  Spool reopened(small_spool(directory), 32);
  const std::string text = log.text();
  INFO(text);
  CHECK_THAT(text, Catch::Contains("damaged record in " + damaged_segment.filename().string() +
                                   " at byte " + std::to_string(damaged_offset)));
  CHECK_THAT(text, Catch::Contains("the " + std::to_string(segments.size() - 2) +
                                   " later segment files are deleted and their events lost"));
  // What the docs promise: cut at the damage, later segments gone, the rest resumes.
  CHECK(segment_paths(directory) == std::vector<fs::path>{segments[0], segments[1]});
  CHECK(fs::file_size(damaged_segment) == damaged_offset);
  CHECK(reopened.session() == 31);
  CHECK(reopened.last_seq() == first + 3);
  const auto records = read_all(reopened);
  REQUIRE(records.size() == first + 3);
  CHECK(records.back().seq == first + 3);
  CHECK(records.back().body == body_of(first + 3));
  reopened.append(first + 4, body_of(first + 4));  // the stream continues after the cut
  CHECK(reopened.last_seq() == first + 4);
}

TEST_CASE(
    "a collector whose spool has a damaged earlier segment delivers what precedes the "
    "damage, then its new events",
    "[collectors][spool][delivery]") {
  floorwatch::test::TempDir scratch;
  zmq::context_t context;
  DeliveryOptions options = spooled_options("inproc://damaged", scratch.path());
  options.spool_max_bytes = 1 << 20;  // 64 KiB segments: 4000 events fill several
  std::uint64_t first_session = 0;
  fs::path spool_directory;
  {
    // The daemon is down: every event waits in the spool when the collector stops.
    DeliveryChannel channel(context, options);
    for (int i = 1; i <= 4000; ++i) channel.publish(call_abandoned(i));
    first_session = channel.session();
    spool_directory = channel.spool_path();
  }
  const auto segments = segment_paths(spool_directory);
  REQUIRE(segments.size() >= 3);
  const fs::path damaged_segment = segments[1];
  const std::uint64_t first = first_seq_of(damaged_segment);
  const std::uint64_t damaged_seq = first + 9;
  const std::uint64_t damaged_offset = channel_record_offset(first, damaged_seq);
  flip_byte(damaged_segment, damaged_offset + 1);  // the length field: a damaged header

  CapturedLog log;
  DeliveryChannel restarted(context, options);
  {
    const std::string text = log.text();
    INFO(text);
    CHECK_THAT(text, Catch::Contains("damaged record in " + damaged_segment.filename().string() +
                                     " at byte " + std::to_string(damaged_offset)));
    CHECK_THAT(text, Catch::Contains("later segment files are deleted"));
  }
  CHECK(segment_paths(spool_directory) == std::vector<fs::path>{segments[0], segments[1]});
  CHECK(restarted.session() == first_session);
  CHECK(restarted.unacked_events() == damaged_seq - 1);

  FakeDaemon daemon(context, "inproc://damaged");
  for (int i = 5001; i <= 5100; ++i) restarted.publish(call_abandoned(i));
  REQUIRE(restarted.flush_and_wait(20s));
  // Everything before the damage, once, in order; then the new events, numbered on from it.
  auto expected = calls(1, static_cast<int>(damaged_seq) - 1);
  for (const auto& call : calls(5001, 5100)) expected.push_back(call);
  CHECK(daemon.applied_calls() == expected);
  CHECK(daemon.applied_seqs() == one_to(damaged_seq - 1 + 100));
  CHECK(daemon.applied_sessions() ==
        std::vector<std::uint64_t>(damaged_seq - 1 + 100, first_session));
  CHECK(daemon.malformed() == 0);
}

TEST_CASE("a spool record damaged while the collector runs stops it loudly; a restart cuts there",
          "[collectors][spool][delivery]") {
  floorwatch::test::TempDir scratch;
  zmq::context_t context;
  DeliveryOptions options = spooled_options("inproc://damaged-live", scratch.path());
  options.max_unacked_events = 50;    // the backlog beyond 50 is read back from disk
  options.spool_max_bytes = 1 << 20;  // 64 KiB segments: 4000 events fill several
  fs::path spool_directory;
  std::uint64_t damaged_seq = 0;
  std::optional<FakeDaemon> daemon;  // down until the spool is damaged
  {
    DeliveryChannel channel(context, options);
    for (int i = 1; i <= 4000; ++i) channel.publish(call_abandoned(i));
    channel.sync_spool();
    spool_directory = channel.spool_path();
    const auto segments = segment_paths(spool_directory);
    REQUIRE(segments.size() >= 3);
    const std::uint64_t first = first_seq_of(segments[1]);
    REQUIRE(first > 50);  // only on disk: the channel must read it back
    damaged_seq = first + 9;
    flip_byte(segments[1], channel_record_offset(first, damaged_seq) + 1);

    daemon.emplace(context, "inproc://damaged-live");
    // The channel cannot send past the damage: it says so instead of stalling silently.
    CHECK_THROWS_WITH(channel.flush_and_wait(20s),
                      Catch::Contains("delivery to inproc://damaged-live stopped: spool ") &&
                          Catch::Contains(segments[1].filename().string() + ": damaged record") &&
                          Catch::Contains("restart the collector"));
    CHECK_THROWS_AS(channel.publish(call_abandoned(9999)), DeliveryStopped);
  }
  // Nothing past the damage was applied, nothing twice.
  const auto applied_before_restart = daemon->applied_seqs();
  CHECK(applied_before_restart.size() < damaged_seq);
  CHECK(applied_before_restart == one_to(applied_before_restart.size()));

  // The restart checks the spool, cuts at the damage and delivers everything before it.
  DeliveryChannel restarted(context, options);
  REQUIRE(restarted.flush_and_wait(20s));
  CHECK(daemon->applied_seqs() == one_to(damaged_seq - 1));
  CHECK(daemon->applied_calls() == calls(1, static_cast<int>(damaged_seq) - 1));
}

// The daemon is ahead when a power failure lost spooled records that had already reached it.
TEST_CASE("a daemon ahead of the spool gets the new events in a new session, each applied once",
          "[collectors][spool][delivery]") {
  floorwatch::test::TempDir scratch;
  zmq::context_t context;
  FakeDaemon daemon(context, "inproc://ahead");
  const DeliveryOptions options = spooled_options("inproc://ahead", scratch.path());
  std::uint64_t first_session = 0;
  fs::path spool_directory;
  {
    DeliveryChannel channel(context, options);
    for (int i = 1; i <= 100; ++i) channel.publish(call_abandoned(i));
    REQUIRE(channel.flush_and_wait(10s));
    daemon.hold_acks(true);  // 101..300 are applied, but no ack reaches the collector
    for (int i = 101; i <= 300; ++i) channel.publish(call_abandoned(i));
    for (int i = 0; i < 300 && daemon.applied_seqs().size() < 300; ++i)
      std::this_thread::sleep_for(10ms);
    REQUIRE(daemon.applied_seqs().size() == 300);
    first_session = channel.session();
    spool_directory = channel.spool_path();
  }
  // The power failure: the records after 250 were never fdatasynced and are gone.
  const auto segments = segment_paths(spool_directory);
  REQUIRE(segments.size() == 1);
  fs::resize_file(segments[0], channel_record_offset(first_seq_of(segments[0]), 251));
  daemon.hold_acks(false);
  const int duplicates_before = daemon.duplicates();

  CapturedLog log;
  DeliveryChannel restarted(context, options);
  CHECK(restarted.session() == first_session);  // resumed, until the daemon says otherwise
  for (int i = 301; i <= 400; ++i) restarted.publish(call_abandoned(i));
  REQUIRE(restarted.flush_and_wait(10s));
  {
    const std::string text = log.text();
    INFO(text);
    CHECK_THAT(text, Catch::Contains("has applied seq 300 but the spool ends at seq 250") &&
                         Catch::Contains("new events go in a new session"));
  }
  CHECK(restarted.session() != first_session);
  CHECK(restarted.counters().session_restarts == 1);
  // c1..c300 in the first session (before the failure), then every new event once.
  CHECK(daemon.applied_calls() == calls(1, 400));
  auto expected_seqs = one_to(300);
  for (std::uint64_t seq : one_to(100)) expected_seqs.push_back(seq);
  CHECK(daemon.applied_seqs() == expected_seqs);
  const auto sessions = daemon.applied_sessions();
  REQUIRE(sessions.size() == 400);
  CHECK(std::count(sessions.begin(), sessions.begin() + 300, first_session) == 300);
  CHECK(std::count(sessions.begin() + 300, sessions.end(), restarted.session()) == 100);
  CHECK(daemon.duplicates() == duplicates_before);  // nothing resent, nothing dropped
  CHECK(restarted.unacked_events() == 0);
}
