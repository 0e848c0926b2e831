// The daemon's side of the forecast: history rows to per-queue forecasts (live settings and
// patience win over a row's), the /metrics families (absent without history), the
// `report --forecast` reply (each interval forecast from the weeks before it only) and its
// table and CSV.
#include <catch2/catch.hpp>

#include <thread>

#include <nlohmann/json.hpp>

#include "daemon/ctl/forecast_report_view.h"
#include "daemon/forecast_metrics.h"
#include "daemon/forecast_report.h"
#include "daemon/forecast_set.h"
#include "daemon/forecast_worker.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

core::Timestamp at(const char* text) {
  return *core::parse_timestamp(text);
}

daemon::IntervalRow row(const char* queue, const char* start, std::int64_t offered,
                        double aht = 180) {
  daemon::IntervalRow r;
  r.queue = queue;
  r.start = at(start);
  r.end = r.start + 30min;
  r.counts.offered = offered;
  r.counts.handled = offered;
  r.counts.handle_time_sum_ms =
      static_cast<std::int64_t>(static_cast<double>(offered) * aht * 1000);
  r.settings.answer_target = 20s;
  r.settings.service_level_target = 0.8;
  return r;
}

const core::SiteCalendar kUtc("UTC", 0, 30);

// sales: 100 calls at 10:30 on the two Mondays before 2026-12-07 (and 60 on 11-30 at 11:00).
std::vector<daemon::IntervalRow> sales_history() {
  return {row("sales", "2026-11-23T10:30:00Z", 100), row("sales", "2026-11-30T10:30:00Z", 100),
          row("sales", "2026-11-30T11:00:00Z", 60)};
}

}  // namespace

TEST_CASE("forecast set: one forecast per queue with history, live settings first",
          "[daemon][forecast]") {
  const core::Timestamp now = at("2026-12-07T10:10:00Z");
  SECTION("from the rows' settings: 10 Erlangs at 80/20 under Erlang C need 14") {
    const auto set = daemon::build_forecasts(sales_history(), now, kUtc, {});
    REQUIRE(set.find("sales"));
    CHECK(set.find("sales")->next.offered == Approx(100));
    CHECK(set.find("sales")->agents_needed == 14);
    // 11:00: 60 a week ago (weight 6), none two weeks ago on a day with rows (0, weight 5).
    CHECK(set.find("sales")->rest_of_day->offered == Approx(100 + 360.0 / 11));
    CHECK_FALSE(set.find("support"));
  }
  SECTION("the floor's settings and patience win: a looser target needs fewer agents") {
    daemon::QueueStaffingInputs live;
    live.settings.answer_target = 60s;
    live.settings.service_level_target = 0.8;
    live.mean_patience_seconds = 120;
    const auto set = daemon::build_forecasts(sales_history(), now, kUtc, {{"sales", live}});
    CHECK(set.find("sales")->staffing_model == core::StaffingModel::ErlangA);
    REQUIRE(set.find("sales")->agents_needed);
    CHECK(*set.find("sales")->agents_needed < 14);
  }
  SECTION("the history read: the same day of each of the last weeks, oldest first") {
    const auto ranges = daemon::forecast_history_ranges(now, kUtc, 6);
    REQUIRE(ranges.size() == 6);
    CHECK(ranges.front().first == at("2026-10-25T22:00:00Z"));  // Monday 10-26 − 2 h slack
    CHECK(ranges.front().second == at("2026-10-27T02:00:00Z"));
    CHECK(ranges.back().first == at("2026-11-29T22:00:00Z"));  // Monday 11-30 − 2 h
    CHECK(ranges.back().second == at("2026-12-01T02:00:00Z"));
    // In the day's last interval the next one is tomorrow's: both days are read.
    const auto late = daemon::forecast_history_ranges(at("2026-12-07T23:40:00Z"), kUtc, 1);
    CHECK(late.front().second == at("2026-12-02T02:00:00Z"));
  }
}

TEST_CASE("forecast metrics: next and rest of day; no series without a forecast",
          "[daemon][forecast]") {
  const auto set = daemon::build_forecasts(sales_history(), at("2026-12-07T10:10:00Z"), kUtc, {});
  const auto families = daemon::build_forecast_families(&set, {"site1", "fw-a"});
  std::map<std::string, double> values;
  for (const auto& family : families)
    for (const auto& metric : family.metric) {
      std::string key = family.name;
      for (const auto& label : metric.label)
        if (label.name == "queue" || label.name == "interval") key += " " + label.value;
      values[key] = metric.gauge.value;
    }
  CHECK(values.at("floorwatch_queue_forecast_offered sales next") == Approx(100));
  CHECK(values.at("floorwatch_queue_forecast_offered sales rest_of_day") ==
        Approx(100 + 360.0 / 11));
  CHECK(values.at("floorwatch_queue_forecast_aht_seconds sales next") == Approx(180));
  CHECK(values.at("floorwatch_queue_forecast_agents_needed sales next") == 14);
  CHECK(values.size() == 5);  // nothing for support, no agents_needed for the rest of the day
  CHECK(daemon::build_forecast_families(nullptr, {"site1", "fw-a"}).empty());
  const daemon::ForecastSet empty;
  CHECK(daemon::build_forecast_families(&empty, {"site1", "fw-a"}).empty());
}

