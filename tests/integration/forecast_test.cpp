// The next interval's forecast through the real daemon: interval history written to the
// daemon's history file before it starts, one event moves the event clock to Monday
// 2026-12-07 10:10 UTC, and /metrics carries the forecast of sales' 10:30 interval (support,
// with no history, has no series at all); floorwatchctl report --forecast compares a past
// Monday's forecast with what happened.
#include <catch2/catch.hpp>

#include <thread>

#include <nlohmann/json.hpp>

#include "daemon/interval_history.h"
#include "integration/floor_fixture.h"

using namespace floorwatch;
using namespace floorwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

core::Timestamp at(const char* text) {
  return *core::parse_timestamp(text);
}

daemon::IntervalRow sales_row(const char* start, std::int64_t offered) {
  daemon::IntervalRow row;
  row.queue = "sales";
  row.start = at(start);
  row.end = row.start + 30min;
  row.counts.offered = offered;
  row.counts.answered = offered;
  row.counts.handled = offered;
  row.counts.handle_time_sum_ms = offered * 180'000;  // AHT 180 s
  row.settings.answer_target = 20s;
  return row;
}

// Three Mondays of sales: 10:30 had 20, 30 and 40 calls (newest first), 11:00 had 10 each.
void write_history(const std::string& path) {
  daemon::IntervalHistory history({path, 62});
  history.store({sales_row("2026-11-30T10:30:00Z", 20), sales_row("2026-11-30T11:00:00Z", 10),
                 sales_row("2026-11-23T10:30:00Z", 30), sales_row("2026-11-23T11:00:00Z", 10),
                 sales_row("2026-11-16T10:30:00Z", 40), sales_row("2026-11-16T11:00:00Z", 10)},
                at("2026-12-06T00:00:00Z"));
}

std::string site_config(const TempDir& dir) {
  return "timezone: UTC\n"
         "interval_minutes: 30\n"
         "state:\n  path: " +
         dir.file("state.db") +
         "\n"
         "queues:\n"
         "  sales:\n    answer_target_seconds: 20\n    service_level_target: 0.8\n"
         "  support:\n    answer_target_seconds: 60\n";
}

// Samples of one family for one queue, by `interval` label.
std::map<std::string, double> forecast_series(const std::vector<Sample>& samples,
                                              const std::string& name, const std::string& queue) {
  std::map<std::string, double> series;
  for (const Sample& sample : samples)
    if (sample.name == name && sample.labels.count("queue") && sample.labels.at("queue") == queue)
      series[sample.labels.at("interval")] = sample.value;
  return series;
}

}  // namespace

TEST_CASE("forecast: /metrics series from the history, none without history",
          "[integration][forecast]") {
  TempDir dir;
  write_history(dir.file("state.db") + ".history");
  RunningDaemon daemon(dir, site_config(dir));
  {  // A support call at 10:10 moves the event clock: forecasts are refreshed on the boundary.
    auto [status, output] = send_jsonl(
        daemon.ingest(),
        dir.write(
            "now.jsonl",
            R"({"ts":"2026-12-07T10:10:00Z","type":"call_enqueued","call":"c1","queue":"support"})"
            "\n"));
    INFO(output);
    REQUIRE(status == 0);
  }
  std::vector<Sample> samples;
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    samples = daemon.scrape();
    if (!forecast_series(samples, "floorwatch_queue_forecast_offered", "sales").empty()) break;
  }
  // Next interval 10:30, weights 6, 5, 4 for the three Mondays that have data:
  // (6·20 + 5·30 + 4·40) / 15 = 430 / 15 = 28.67 calls.
  const auto offered = forecast_series(samples, "floorwatch_queue_forecast_offered", "sales");
  INFO(daemon.process().output());
  REQUIRE(offered.count("next"));
  CHECK(offered.at("next") == Approx(430.0 / 15));
  // Rest of the day from 10:30: 28.67 + 10 (11:00) + 0 for every other interval of those days.
  CHECK(offered.at("rest_of_day") == Approx(430.0 / 15 + 10));
  CHECK(forecast_series(samples, "floorwatch_queue_forecast_aht_seconds", "sales").at("next") ==
        Approx(180.0));
  // 28.67 × 180 s / 1800 s = 2.87 Erlangs at 80 % in 20 s (Erlang C: no patience measured):
  // 4 agents reach 59.9 %, 5 reach 83.9 %.
  CHECK(forecast_series(samples, "floorwatch_queue_forecast_agents_needed", "sales").at("next") ==
        5);
  // support has no history: no series at all, never a 0.
  CHECK(forecast_series(samples, "floorwatch_queue_forecast_offered", "support").empty());
  CHECK(forecast_series(samples, "floorwatch_queue_forecast_agents_needed", "support").empty());

  SECTION("report --forecast: a past Monday's forecast against what happened") {
    auto [status, output] =
        run_command({ctl_binary(), "report", "--control", daemon.control(), "--from", "2026-11-30",
                     "--to", "2026-11-30", "--json", "--forecast"},
                    20s);
    INFO(output);
    REQUIRE(status == 0);
    const json reply = json::parse(output);
    // Monday 11-30 from the two Mondays before it: 10:30 (6·30 + 5·40) / 11 = 34.55 vs 20
    // (APE 72.7 %); 11:00 10 vs 10 (0 %); every other interval 0 vs 0, left out.
    REQUIRE(reply["rows"].size() == 2);
    const json& half_past = reply["rows"][0];
    CHECK(half_past["start"] == "2026-11-30T10:30:00.000Z");
    CHECK(half_past["forecast_offered"].get<double>() == Approx(380.0 / 11));
    CHECK(half_past["actual_offered"].get<double>() == 20);
    CHECK(half_past["error"].get<double>() == Approx(380.0 / 11 - 20));
    CHECK(half_past["absolute_percentage_error"].get<double>() == Approx((380.0 / 11 - 20) / 20));
    CHECK(reply["rows"][1]["absolute_percentage_error"].get<double>() == Approx(0.0));
    REQUIRE(reply["totals"].size() == 1);  // support has no finished interval with history
    CHECK(reply["totals"][0]["queue"] == "sales");
    CHECK(reply["totals"][0]["compared"] == 2);
    CHECK(reply["totals"][0]["mape"].get<double>() == Approx((380.0 / 11 - 20) / 20 / 2));

    auto [csv_status, csv] =
        run_command({ctl_binary(), "report", "--control", daemon.control(), "--from", "2026-11-30",
                     "--to", "2026-11-30", "--csv", "--forecast"},
                    20s);
    INFO(csv);
    REQUIRE(csv_status == 0);
    CHECK(csv.rfind("row_type,queue,interval_start_local,", 0) == 0);
    CHECK(csv.find("\r\ntotal,sales,") != std::string::npos);
    auto [table_status, table] =
        run_command({ctl_binary(), "report", "--control", daemon.control(), "--from", "2026-11-30",
                     "--to", "2026-11-30", "--forecast"},
                    20s);
    INFO(table);
    CHECK(table.find("sales: MAPE 36.4% over 2 intervals") != std::string::npos);
  }
}
