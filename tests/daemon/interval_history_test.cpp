// Interval history on a real SQLite file, fed by the real engine (core::FloorState) on a manual
// clock: one row per queue per interval, late events, retention, restarts, and the report's
// figures and time parsing. Site: Europe/Stockholm (UTC+1 in December), 30-minute intervals.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/core_test_support.h"
#include "daemon/config.h"
#include "daemon/control_server.h"
#include "daemon/ctl/report_view.h"
#include "daemon/interval_history.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace floorwatch::core::testing;
using daemon::IntervalHistory;
using daemon::IntervalRow;

namespace {

using TempDirectory = floorwatch::test::TempDir;

core::FloorConfig stockholm_site() {
  core::FloorConfig config;
  config.time_zone = "Europe/Stockholm";
  config.interval_minutes = 30;
  core::QueueSettings sales;
  sales.answer_target = seconds(20);
  sales.short_abandon = seconds(5);
  sales.service_level_target = 0.8;
  sales.formula = core::ServiceLevelFormula::AbandonsNegative;
  config.queues["sales"] = sales;
  return config;
}

// A floor with its clock, as the daemon builds it.
struct Floor {
  explicit Floor(core::Timestamp start) : clock(start), state(stockholm_site()) {}
  void apply(const core::Event& event) { REQUIRE(state.apply(event).applied); }
  core::ManualClock clock;
  core::FloorState state;
};

// 09:00-09:30 local on 2026-12-01 (08:00Z-08:30Z), worked by hand:
//   c1 waits 10 s, answered (within 20 s); talk 300 s + wrap-up 60 s -> handled 1, 360 s
//   c2 waits 30 s, answered (not within)
//   c3 hangs up after 3 s: abandoned, within target, short (< 5 s)
//   c4 times out after 60 s: exited (timeout); longest wait of the interval
// offered 4, answered 2 (1 within), abandoned 1 (1 within, 1 short), exited 1, wait sum 40 s.
// abandons_negative: A_in / (A + Ab + X) = 1 / (2 + 1 + 1) = 0.25.
void play_nine_oclock(Floor& floor) {
  floor.apply(enqueued(utc("2026-12-01T08:00:00Z"), "c1", "sales"));
  floor.apply(answered(utc("2026-12-01T08:00:10Z"), "c1", "a1"));
  floor.apply(enqueued(utc("2026-12-01T08:01:00Z"), "c2", "sales"));
  floor.apply(answered(utc("2026-12-01T08:01:30Z"), "c2", "a2"));
  floor.apply(enqueued(utc("2026-12-01T08:02:00Z"), "c3", "sales"));
  floor.apply(abandoned(utc("2026-12-01T08:02:03Z"), "c3"));
  floor.apply(enqueued(utc("2026-12-01T08:03:00Z"), "c4", "sales"));
  floor.apply(exited(utc("2026-12-01T08:04:00Z"), "c4", core::ExitReason::Timeout));
  floor.apply(completed(utc("2026-12-01T08:05:10Z"), "c1"));
  floor.apply(agent_state(utc("2026-12-01T08:06:10Z"), "a1", core::AgentStatus::Available));
}

core::OutcomeCounters nine_oclock_counts() {
  core::OutcomeCounters c;
  c.offered = 4;
  c.answered = 2;
  c.answered_within_target = 1;
  c.abandoned = 1;
  c.abandoned_within_target = 1;
  c.abandoned_short = 1;
  c.exited_by_reason[index_of(core::ExitReason::Timeout)] = 1;
  c.answered_wait_sum_ms = 40'000;
  c.handled = 1;
  c.handle_time_sum_ms = 360'000;
  c.max_wait_ms = 60'000;
  return c;
}

std::vector<IntervalRow> all_rows(IntervalHistory& history) {
  return history.query(utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"), "");
}

}  // namespace

TEST_CASE("an interval becomes one row with every counter and the settings in force",
          "[daemon][history]") {
  TempDirectory dir;
  Floor floor(utc("2026-12-01T08:10:00Z"));
  IntervalHistory history({dir.file("state.db.history"), 62});
  play_nine_oclock(floor);
  history.sync(floor.state, floor.clock.now());
  CHECK(history.next_boundary() == utc("2026-12-01T08:30:00Z"));

  auto rows = all_rows(history);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].queue == "sales");
  CHECK(rows[0].start == utc("2026-12-01T08:00:00Z"));
  CHECK(rows[0].end == utc("2026-12-01T08:30:00Z"));
  CHECK(rows[0].counts == nine_oclock_counts());
  CHECK(rows[0].settings.answer_target == seconds(20));
  CHECK(rows[0].settings.service_level_target == 0.8);
  CHECK(rows[0].settings.short_abandon == seconds(5));
  CHECK(rows[0].settings.formula == core::ServiceLevelFormula::AbandonsNegative);

  // Syncing again, or from a second handle on the file, changes nothing: upserts, not appends.
  history.sync(floor.state, floor.clock.now());
  IntervalHistory second_handle({dir.file("state.db.history"), 62});
  second_handle.sync(floor.state, floor.clock.now());
  rows = all_rows(history);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].counts == nine_oclock_counts());
}