TEST_CASE("report --forecast: each interval from the weeks before it, and MAPE per queue",
          "[daemon][forecast]") {
  // Mondays at 10:30: 80 (11-16), 100 (11-23), 90 (11-30); the report covers 11-30.
  std::vector<daemon::IntervalRow> rows{
      row("sales", "2026-11-16T10:30:00Z", 80), row("sales", "2026-11-23T10:30:00Z", 100),
      row("sales", "2026-11-30T10:30:00Z", 90), row("sales", "2026-11-30T11:00:00Z", 5)};
  const json reply =
      daemon::forecast_report_json(rows, at("2026-11-30T00:00:00Z"), at("2026-12-01T00:00:00Z"),
                                   at("2026-12-07T10:10:00Z"), kUtc, 6);
  INFO(reply.dump(2));
  REQUIRE(reply["rows"].size() == 2);
  const json& half_past = reply["rows"][0];
  // 11-30 10:30 from 11-23 (weight 6) and 11-16 (weight 5), never from 11-30 itself:
  // (6·100 + 5·80) / 11 = 90.91 against 90: APE 1.01 %.
  CHECK(half_past["forecast_offered"].get<double>() == Approx(1000.0 / 11));
  CHECK(half_past["actual_offered"].get<double>() == 90);
  CHECK(half_past["weeks_used"] == 2);
  CHECK(half_past["absolute_percentage_error"].get<double>() == Approx((1000.0 / 11 - 90) / 90));
  // 11:00: nothing in the weeks before (days with rows: 0 expected), 5 came: error −5, APE 100 %.
  const json& eleven = reply["rows"][1];
  CHECK(eleven["forecast_offered"].get<double>() == 0);
  CHECK(eleven["error"].get<double>() == -5);
  CHECK(eleven["absolute_percentage_error"].get<double>() == Approx(1.0));
  REQUIRE(reply["totals"].size() == 1);
  CHECK(reply["totals"][0]["mape"].get<double>() == Approx(((1000.0 / 11 - 90) / 90 + 1) / 2));
  CHECK(reply["forecast_weeks"] == 6);

  SECTION("as a table and as CSV") {
    const std::string table = ctl::format_forecast_report_table(reply);
    CHECK(table.find("2026-11-30 10:30      90.9      90     +0.9    1.0%") != std::string::npos);
    CHECK(table.find("sales: MAPE 50.5% over 2 intervals") != std::string::npos);
    const std::string csv = ctl::format_forecast_report_csv(reply);
    CHECK(csv.find("\r\ninterval,sales,2026-11-30T10:30:00+00:00,") != std::string::npos);
    CHECK(csv.find("\r\ntotal,sales,") != std::string::npos);
  }
  SECTION("a running interval has no actual yet: left out") {
    const json running =
        daemon::forecast_report_json(rows, at("2026-11-30T00:00:00Z"), at("2026-12-01T00:00:00Z"),
                                     at("2026-11-30T10:45:00Z"), kUtc, 6);
    CHECK(running["rows"].empty());
  }
}

TEST_CASE("forecast worker: refresh reads the history off the caller's thread and publishes",
          "[daemon][forecast]") {
  test::TempDir dir;
  const std::string path = dir.file("state.db.history");
  {
    daemon::IntervalHistory history({path, 62});
    history.store(sales_history(), at("2026-12-06T00:00:00Z"));
  }
  core::FloorConfig config;
  config.time_zone = "UTC";
  config.queues["support"].answer_target = 60s;
  core::FloorState state(config);
  daemon::FloorViewPublisher views;
  views.publish(state, at("2026-12-07T10:10:00Z"), std::chrono::steady_clock::now());

  daemon::ForecastWorker worker(path, views);
  CHECK_FALSE(worker.current());  // nothing until the first refresh has finished
  worker.refresh(at("2026-12-07T10:10:00Z"));
  for (int i = 0; i < 500 && worker.completed() == 0; ++i) std::this_thread::sleep_for(10ms);
  const auto set = worker.current();
  REQUIRE(set);
  CHECK(set->computed_at == at("2026-12-07T10:10:00Z"));
  REQUIRE(set->find("sales"));
  CHECK(set->find("sales")->next.offered == Approx(100));
  CHECK_FALSE(set->find("support"));  // on the floor, but no history
  worker.stop();
  worker.stop();  // idempotent
}
