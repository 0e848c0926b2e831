// Real disk faults under a real floorwatchd: the state directory on a small tmpfs that fills up
// and is then grown, a read-only remount, a journal removed underneath, and EIO or a 500 ms
// fsync injected below SQLite by a VFS shim (tests/support/faulty_vfs.cpp, preloaded). Each
// time: nothing is applied or acknowledged while the journal cannot write, floorwatch_journal_up
// says 0, alerts on what was applied still fire on time, and once the disk takes writes again
// ingest resumes by itself and every event the collector sent is counted exactly once, also
// after a kill -9.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "alerts/http_receiver.h"
#include "integration/floor_fixture.h"
#include "support/wait.h"
#include "support/wall_clock.h"
#include "support/webhook_alerts.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const char* kQueues = "queues:\n  sales: {}\n  support: {}\n  billing: {}\n";

/// A tmpfs mounted for one test (the daemon's state directory), unmounted at the end.
class SmallDisk {
 public:
  SmallDisk(const std::filesystem::path& where, const std::string& size) : path_(where) {
    std::filesystem::create_directories(path_);
    mount({"-t", "tmpfs", "-o", "size=" + size, "tmpfs", path_.string()});
  }
  ~SmallDisk() { run_command({"/bin/umount", "-l", path_.string()}, 10s); }
  void remount(const std::string& options) { mount({"-o", "remount," + options, path_.string()}); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static void mount(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), "/bin/mount");
    auto [status, output] = run_command(arguments, 10s);
    INFO(output);
    REQUIRE(status == 0);  // the tests run as root, like CI
  }
  std::filesystem::path path_;
};

/// A seeded simulated morning as canonical JSON lines; returns how many events it holds.
std::size_t write_morning(const std::string& file, const std::string& duration) {
  // Through a shell: the events go to the file, the collector's log lines do not.
  auto [status, output] =
      run_command({"/bin/sh", "-c",
                   collector_binary() +
                       " simulate --output jsonl --seed 7 --speed 0 --start 2026-11-24T07:00:00Z "
                       "--duration " +
                       duration + " --agents 60 > " + file},
                  60s);
  INFO(output);
  REQUIRE(status == 0);
  std::ifstream in(file);
  return static_cast<std::size_t>(
      std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
}

double sample_or(const RunningDaemon& daemon, const std::string& name, double fallback,
                 const std::map<std::string, std::string>& labels = {}) {
  return find_sample(daemon.scrape(), name, labels).value_or(fallback);
}

double events_received(const RunningDaemon& daemon) {
  return sample_or(daemon, "floorwatch_events_received_total", 0);
}

ChildProcess start_jsonl(const std::string& endpoint, const std::string& file) {
  return ChildProcess({collector_binary(), "jsonl", "--endpoint", endpoint, "--file", file,
                       "--source-id", "test-jsonl", "--batch-size", "50"});
}

std::string state_config(const std::string& journal) {
  return std::string(kQueues) + "state:\n  path: " + journal + "\n  snapshot_interval_seconds: 1\n";
}

/// The figures of the same events into a daemon that never saw a fault.
std::map<std::string, double> reference_figures(const std::string& events) {
  TempDir dir;
  RunningDaemon reference(dir, kQueues);
  auto [status, output] = send_jsonl(reference.ingest(), events);
  INFO(output);
  REQUIRE(status == 0);
  return queue_figures(reference.scrape());
}

/// The journal's health and what was applied, from one scrape (separate scrapes would let a
/// commit fall between them).
struct JournalReading {
  double up = 1, faults = 0, applied = 0;
};

JournalReading read_journal(const RunningDaemon& daemon) {
  const auto samples = daemon.scrape();
  return {find_sample(samples, "floorwatch_journal_up", {}).value_or(1),
          find_sample(samples, "floorwatch_journal_faults_total", {}).value_or(0),
          find_sample(samples, "floorwatch_events_received_total", {}).value_or(0)};
}

/// During a fault: the journal says down, nothing more is applied, the collector still waits.
/// A nearly full disk may still take a small commit now and then (which is then rightly
/// applied, with the journal up, and counted as a new fault when it fails again): only a
/// stretch with the journal down throughout must show no change.
void check_paused(RunningDaemon& daemon, ChildProcess& collector) {
  REQUIRE(wait_until([&] { return sample_or(daemon, "floorwatch_journal_up", 1) == 0; }, 30s));
  bool still_throughout = false;
  for (int attempt = 0; attempt < 10 && !still_throughout; ++attempt) {
    const JournalReading before = read_journal(daemon);
    std::this_thread::sleep_for(1500ms);
    const JournalReading after = read_journal(daemon);
    if (before.up != 0 || after.up != 0 || after.faults != before.faults)
      continue;  // the journal took a commit in between: try another stretch
    CHECK(after.applied == before.applied);  // nothing applied that the journal lacks
    still_throughout = true;
  }
  CHECK(still_throughout);
  CHECK(collector.running());  // nothing acknowledged either: it still waits
  CHECK(sample_or(daemon, "floorwatch_ingest_frames_dropped_total", 0,
                  {{"reason", "journal_unavailable"}}) > 0);
}

/// After the fault: every event exactly once, the same figures as without a fault, and the
/// same again after a kill -9 (nothing the board showed is taken back).
void check_resumed(std::unique_ptr<RunningDaemon>& daemon, ChildProcess& collector,
                   const TempDir& dir, const std::string& config, std::size_t events,
                   const std::map<std::string, double>& expected) {
  const auto status = collector.wait_exit(90s);
  INFO(collector.output());
  INFO(daemon->process().output());
  REQUIRE(status == 0);  // it exits once every event is acknowledged
  CHECK(wait_until([&] { return sample_or(*daemon, "floorwatch_journal_up", 0) == 1; }, 10s));
  CHECK(events_received(*daemon) == static_cast<double>(events));
  CHECK(queue_figures(daemon->scrape()) == expected);
  daemon->process().signal(SIGKILL);
  REQUIRE(daemon->process().wait_exit(10s));
  daemon.reset();
  RunningDaemon restarted(dir, config);
  CHECK(queue_figures(restarted.scrape()) == expected);
}

}  // namespace

