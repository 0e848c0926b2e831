// A month-long report is computed off the daemon's loop. A real floorwatchd (event clock) whose
// history file holds a month of 40 queues is asked for all of it over real ZeroMQ: while the
// report runs it keeps answering `status` and acking ingest batches within 200 ms, then the
// whole report arrives, correct; a fifth concurrent report is refused as busy; SIGTERM during a
// report answers its client and exits promptly.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "integration/floor_fixture.h"
#include "support/report_load.h"

using namespace floorwatch;
using namespace floorwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr double kAnswerBoundMs = 200;
const core::Timestamp kProbeTime = core::from_epoch_ms(1'796'115'600'000);  // 2026-12-01T09:00Z

std::string site_config(const TempDir& dir) {
  return "timezone: Europe/Stockholm\n"
         "interval_minutes: 30\n"
         "state:\n  path: " +
         dir.file("state.db") +
         "\n"
         "queues:\n  q00: {}\n";
}

// A month of 40 queues: 59,520 rows, about 45 MB of JSON.
SyntheticHistory month_of_forty_queues() {
  SyntheticHistory history;
  history.queues = 40;
  history.days = 31;
  return history;
}

zmq::socket_t control_dealer(zmq::context_t& context, const std::string& endpoint) {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  return socket;
}

std::optional<json> receive_json(zmq::socket_t& socket, std::chrono::milliseconds timeout) {
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, timeout);
  if (!(item.revents & ZMQ_POLLIN)) return std::nullopt;
  zmq::message_t message;
  (void)socket.recv(message);
  return json::parse(message.to_string_view());
}

// Sends a report request and then a status request on the same connection: the daemon reads
// one connection in order, so once the status reply is back the report has been accepted.
void start_report(zmq::socket_t& socket, const std::string& request) {
  socket.send(zmq::buffer(request));
  socket.send(zmq::str_buffer(R"({"command":"status"})"));
  const auto status = receive_json(socket, 5s);
  REQUIRE(status);
  REQUIRE(status->contains("uptime_seconds"));
}

}  // namespace

TEST_CASE("a month-long report leaves status replies and ingest acks prompt",
          "[integration][history][report_worker]") {
  TempDir dir;
  const SyntheticHistory history = month_of_forty_queues();
  history.write(dir.file("state.db.history"));
  RunningDaemon daemon(dir, site_config(dir));

  const ReportUnderLoad load = run_report_under_load(
      daemon.ingest(), daemon.control(), history.report_request(), kProbeTime, 20ms, 60s);
  std::printf(
      "report_offload rows=%zu report_ms=%.0f reply_mb=%.1f status_probes=%zu status_ms_max=%.1f "
      "ack_probes=%zu ack_ms_max=%.1f\n",
      history.rows(), load.report_ms, static_cast<double>(load.reply.size()) / 1e6,
      load.status_ms.size(), load.max_status_ms(), load.ack_ms.size(), load.max_ack_ms());
  INFO("report took " << load.report_ms << " ms; status max " << load.max_status_ms() << " ms over "
                      << load.status_ms.size() << " probes; ack max " << load.max_ack_ms()
                      << " ms over " << load.ack_ms.size());
  // The probes only mean something if the report ran well past the bound while they ran.
  REQUIRE(load.report_ms > 3 * kAnswerBoundMs);
  REQUIRE(load.status_ms.size() >= 5);
  REQUIRE(load.ack_ms.size() >= 5);
  CHECK(load.max_status_ms() < kAnswerBoundMs);
  CHECK(load.max_ack_ms() < kAnswerBoundMs);

  // Complete and correct: every row, and per-queue totals equal to the generated counters.
  const json report = json::parse(load.reply);
  REQUIRE_FALSE(report.contains("error"));
  REQUIRE(report["rows"].size() == history.rows());
  REQUIRE(report["totals"].size() == static_cast<std::size_t>(history.queues));
  const json& first = report["rows"][0];
  CHECK(first["queue"] == "q00");
  CHECK(first["start"] == "2026-11-01T00:00:00.000Z");
  CHECK(first["start_local"] == "2026-11-01T01:00:00+01:00");
  CHECK(first["partial"] == false);
  CHECK(first["counts"]["offered"] == history.row(0, 0).counts.offered);
  const json& last = report["rows"].back();
  CHECK(last["queue"] == "q39");
  CHECK(last["end"] == "2026-12-02T00:00:00.000Z");
  CHECK(last["partial"] == true);  // ends after the daemon's now (2026-12-01T09:00Z + probes)
  for (int q = 0; q < history.queues; ++q) {
    core::OutcomeCounters sum;
    for (int i = 0; i < history.intervals_per_queue(); ++i) sum += history.row(q, i).counts;
    const json& total = report["totals"][q];
    CAPTURE(q);
    CHECK(total["queue"] == SyntheticHistory::queue_name(q));
    CHECK(total["intervals"] == history.intervals_per_queue());
    CHECK(total["counts"]["offered"] == sum.offered);
    CHECK(total["counts"]["answered_within_target"] == sum.answered_within_target);
    CHECK(total["counts"]["abandoned_short"] == sum.abandoned_short);
    CHECK(total["counts"]["handle_time_sum_ms"] == sum.handle_time_sum_ms);
    // short_abandons_excluded: A_in / (A + Ab + X - Ab_short), from the summed counters.
    const double service_level =
        static_cast<double>(sum.answered_within_target) /
        static_cast<double>(sum.answered + sum.abandoned + sum.exited() - sum.abandoned_short);
    CHECK(total["service_level"].get<double>() == Approx(service_level));
  }
}

