// Collector spool with real processes: the daemon is stopped for a minute while the collector
// keeps reading, or the collector is killed (-9) while the daemon is down; once the daemon is
// back every event must have arrived exactly once (the same figures as an uninterrupted run).
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const char* kQueues = "queues:\n  sales: {}\n  support: {}\n  billing: {}\n";

std::string state_config(const TempDir& dir) {
  return std::string(kQueues) + "state:\n  path: " + dir.file("state.db") +
         "\n  snapshot_interval_seconds: 1\n";
}

// A seeded simulated day: `speed` 0 runs it as fast as possible (the reference).
std::vector<std::string> simulator(const std::string& endpoint, const std::string& speed,
                                   const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {collector_binary(), "simulate",
                                   "--endpoint",       endpoint,
                                   "--seed",           "11",
                                   "--speed",          speed,
                                   "--start",          "2026-11-24T07:00:00Z",
                                   "--duration",       "13h",
                                   "--agents",         "200",
                                   "--source-id",      "sim"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

std::size_t differing_series(const std::map<std::string, double>& expected,
                             const std::map<std::string, double>& actual) {
  std::size_t differences = 0;
  for (const auto& [series, value] : expected) {
    auto it = actual.find(series);
    if (it == actual.end() || it->second != Approx(value).margin(1e-9)) {
      if (++differences <= 10)
        UNSCOPED_INFO(
            series << " expected " << value << " got "
                   << (it == actual.end() ? std::string("(missing)") : std::to_string(it->second)));
    }
  }
  return differences + (actual.size() > expected.size() ? actual.size() - expected.size() : 0);
}

struct StreamPosition {
  std::uint64_t session = 0;
  std::uint64_t applied_seq = 0;
};

// The daemon's collector streams of `source`, from `floorwatchctl status --json`.
std::vector<StreamPosition> daemon_streams(const RunningDaemon& daemon, const std::string& source) {
  auto [status, output] =
      run_command({ctl_binary(), "status", "--control", daemon.control(), "--json"}, 20s);
  INFO(output);
  REQUIRE(status == 0);
  const auto reply = nlohmann::json::parse(output);
  std::vector<StreamPosition> streams;
  for (const auto& stream : reply.at("streams")) {
    if (stream.at("source").get<std::string>() == source)
      streams.push_back({stream.at("session").get<std::uint64_t>(),
                         stream.at("applied_seq").get<std::uint64_t>()});
  }
  return streams;
}

std::uint64_t spool_bytes(const std::filesystem::path& directory) {
  std::uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory))
    if (entry.is_regular_file()) bytes += entry.file_size();
  return bytes;
}

std::uint64_t captured_count(ChildProcess& process, const std::string& pattern) {
  const auto match = process.wait_for(pattern, 0ms);
  return match ? std::stoull((*match)[1]) : 0;
}

}  // namespace

TEST_CASE(
    "a daemon stopped for a minute while the collector keeps reading loses and doubles "
    "nothing",
    "[integration][spool]") {
  // The reference: the same seeded day into a daemon that is never interrupted.
  TempDir reference_dir;
  RunningDaemon reference(reference_dir, kQueues);
  auto [reference_status, reference_output] = run_command(simulator(reference.ingest(), "0"), 120s);
  INFO(reference_output);
  REQUIRE(reference_status == 0);
  const auto expected = queue_figures(reference.scrape());
  REQUIRE(expected.size() > 100);
  const double expected_events =
      reference.metric("floorwatch_events_received_total", {{"source", "sim"}});
  REQUIRE(expected_events > 50000);

  TempDir dir;
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(closed_port());
  const std::string spool = dir.file("spool");
  auto first = std::make_unique<RunningDaemon>(dir, state_config(dir), "event", endpoint);
  // 13 simulated hours at 600x: about 80 s of real time at roughly 1,000 events a second. A
  // small memory window makes the backlog come back from disk.
  ChildProcess collector(
      simulator(endpoint, "600", {"--spool-dir", spool, "--buffer-events", "5000"}));
  const auto until_flowing = std::chrono::steady_clock::now() + 30s;
  while (first->metric("floorwatch_events_received_total", {{"source", "sim"}}) < 3000 &&
         std::chrono::steady_clock::now() < until_flowing)
    std::this_thread::sleep_for(100ms);
  REQUIRE(first->metric("floorwatch_events_received_total", {{"source", "sim"}}) >= 3000);

  first->process().signal(SIGTERM);
  REQUIRE(first->process().wait_exit(20s));
  first.reset();
  const std::uint64_t spool_at_stop = spool_bytes(spool);
  std::this_thread::sleep_for(60s);  // the outage: the collector keeps reading into its spool
  INFO(collector.output());
  REQUIRE(collector.running());
  CHECK(spool_bytes(spool) > spool_at_stop + 1'000'000);  // tens of thousands of events waited

  RunningDaemon second(dir, state_config(dir), "event", endpoint);
  INFO(second.process().output());
  const auto collector_status = collector.wait_exit(180s);
  REQUIRE(collector_status == 0);  // it exits only when every event is acknowledged
  CHECK_THAT(second.process().output(), Catch::Contains("recovered state from"));

  // Exactly once: one stream whose applied seq is the number of events the collector produced,
  // equal to the uninterrupted run, and the same figures everywhere.
  const std::uint64_t produced = captured_count(collector, R"(simulate: (\d+) events)");
  CHECK(produced == static_cast<std::uint64_t>(expected_events));
  const auto streams = daemon_streams(second, "sim");
  REQUIRE(streams.size() == 1);
  CHECK(streams.front().applied_seq == produced);
  CHECK(differing_series(expected, queue_figures(second.scrape())) == 0);
  CHECK(second.metric("floorwatch_events_rejected_total", {{"reason", "duplicate_call"}}) == 0);
  CHECK_THAT(collector.output(), Catch::Contains("read_back="));
  CHECK(captured_count(collector, R"(read_back=(\d+))") > 0);
}

