// The report worker on a real SQLite history file: it answers through its own read-only
// connection exactly what the loop's history holds, wakes the loop through its inproc socket,
// bounds the reports in progress, and stops without waiting for a long read.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/core_test_support.h"
#include "daemon/report_worker.h"
#include "support/report_load.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace floorwatch::core::testing;
using namespace std::chrono_literals;
using daemon::ReportRequest;
using daemon::ReportWorker;

namespace {

using ScratchDirectory = floorwatch::test::TempDir;

const core::SiteCalendar kStockholm("Europe/Stockholm", 0, 30);

// One day of every queue of `history`, as the loop resolves `report --from/--to 2026-11-02`.
ReportRequest one_day(const std::string& queue = {}) {
  return ReportRequest{utc("2026-11-01T23:00:00Z"), utc("2026-11-02T23:00:00Z"), queue,
                       utc("2026-12-01T09:00:00Z"), kStockholm};
}

// Waits, as the loop's zmq::poll does, until the worker wakes the loop, then takes the report.
std::optional<daemon::FinishedReport> await_finished(ReportWorker& worker,
                                                     std::chrono::milliseconds timeout = 10s) {
  zmq::pollitem_t item{worker.done_socket().handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, timeout);
  if (!(item.revents & ZMQ_POLLIN)) return std::nullopt;
  return worker.take_finished();
}

}  // namespace

TEST_CASE("the report worker answers from its own connection what the loop's history holds",
          "[daemon][report_worker]") {
  ScratchDirectory dir;
  const std::string path = dir.file("state.db.history");
  test::SyntheticHistory synthetic;
  synthetic.queues = 3;
  synthetic.days = 3;
  synthetic.write(path);
  daemon::IntervalHistory history({path, 400});  // the loop's writer stays open meanwhile
  zmq::context_t context;
  ReportWorker worker(context, path);

  const auto id = worker.submit(one_day());
  REQUIRE(id);
  CHECK(worker.in_progress() == 1);
  const auto finished = await_finished(worker);
  REQUIRE(finished);
  CHECK_FALSE(finished->failed);
  CHECK(finished->id == *id);
  CHECK(worker.in_progress() == 0);
  const ReportRequest request = one_day();
  const std::string expected =
      daemon::report_json(history.query(request.from, request.to, ""), request.from, request.to,
                          request.now, kStockholm)
          .dump();
  CHECK(finished->reply.to_string() == expected);
  const auto reply = nlohmann::json::parse(finished->reply.to_string_view());
  CHECK(reply["rows"].size() == 3 * 48);
  CHECK(reply["rows"][0]["start_local"] == "2026-11-02T00:00:00+01:00");

  // A row the loop writes afterwards is in the next report: the reader keeps no old snapshot.
  daemon::IntervalRow late = synthetic.row(1, 0);
  late.start = utc("2026-11-02T10:00:00Z");
  late.end = utc("2026-11-02T10:30:00Z");
  late.queue = "q99";
  history.store({late}, utc("2026-12-01T09:00:00Z"));
  REQUIRE(worker.submit(one_day("q99")));
  const auto second = await_finished(worker);
  REQUIRE(second);
  const auto q99 = nlohmann::json::parse(second->reply.to_string_view());
  REQUIRE(q99["rows"].size() == 1);
  CHECK(q99["rows"][0]["counts"]["offered"] == late.counts.offered);
}

TEST_CASE("at most `capacity` reports are in progress until the loop takes one",
          "[daemon][report_worker]") {
  ScratchDirectory dir;
  const std::string path = dir.file("state.db.history");
  test::SyntheticHistory synthetic;
  synthetic.queues = 1;
  synthetic.days = 3;
  synthetic.write(path);
  zmq::context_t context;
  ReportWorker worker(context, path, 2);

  // Finished but not yet taken still counts: the loop has not answered those clients.
  REQUIRE(worker.submit(one_day()));
  REQUIRE(worker.submit(one_day()));
  CHECK_FALSE(worker.submit(one_day()));
  CHECK(worker.in_progress() == 2);
  REQUIRE(await_finished(worker));
  CHECK(worker.in_progress() == 1);
  CHECK(worker.submit(one_day()));
  REQUIRE(await_finished(worker));
  REQUIRE(await_finished(worker));
  CHECK(worker.in_progress() == 0);
  CHECK_FALSE(worker.take_finished());  // nothing more: take_finished never waits
}

TEST_CASE("a history the worker cannot read is an error reply, and the worker carries on",
          "[daemon][report_worker]") {
  ScratchDirectory dir;
  zmq::context_t context;
  ReportWorker worker(context, dir.file("missing/state.db.history"));
  REQUIRE(worker.submit(one_day()));
  const auto finished = await_finished(worker);
  REQUIRE(finished);
  CHECK(finished->failed);  // counted as floorwatch_reports_total{result="failed"}
  const auto reply = nlohmann::json::parse(finished->reply.to_string_view());
  CHECK_THAT(reply.value("error", ""), Catch::StartsWith("report failed: "));
  REQUIRE(worker.submit(one_day()));  // still serving
  CHECK(await_finished(worker));
}

TEST_CASE("stopping cancels the running read and drops queued reports", "[daemon][report_worker]") {
  ScratchDirectory dir;
  const std::string path = dir.file("state.db.history");
  test::SyntheticHistory month;
  month.queues = 20;
  month.days = 31;
  month.write(path);
  const ReportRequest everything{month.first, month.end(), "", month.end(), kStockholm};

  SECTION("a reader whose cancel flag is set stops with an error") {
    std::atomic<bool> cancel{false};
    daemon::IntervalHistoryReader reader(path, &cancel);
    CHECK(reader.query(month.first, month.end(), "q03").size() ==
          static_cast<std::size_t>(month.intervals_per_queue()));
    cancel = true;
    CHECK_THROWS_WITH(reader.query(month.first, month.end(), ""), Catch::Contains("interrupt"));
  }

  SECTION("stop() returns long before the month would have been read, with no reply sent") {
    zmq::context_t context;
    ReportWorker worker(context, path);
    const auto full_started = std::chrono::steady_clock::now();
    REQUIRE(worker.submit(everything));
    REQUIRE(await_finished(worker, 60s));
    const auto full = std::chrono::steady_clock::now() - full_started;

    REQUIRE(worker.submit(everything));
    REQUIRE(worker.submit(everything));
    const auto stop_started = std::chrono::steady_clock::now();
    worker.stop();
    const auto stopping = std::chrono::steady_clock::now() - stop_started;
    using milliseconds = std::chrono::duration<double, std::milli>;
    const double full_ms = milliseconds(full).count();
    const double stop_ms = milliseconds(stopping).count();
    INFO("full report " << full_ms << " ms, stop " << stop_ms << " ms");
    CHECK(stopping < full / 2);
    CHECK_FALSE(await_finished(worker, 100ms));
    CHECK_FALSE(worker.submit(everything));  // stopped for good
  }
}