TEST_CASE("reports beyond the worker's queue are refused as busy, the rest still answered",
          "[integration][history][report_worker]") {
  TempDir dir;
  const SyntheticHistory history = month_of_forty_queues();
  history.write(dir.file("state.db.history"));
  RunningDaemon daemon(dir, site_config(dir));
  zmq::context_t context;

  zmq::socket_t big = control_dealer(context, daemon.control());
  start_report(big, history.report_request());
  // While the month runs: three one-day reports fill the queue of four, the next is refused.
  const std::string one_day = R"({"command":"report","from":"2026-11-02","to":"2026-11-02",)"
                              R"("queue":"q07"})";
  std::vector<zmq::socket_t> small;
  for (int i = 0; i < 4; ++i) {
    small.push_back(control_dealer(context, daemon.control()));
    small.back().send(zmq::buffer(one_day));
  }
  const auto refused = receive_json(small[3], 10s);
  REQUIRE(refused);
  CHECK(refused->value("error", "") == "busy: 4 reports in progress, try again later");
  {
    zmq::pollitem_t item{big.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, 0ms);
    REQUIRE_FALSE(item.revents & ZMQ_POLLIN);  // the month was still running when refused
  }

  const auto month = receive_json(big, 60s);
  REQUIRE(month);
  CHECK((*month)["rows"].size() == history.rows());
  for (int i = 0; i < 3; ++i) {
    const auto day = receive_json(small[i], 60s);
    REQUIRE(day);
    CAPTURE(day->dump().substr(0, 200));
    REQUIRE((*day)["rows"].size() == 48);  // 2026-11-02 local: 48 half-hours of q07
    CHECK((*day)["rows"][0]["queue"] == "q07");
    CHECK((*day)["rows"][0]["start_local"] == "2026-11-02T00:00:00+01:00");
  }
  // The operator sees refusals in /metrics (an alert on rate(...{result="busy"}) is possible).
  const auto samples = daemon.scrape();
  CHECK(find_sample(samples, "floorwatch_reports_total", {{"result", "busy"}}) == 1.0);
  CHECK(find_sample(samples, "floorwatch_reports_total", {{"result", "answered"}}) == 4.0);
  CHECK(find_sample(samples, "floorwatch_reports_total", {{"result", "failed"}}) == 0.0);
  CHECK(find_sample(samples, "floorwatch_reports_total", {{"result", "cancelled"}}) == 0.0);
}

TEST_CASE("SIGTERM during a report answers its client and exits promptly",
          "[integration][history][report_worker]") {
  TempDir dir;
  const SyntheticHistory history = month_of_forty_queues();
  history.write(dir.file("state.db.history"));
  RunningDaemon daemon(dir, site_config(dir));
  zmq::context_t context;
  zmq::socket_t client = control_dealer(context, daemon.control());
  start_report(client, history.report_request());

  const auto signalled = std::chrono::steady_clock::now();
  daemon.process().signal(SIGTERM);
  const auto reply = receive_json(client, 10s);
  const auto answered = std::chrono::steady_clock::now() - signalled;
  // The exit includes the metrics HTTP server's own shutdown (about 1 s, report or not).
  REQUIRE(daemon.process().wait_exit(5s) == 0);
  INFO(daemon.process().output());
  REQUIRE(reply);
  // Cancelled rather than finished: the month takes longer than a shutdown may.
  CHECK(reply->value("error", "") == "report cancelled: floorwatchd is shutting down");
  CHECK(answered < 500ms);
}