TEST_CASE(
    "a collector killed while the daemon is down resumes from its spool: nothing lost or "
    "doubled",
    "[integration][spool]") {
  TempDir dir;
  const std::string day = dir.file("day.jsonl");
  // Three simulated hours as JSON lines (the collector's log goes elsewhere).
  REQUIRE(run_command({"/bin/sh", "-c",
                       collector_binary() +
                           " simulate --output jsonl --seed 5 --speed 0 --start "
                           "2026-11-24T07:00:00Z --duration 3h --agents 60 >" +
                           day + " 2>/dev/null"},
                      60s)
              .first == 0);
  std::vector<std::string> lines;
  {
    std::ifstream in(day);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  REQUIRE(lines.size() > 3000);
  const auto part = [&](std::size_t from, std::size_t to) {
    std::string text;
    for (std::size_t i = from; i < to; ++i) text += lines[i] + "\n";
    return text;
  };
  const std::size_t third = lines.size() / 3;

  TempDir reference_dir;
  RunningDaemon reference(reference_dir, kQueues);
  const auto all = reference_dir.write("all.jsonl", part(0, lines.size()));
  REQUIRE(send_jsonl(reference.ingest(), all).first == 0);
  const auto expected = queue_figures(reference.scrape());

  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(closed_port());
  const std::string spool = dir.file("spool");
  const std::vector<std::string> collector_argv = {collector_binary(), "jsonl",       "--endpoint",
                                                   endpoint,           "--source-id", "feed",
                                                   "--spool-dir",      spool,         "--file"};
  auto first_daemon = std::make_unique<RunningDaemon>(dir, state_config(dir), "event", endpoint);

  // The first collector reads a pipe: the first third arrives while the daemon is up...
  const std::string pipe_path = dir.file("events.pipe");
  REQUIRE(mkfifo(pipe_path.c_str(), 0600) == 0);
  auto first_argv = collector_argv;
  first_argv.push_back("-");
  auto first_collector = std::make_unique<ChildProcess>(first_argv, pipe_path);
  {
    const int pipe_fd = open(pipe_path.c_str(), O_WRONLY);
    REQUIRE(pipe_fd >= 0);
    const auto write_text = [&](const std::string& text) {
      REQUIRE(write(pipe_fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    };
    write_text(part(0, third));
    const auto until_applied = std::chrono::steady_clock::now() + 30s;
    while (daemon_streams(*first_daemon, "feed").empty() ||
           daemon_streams(*first_daemon, "feed").front().applied_seq < third) {
      INFO(first_collector->output());
      INFO(first_daemon->process().output());
      const auto streams = daemon_streams(*first_daemon, "feed");
      INFO("streams " << streams.size() << " applied "
                      << (streams.empty() ? 0 : streams.front().applied_seq) << " of " << third);
      REQUIRE(std::chrono::steady_clock::now() < until_applied);
      std::this_thread::sleep_for(100ms);
    }
    // ...then the daemon stops and the second third is read into the spool only.
    first_daemon->process().signal(SIGTERM);
    REQUIRE(first_daemon->process().wait_exit(20s));
    first_daemon.reset();
    write_text(part(third, 2 * third));
    close(pipe_fd);
  }
  INFO(first_collector->output());
  REQUIRE(first_collector->wait_for("input finished", 30s));
  first_collector->signal(SIGKILL);
  REQUIRE(first_collector->wait_exit(10s) == 128 + SIGKILL);
  const std::uint64_t first_session =
      std::stoull((*first_collector->wait_for(R"(source feed session (\d+))", 0ms))[1]);

  // A new collector on the same spool reads the last third, still with no daemon to talk to.
  auto second_argv = collector_argv;
  second_argv.push_back(dir.write("last.jsonl", part(2 * third, lines.size())));
  ChildProcess second_collector(second_argv);
  INFO(second_collector.output());
  REQUIRE(second_collector.wait_for(R"(resuming session (\d+) from spool)", 20s));
  CHECK(std::stoull((*second_collector.wait_for(R"(resuming session (\d+))", 0ms))[1]) ==
        first_session);
  REQUIRE(second_collector.wait_for("input finished", 30s));

  RunningDaemon second_daemon(dir, state_config(dir), "event", endpoint);
  REQUIRE(second_collector.wait_exit(60s) == 0);
  INFO(second_daemon.process().output());

  // One stream, every line applied once and in order: the figures of the uninterrupted run.
  const auto streams = daemon_streams(second_daemon, "feed");
  REQUIRE(streams.size() == 1);
  CHECK(streams.front().session == first_session);
  CHECK(streams.front().applied_seq == lines.size());
  CHECK(differing_series(expected, queue_figures(second_daemon.scrape())) == 0);
  CHECK(second_daemon.metric("floorwatch_events_rejected_total", {{"reason", "duplicate_call"}}) ==
        0);
}