TEST_CASE("a late event updates an interval that has already ended", "[daemon][history]") {
  TempDirectory dir;
  Floor floor(utc("2026-12-01T08:10:00Z"));
  IntervalHistory history({dir.file("state.db.history"), 62});
  play_nine_oclock(floor);
  floor.clock.set(utc("2026-12-01T08:31:00Z"));
  history.sync(floor.state,
               floor.clock.now());  // the boundary write: 09:00 is final as far as anyone knows
  REQUIRE(all_rows(history).size() == 1);

  // A collector that was cut off delivers a call that queued at 09:20 local, at 09:41.
  floor.clock.set(utc("2026-12-01T08:41:00Z"));
  floor.apply(enqueued(utc("2026-12-01T08:20:00Z"), "late", "sales"));
  floor.apply(abandoned(utc("2026-12-01T08:41:00Z"), "late"));  // waited 21 min: not short
  history.sync(floor.state, floor.clock.now());

  const auto rows = all_rows(history);
  REQUIRE(rows.size() == 2);
  core::OutcomeCounters nine = nine_oclock_counts();
  nine.offered = 5;
  CHECK(rows[0].start == utc("2026-12-01T08:00:00Z"));
  CHECK(rows[0].counts == nine);
  CHECK(rows[1].start == utc("2026-12-01T08:30:00Z"));  // the abandon counts when it happened
  CHECK(rows[1].counts.offered == 0);
  CHECK(rows[1].counts.abandoned == 1);
  CHECK(rows[1].counts.abandoned_short == 0);
  CHECK(rows[1].counts.max_wait_ms == 21 * 60'000);
}

TEST_CASE("rows whose interval ended more than history_days ago are deleted", "[daemon][history]") {
  TempDirectory dir;
  Floor floor(utc("2026-12-01T08:10:00Z"));
  IntervalHistory history({dir.file("state.db.history"), 2});
  floor.apply(enqueued(utc("2026-12-01T08:00:00Z"), "early", "sales"));  // ends 08:30Z
  floor.apply(enqueued(utc("2026-12-01T11:00:00Z"), "later", "sales"));  // ends 11:30Z
  floor.clock.set(utc("2026-12-01T11:10:00Z"));
  history.sync(floor.state, floor.clock.now());
  REQUIRE(all_rows(history).size() == 2);

  // Two days later at 10:10Z the cut-off is 2026-12-01T10:10Z: the 08:00Z interval ended
  // before it, the 11:00Z one after it.
  floor.clock.set(utc("2026-12-03T10:10:00Z"));
  floor.apply(enqueued(utc("2026-12-03T10:00:00Z"), "today", "sales"));
  floor.state.advance(floor.clock.now());
  history.sync(floor.state, floor.clock.now());
  const auto rows = all_rows(history);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].start == utc("2026-12-01T11:00:00Z"));
  CHECK(rows[1].start == utc("2026-12-03T10:00:00Z"));
}

TEST_CASE("after a restart the history is reloaded and nothing is counted twice",
          "[daemon][history]") {
  TempDirectory dir;
  const std::string path = dir.file("state.db.history");
  std::string snapshot;
  {
    Floor floor(utc("2026-12-01T08:10:00Z"));
    IntervalHistory history({path, 62});
    play_nine_oclock(floor);
    history.sync(floor.state, floor.clock.now());
    snapshot = floor.state.save();
  }

  SECTION("restored from the snapshot, the engine rewrites nothing and continues the row") {
    Floor floor(utc("2026-12-01T08:12:00Z"));
    floor.state.load(snapshot);
    IntervalHistory history({path, 62});
    REQUIRE(all_rows(history).size() == 1);
    CHECK(all_rows(history)[0].counts == nine_oclock_counts());
    history.sync(floor.state, floor.clock.now());
    CHECK(all_rows(history)[0].counts == nine_oclock_counts());

    floor.apply(enqueued(utc("2026-12-01T08:12:00Z"), "c5", "sales"));
    history.sync(floor.state, floor.clock.now());
    CHECK(all_rows(history)[0].counts.offered == 5);
  }

  SECTION("an engine that lost its state never shrinks a stored row") {
    // No snapshot: the engine only knows one call of that interval, the file knows four.
    Floor floor(utc("2026-12-01T08:20:00Z"));
    IntervalHistory history({path, 62});
    floor.apply(enqueued(utc("2026-12-01T08:20:00Z"), "c9", "sales"));
    history.sync(floor.state, floor.clock.now());
    const auto rows = all_rows(history);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].counts == nine_oclock_counts());
  }
}