TEST_CASE("a full disk pauses ingest and growing it resumes with every event counted once",
          "[integration][durability][faults]") {
  TempDir dir;
  const std::string events = dir.file("morning.jsonl");
  const std::size_t count = write_morning(events, "8h");
  REQUIRE(count > 20000);
  const auto expected = reference_figures(events);

  SmallDisk disk(dir.file("state"), "1m");  // fills up after a few thousand events
  const std::string config = state_config(disk.file("state.db"));
  auto daemon = std::make_unique<RunningDaemon>(dir, config);
  ChildProcess collector = start_jsonl(daemon->ingest(), events);
  check_paused(*daemon, collector);
  const std::string log = daemon->process().output();
  CHECK_THAT(log, Catch::Contains("journal fault: journal " + disk.file("state.db")));
  CHECK_THAT(log, Catch::Contains("full"));

  disk.remount("size=256m");
  check_resumed(daemon, collector, dir, config, count, expected);
}

/// An ext4 image, loop-mounted with errors=remount-ro: the kernel turns it read-only under the
/// running daemon when told of an error, as it does after a real disk error.
class Ext4Disk {
 public:
  Ext4Disk(const TempDir& dir, const std::filesystem::path& where)
      : image_(dir.file("state.ext4")), path_(where) {
    std::filesystem::create_directories(path_);
    run({"/usr/bin/truncate", "-s", "64M", image_});
    run({"/usr/sbin/mkfs.ext4", "-q", image_});
    mount();
  }
  ~Ext4Disk() { run_command({"/bin/umount", "-l", path_.string()}, 10s); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// ext4's own error path (sysfs trigger_fs_error): the filesystem goes read-only at once.
  void fail() {
    auto [status, source] = run_command({"/bin/findmnt", "-no", "SOURCE", path_.string()}, 10s);
    const std::string device =
        std::filesystem::path(source.substr(0, source.find('\n'))).filename();
    std::ofstream("/sys/fs/ext4/" + device + "/trigger_fs_error") << "1";
  }
  /// What an operator does: detach the read-only mount, check the filesystem and mount a
  /// repaired copy in its place (the kernel keeps a failed superblock read-only for as long as
  /// a process holds a file of it open, so the same image cannot come back writable).
  void repair() {
    run({"/bin/umount", "-l", path_.string()});
    const std::string repaired = image_ + ".repaired";
    run({"/bin/cp", "--sparse=always", image_, repaired});
    run_command({"/usr/sbin/e2fsck", "-fy", repaired}, 60s);  // exit 1: it fixed something
    image_ = repaired;
    mount();
  }

 private:
  void mount() { run({"/bin/mount", "-o", "loop,errors=remount-ro", image_, path_.string()}); }
  static void run(const std::vector<std::string>& arguments) {
    auto [status, output] = run_command(arguments, 60s);
    INFO(output);
    REQUIRE(status == 0);
  }
  std::string image_;
  std::filesystem::path path_;
};

TEST_CASE("a filesystem the kernel turns read-only pauses ingest until it is mounted again",
          "[integration][durability][faults]") {
  TempDir dir;
  const std::string events = dir.file("morning.jsonl");
  const std::size_t count = write_morning(events, "3h");
  const auto expected = reference_figures(events);
  Ext4Disk disk(dir, dir.file("state"));
  const std::string config = state_config(disk.file("state.db"));
  auto daemon = std::make_unique<RunningDaemon>(dir, config);
  disk.fail();
  ChildProcess collector = start_jsonl(daemon->ingest(), events);
  check_paused(*daemon, collector);
  CHECK_THAT(daemon->process().output(), Catch::Contains("journal fault"));
  disk.repair();
  check_resumed(daemon, collector, dir, config, count, expected);
}

TEST_CASE("a journal removed underneath is recreated and nothing acknowledged is lost",
          "[integration][durability][faults]") {
  TempDir dir;
  const std::string events = dir.file("morning.jsonl");
  const std::size_t count = write_morning(events, "3h");
  const auto expected = reference_figures(events);
  const std::string journal = dir.file("state.db");
  const std::string config = state_config(journal);
  auto daemon = std::make_unique<RunningDaemon>(dir, config);
  // Half the morning in, then the journal and its WAL vanish (a careless clean-up).
  const std::string first_half = dir.file("first.jsonl");
  const std::string second_half = dir.file("second.jsonl");
  {
    std::ifstream in(events);
    std::ofstream a(first_half), b(second_half);
    std::string line;
    for (std::size_t i = 0; std::getline(in, line); ++i) (i < count / 2 ? a : b) << line << '\n';
  }
  auto [status, output] = send_jsonl(daemon->ingest(), first_half);
  REQUIRE(status == 0);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(journal + suffix);
  ChildProcess collector = start_jsonl(daemon->ingest(), second_half);
  REQUIRE(wait_until(
      [&] {
        return daemon->process().output().find("was removed and created anew") != std::string::npos;
      },
      30s));
  // The frames since the last snapshot went with the file: ingest waits for a new snapshot.
  REQUIRE(wait_until(
      [&] {
        return daemon->process().output().find("snapshot written, ingest resumed") !=
               std::string::npos;
      },
      30s));
  check_resumed(daemon, collector, dir, config, count, expected);
}

namespace {

std::string faulty_vfs_library() {
  return binary("tests/libfloorwatch_faulty_vfs.so");
}

// A wall-clock daemon with an alert at 2 s of waiting, its SQLite going through the shim.
std::unique_ptr<RunningDaemon> daemon_on_faulty_disk(const TempDir& dir, const std::string& control,
                                                     const HttpReceiver& receiver) {
  const std::string body = state_config(dir.file("state.db")) +
                           webhook_alerts_yaml(receiver.url("/floor"), oldest_wait_rule(2));
  return std::make_unique<RunningDaemon>(
      dir, body, "wall", "tcp://127.0.0.1:*", "",
      std::vector<std::string>{"LD_PRELOAD=" + faulty_vfs_library(),
                               "FLOORWATCH_FAULTY_VFS=" + control,
                               "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0"});
}

// One caller joining now, as its own collector stream.
std::int64_t caller_joins(const TempDir& dir, const RunningDaemon& daemon) {
  const std::int64_t now = wall_clock_ms();
  const auto file = dir.write("caller.jsonl", "{\"ts\":" + std::to_string(now) +
                                                  ",\"type\":\"call_enqueued\",\"call\":\"c1\","
                                                  "\"queue\":\"support\"}\n");
  auto [status, output] = send_jsonl(daemon.ingest(), file);
  INFO(output);
  REQUIRE(status == 0);
  return now;
}

// Events of a later morning in wall-clock time, so the alert's queue is not disturbed.
std::string later_traffic(const TempDir& dir, std::size_t calls) {
  std::string lines;
  const std::int64_t start = wall_clock_ms();
  for (std::size_t i = 0; i < calls; ++i) {
    const std::string call = "\"call\":\"s" + std::to_string(i) + "\",\"queue\":\"sales\"";
    lines += "{\"ts\":" + std::to_string(start + static_cast<std::int64_t>(i)) +
             ",\"type\":\"call_enqueued\"," + call + "}\n";
    lines += "{\"ts\":" + std::to_string(start + static_cast<std::int64_t>(i) + 1) +
             ",\"type\":\"call_abandoned\"," + call + "}\n";
  }
  return dir.write("sales.jsonl", lines);
}

}  // namespace

TEST_CASE("EIO below SQLite pauses ingest while an alert on applied data fires on time",
          "[integration][durability][faults]") {
  HttpReceiver receiver;
  TempDir dir;
  const std::string control = dir.write("vfs-mode", "ok");
  auto daemon = daemon_on_faulty_disk(dir, control, receiver);
  const std::int64_t joined = caller_joins(dir, *daemon);  // journaled and applied
  dir.write("vfs-mode", "eio");
  const std::string traffic = later_traffic(dir, 500);
  ChildProcess collector = start_jsonl(daemon->ingest(), traffic);

  REQUIRE(receiver.wait_for_requests(1, 10s));
  const std::int64_t notified_after = wall_clock_ms() - joined;
  INFO("notified " << notified_after << " ms after the caller joined");
  CHECK(notified_after >= 2000);
  CHECK(notified_after < 2300);  // the disk fault does not delay the alert
  check_paused(*daemon, collector);
  CHECK_THAT(daemon->process().output(), Catch::Contains("I/O error"));

  dir.write("vfs-mode", "ok");
  const auto status = collector.wait_exit(60s);
  INFO(collector.output());
  REQUIRE(status == 0);
  CHECK(sample_or(*daemon, "floorwatch_journal_up", 0) == 1);
  CHECK(sample_or(*daemon, "floorwatch_journal_faults_total", 0) == 1);
  CHECK(events_received(*daemon) == 1 + 1000);
  CHECK(sample_or(*daemon, "floorwatch_queue_abandoned_total", 0, {{"queue", "sales"}}) == 500);
}

TEST_CASE("a 500 ms fsync slows the journal but neither alerts nor scrapes",
          "[integration][durability][faults]") {
  HttpReceiver receiver;
  TempDir dir;
  const std::string control = dir.write("vfs-mode", "slow_sync_ms=500");
  auto daemon = daemon_on_faulty_disk(dir, control, receiver);
  ChildProcess collector = start_jsonl(daemon->ingest(), later_traffic(dir, 3000));
  const std::int64_t joined = caller_joins(dir, *daemon);  // waits ≥ 500 ms for its commit

  std::chrono::milliseconds slowest_scrape{0};
  while (!receiver.wait_for_requests(1, 10ms) && wall_clock_ms() - joined < 10'000) {
    const auto started = std::chrono::steady_clock::now();
    daemon->scrape_text();
    slowest_scrape = std::max(slowest_scrape, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  std::chrono::steady_clock::now() - started));
  }
  const std::int64_t notified_after = wall_clock_ms() - joined;
  INFO("notified " << notified_after << " ms after the caller joined");
  CHECK(notified_after >= 2000);
  CHECK(notified_after < 2300);
  CHECK(slowest_scrape < 100ms);
  REQUIRE(collector.wait_exit(90s) == 0);
  CHECK(sample_or(*daemon, "floorwatch_journal_up", 0) == 1);
  CHECK(events_received(*daemon) == 1 + 6000);
}

TEST_CASE("a daemon killed during a journal fault recovers every acknowledged event",
          "[integration][durability][faults]") {
  TempDir dir;
  const std::string events = dir.file("morning.jsonl");
  write_morning(events, "8h");
  const auto expected = reference_figures(events);
  SmallDisk disk(dir.file("state"), "1m");
  const std::string config = state_config(disk.file("state.db"));
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(closed_port());
  auto daemon = std::make_unique<RunningDaemon>(dir, config, "event", endpoint);
  ChildProcess collector = start_jsonl(endpoint, events);
  check_paused(*daemon, collector);
  daemon->process().signal(SIGKILL);
  REQUIRE(daemon->process().wait_exit(10s));
  daemon.reset();
  disk.remount("size=256m");
  // Same address: the collector, still holding every unacknowledged event, finds it again.
  RunningDaemon restarted(dir, config, "event", endpoint);
  const auto status = collector.wait_exit(90s);
  INFO(collector.output());
  REQUIRE(status == 0);
  CHECK(queue_figures(restarted.scrape()) == expected);
}