TEST_CASE("a late event for an interval the engine no longer keeps leaves its row whole",
          "[daemon][history]") {
  TempDirectory dir;
  Floor floor(utc("2026-12-01T08:10:00Z"));
  IntervalHistory history({dir.file("state.db.history"), 62});
  play_nine_oclock(floor);
  history.sync(floor.state, floor.clock.now());
  // Three days on the engine keeps only yesterday and today.
  floor.clock.set(utc("2026-12-04T09:00:00Z"));
  floor.state.advance(floor.clock.now());
  history.sync(floor.state, floor.clock.now());
  // A call from 2026-12-01 09:20 local arrives now: the engine opens a fresh bucket holding
  // just that call, which must not replace the whole interval in the history.
  floor.apply(enqueued(utc("2026-12-01T08:20:00Z"), "very-late", "sales"));
  history.sync(floor.state, floor.clock.now());
  const auto rows = all_rows(history);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].counts == nine_oclock_counts());
}

TEST_CASE("report totals sum the counters before applying the formula", "[daemon][history]") {
  TempDirectory dir;
  Floor floor(utc("2026-12-01T08:00:00Z"));
  IntervalHistory history({dir.file("state.db.history"), 62});
  // 09:00 local: one call answered after 5 s -> SL 1/1. 09:30: three calls answered after 5,
  // 30 and 40 s -> SL 1/3. Over both: 2 of 4 within target = 0.5 (the mean of the two
  // interval figures would be 0.667). ASA over both: (5 + 5 + 30 + 40) / 4 = 20 s.
  floor.apply(enqueued(utc("2026-12-01T08:10:00Z"), "x1", "sales"));
  floor.apply(answered(utc("2026-12-01T08:10:05Z"), "x1", "a1"));
  int n = 0;
  for (int wait : {5, 30, 40}) {
    const std::string call = "y" + std::to_string(++n);
    floor.apply(enqueued(utc("2026-12-01T08:40:00Z"), call, "sales"));
    floor.apply(answered(utc("2026-12-01T08:40:00Z") + seconds(wait), call, "b" + call));
  }
  floor.clock.set(utc("2026-12-01T08:45:00Z"));
  history.sync(floor.state, floor.clock.now());

  const core::SiteCalendar calendar("Europe/Stockholm", 0, 30);
  const auto from = utc("2026-11-30T23:00:00Z");
  const auto to = utc("2026-12-01T23:00:00Z");
  const auto report =
      daemon::report_json(history.query(from, to, "sales"), from, to, floor.clock.now(), calendar);
  INFO(report.dump(2));
  REQUIRE(report["rows"].size() == 2);
  CHECK(report["from_local"] == "2026-12-01T00:00:00+01:00");
  CHECK(report["rows"][0]["start_local"] == "2026-12-01T09:00:00+01:00");
  CHECK(report["rows"][0]["partial"] == false);
  CHECK(report["rows"][0]["service_level"].get<double>() == Approx(1.0));
  CHECK(report["rows"][1]["partial"] == true);  // 09:30-10:00 is still running at 09:45
  CHECK(report["rows"][1]["service_level"].get<double>() == Approx(1.0 / 3));
  CHECK(report["rows"][1]["settings"]["service_level_formula"] == "abandons_negative");
  REQUIRE(report["totals"].size() == 1);
  const auto& total = report["totals"][0];
  CHECK(total["intervals"] == 2);
  CHECK(total["counts"]["answered"] == 4);
  CHECK(total["counts"]["answered_within_target"] == 2);
  CHECK(total["service_level"].get<double>() == Approx(0.5));
  CHECK(total["asa_seconds"].get<double>() == Approx(20.0));
  CHECK(total["abandon_ratio"].get<double>() == Approx(0.0));
  CHECK(total["aht_seconds"].is_null());  // no call has finished its wrap-up: no AHT, not 0
}

TEST_CASE("report times are dates, local date-times in the site zone, or epoch ms",
          "[daemon][history]") {
  using daemon::parse_report_time;
  using daemon::resolve_report_time;
  const core::SiteCalendar stockholm("Europe/Stockholm", 0, 30);

  const auto day = parse_report_time("2026-12-01");
  REQUIRE(day);
  CHECK(resolve_report_time(*day, stockholm, false) == utc("2026-11-30T23:00:00Z"));
  // `to` as a date includes that whole day.
  CHECK(resolve_report_time(*day, stockholm, true) == utc("2026-12-01T23:00:00Z"));
  // A reporting day that starts at 06:00 local.
  const core::SiteCalendar early_shift("Europe/Stockholm", 6 * 60, 30);
  CHECK(resolve_report_time(*day, early_shift, false) == utc("2026-12-01T05:00:00Z"));

  const auto local = parse_report_time("2026-07-01T09:30");
  REQUIRE(local);
  CHECK(resolve_report_time(*local, stockholm, false) == utc("2026-07-01T07:30:00Z"));  // CEST
  const auto with_space = parse_report_time("2026-12-01 09:30:15");
  REQUIRE(with_space);
  CHECK(resolve_report_time(*with_space, stockholm, true) == utc("2026-12-01T08:30:15Z"));
  const auto epoch = parse_report_time("1795510800000");
  REQUIRE(epoch);
  CHECK(resolve_report_time(*epoch, stockholm, false) == core::from_epoch_ms(1795510800000));

  for (const char* bad : {"", "2026-13-01", "2026-02-30", "2026-12-01T24:00", "2026-12-1",
                          "yesterday", "2026-12-01T09:30Z", "-5"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_report_time(bad));
  }
}

TEST_CASE("state.history_days defaults to 62 and must be a whole number of days",
          "[daemon][history][config]") {
  CHECK(daemon::parse_config("", "site.yaml").state.history_days == 62);
  CHECK(daemon::parse_config("state:\n  history_days: 400\n", "site.yaml").state.history_days ==
        400);
  CHECK_THROWS_WITH(daemon::parse_config("state:\n  history_days: 0\n", "site.yaml"),
                    Catch::Contains("site.yaml:2") && Catch::Contains("state.history_days"));
}

TEST_CASE("the report command explains a bad request by the field at fault", "[daemon][history]") {
  TempDirectory dir;
  Floor floor(utc("2026-12-01T08:10:00Z"));
  daemon::SelfMetrics metrics{{"test-site", "fw-test"}, "0"};
  daemon::IngestProcessor ingest(floor.state, metrics, nullptr, "fw-test");
  daemon::FloorViewPublisher views;
  views.publish(floor.state, floor.clock.now(), {});
  daemon::ControlServer server(views, ingest, {{"test-site", "fw-test"}, "0", "wall", {}});
  auto error_of = [&](const std::string& request) {
    return nlohmann::json::parse(server.handle(request, floor.clock.now()).reply)
        .value("error", std::string());
  };

  CHECK_THAT(error_of(R"({"command":"report","from":"2026-12-01","to":"2026-12-01"})"),
             Catch::Contains("needs state.path"));

  IntervalHistory history({dir.file("state.db.history"), 62});
  server.enable_reports(true);
  CHECK_THAT(error_of(R"({"command":"report","to":"2026-12-01"})"),
             Catch::Contains("report needs \"from\""));
  CHECK_THAT(
      error_of(R"({"command":"report","from":"2026-12-32","to":"2026-12-01"})"),
      Catch::StartsWith("from: expected a date YYYY-MM-DD") && Catch::Contains("2026-12-32"));
  CHECK_THAT(error_of(R"({"command":"report","from":"2026-12-01","to":true})"),
             Catch::StartsWith("to: expected"));
  CHECK_THAT(error_of(R"({"command":"report","from":"2026-12-02","to":"2026-12-01T12:00"})"),
             Catch::StartsWith("to: must be after from"));

  play_nine_oclock(floor);
  // A valid report is resolved on the loop, which syncs the history before handing it to the
  // report worker.
  const auto answer = server.handle(
      R"({"command":"report","from":1795510800000,"to":"2026-12-01","queue":"sales"})",
      floor.clock.now());
  REQUIRE(answer.report);
  history.sync(floor.state, floor.clock.now());
  daemon::IntervalHistoryReader reader(dir.file("state.db.history"));
  const auto reply = nlohmann::json::parse(daemon::build_report_reply(reader, *answer.report));
  INFO(reply.dump(2));
  REQUIRE(reply["rows"].size() == 1);  // written just before the reply, although still running
  CHECK(reply["rows"][0]["partial"] == true);
  CHECK(reply["rows"][0]["counts"]["offered"] == 4);
  CHECK(reply["rows"][0]["service_level"].get<double>() == Approx(0.25));
}

TEST_CASE("report CSV quotes what a spreadsheet would split", "[daemon][history]") {
  IntervalRow row;
  row.queue = "sales, \"north\"";
  row.start = utc("2026-12-01T08:00:00Z");
  row.end = utc("2026-12-01T08:30:00Z");
  row.counts = nine_oclock_counts();
  const core::SiteCalendar calendar("Europe/Stockholm", 0, 30);
  const auto report = daemon::report_json({row}, row.start, row.end, row.end, calendar);
  const std::string csv = ctl::format_report_csv(report);
  INFO(csv);
  CHECK(csv.find("\r\ninterval,\"sales, \"\"north\"\"\",2026-12-01T09:00:00+01:00,") !=
        std::string::npos);
  CHECK(csv.find("\r\ntotal,\"sales, \"\"north\"\"\",") != std::string::npos);
}
