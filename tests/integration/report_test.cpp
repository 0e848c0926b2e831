// The interval history as a supervisor uses it: a real floorwatchd (event clock) receives a
// scripted morning over real ZeroMQ from the real collector, the real floorwatchctl prints the
// report as CSV, JSON and a table, and after a restart the history is still there — even for
// a day the engine itself no longer keeps in memory.
#include <catch2/catch.hpp>

#include <csignal>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// Site in Stockholm (UTC+1 in December), 30-minute intervals. sales: answer within 20 s,
// short abandon < 5 s, short_abandons_excluded = A_in / (A + Ab + X - Ab_short).
// support: answer within 60 s, answered_only = A_in / A.
std::string site_config(const TempDir& dir) {
  return "timezone: Europe/Stockholm\n"
         "interval_minutes: 30\n"
         "state:\n  path: " +
         dir.file("state.db") +
         "\n"
         "queues:\n"
         "  sales:\n    answer_target_seconds: 20\n    short_abandon_seconds: 5\n"
         "    service_level_formula: short_abandons_excluded\n"
         "  support:\n    answer_target_seconds: 60\n    service_level_formula: answered_only\n";
}

// 2026-12-01, 09:00-09:30 local (08:00Z-08:30Z):
//   sales  s1 waits 15 s, answered (in target); talk + wrap-up until 08:05:15 -> AHT 300 s
//          s2 waits 45 s, answered (late)
//          s3 hangs up after 2 s (abandoned in target, short)
//          s4 hangs up after 40 s (abandoned, not short)
//     -> offered 4, answered 2 (1 in target), abandoned 2 (1 short), exits 0, max wait 45 s
//        SL = 1 / (2 + 2 + 0 - 1) = 1/3; ASA (15 + 45) / 2 = 30 s; abandon ratio 2/4 = 0.5
//   support t1 waits 30 s, answered (in target); t2 hangs up after 120 s
//     -> SL answered_only = 1/1 = 1.0; abandon ratio 1/2 = 0.5
// 09:30-10:00 local (08:30Z-09:00Z):
//   sales  s5 waits 10 s, s7 waits 20 s (= target: in), s8 waits 5 s: answered in target;
//          s6 times out after 120 s (exit, reason timeout)
//     -> offered 4, answered 3 (3 in target), exits 1, SL = 3 / (3 + 0 + 1 - 0) = 0.75,
//        ASA (10 + 20 + 5) / 3 = 11.667 s, max wait 120 s
// sales over both: answered 5, in target 4, abandoned 2 (1 short), exits 1:
//   SL = 4 / (5 + 2 + 1 - 1) = 4/7 = 0.5714 (the mean of 1/3 and 0.75 would be 0.5417);
//   ASA (60 + 35) / 5 = 19 s; abandon ratio 2 / 8 = 0.25.
// The last line moves the event clock past 10:00 local, so both intervals have ended.
const char* kMorning =
    R"({"ts":"2026-12-01T08:00:00Z","type":"call_enqueued","call":"s1","queue":"sales"}
{"ts":"2026-12-01T08:00:15Z","type":"call_answered","call":"s1","agent":"a1"}
{"ts":"2026-12-01T08:01:00Z","type":"call_enqueued","call":"s2","queue":"sales"}
{"ts":"2026-12-01T08:01:45Z","type":"call_answered","call":"s2","agent":"a2"}
{"ts":"2026-12-01T08:02:00Z","type":"call_enqueued","call":"s3","queue":"sales"}
{"ts":"2026-12-01T08:02:02Z","type":"call_abandoned","call":"s3"}
{"ts":"2026-12-01T08:03:00Z","type":"call_enqueued","call":"s4","queue":"sales"}
{"ts":"2026-12-01T08:03:40Z","type":"call_abandoned","call":"s4"}
{"ts":"2026-12-01T08:04:15Z","type":"call_completed","call":"s1"}
{"ts":"2026-12-01T08:05:15Z","type":"agent_state","agent":"a1","state":"available"}
{"ts":"2026-12-01T08:10:00Z","type":"call_enqueued","call":"t1","queue":"support"}
{"ts":"2026-12-01T08:10:30Z","type":"call_answered","call":"t1","agent":"b1"}
{"ts":"2026-12-01T08:11:00Z","type":"call_enqueued","call":"t2","queue":"support"}
{"ts":"2026-12-01T08:13:00Z","type":"call_abandoned","call":"t2"}
{"ts":"2026-12-01T08:31:00Z","type":"call_enqueued","call":"s5","queue":"sales"}
{"ts":"2026-12-01T08:31:10Z","type":"call_answered","call":"s5","agent":"a1"}
{"ts":"2026-12-01T08:32:00Z","type":"call_enqueued","call":"s6","queue":"sales"}
{"ts":"2026-12-01T08:33:00Z","type":"call_enqueued","call":"s7","queue":"sales"}
{"ts":"2026-12-01T08:33:20Z","type":"call_answered","call":"s7","agent":"a3"}
{"ts":"2026-12-01T08:34:00Z","type":"call_exited","call":"s6","reason":"timeout"}
{"ts":"2026-12-01T08:35:00Z","type":"call_enqueued","call":"s8","queue":"sales"}
{"ts":"2026-12-01T08:35:05Z","type":"call_answered","call":"s8","agent":"a4"}
{"ts":"2026-12-01T09:00:30Z","type":"agent_state","agent":"a9","state":"paused","reason":"lunch"}
)";

std::pair<int, std::string> report(const RunningDaemon& daemon, std::vector<std::string> extra) {
  std::vector<std::string> argv{ctl_binary(), "report", "--control", daemon.control()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv, 20s);
}

json report_json(const RunningDaemon& daemon) {
  auto [status, output] = report(daemon, {"--from", "2026-12-01", "--to", "2026-12-01", "--json"});
  INFO(output);
  REQUIRE(status == 0);
  return json::parse(output);
}

// CSV rows as header name -> cell (the scenario has no quoted cells).
std::vector<std::map<std::string, std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::istringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    lines.push_back(cells);
  }
  std::vector<std::map<std::string, std::string>> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < lines[0].size() && c < lines[i].size(); ++c)
      row[lines[0][c]] = lines[i][c];
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("floorwatchctl report prints the interval history, and it survives a restart",
          "[integration][history]") {
  TempDir dir;
  auto daemon = std::make_unique<RunningDaemon>(dir, site_config(dir));
  {
    auto [status, output] = send_jsonl(daemon->ingest(), dir.write("morning.jsonl", kMorning));
    INFO(output);
    REQUIRE(status == 0);
  }

  const json first = report_json(*daemon);
  INFO(first.dump(2));
  CHECK(first["from_local"] == "2026-12-01T00:00:00+01:00");
  CHECK(first["to_local"] == "2026-12-02T00:00:00+01:00");
  CHECK(first["time_zone"] == "Europe/Stockholm");
  const json& rows = first["rows"];
  REQUIRE(rows.size() == 3);  // sales 09:00, sales 09:30, support 09:00

  const json& sales_nine = rows[0];
  CHECK(sales_nine["queue"] == "sales");
  CHECK(sales_nine["start_local"] == "2026-12-01T09:00:00+01:00");
  CHECK(sales_nine["start"] == "2026-12-01T08:00:00.000Z");
  CHECK(sales_nine["end"] == "2026-12-01T08:30:00.000Z");
  CHECK(sales_nine["partial"] == false);
  CHECK(sales_nine["counts"]["offered"] == 4);
  CHECK(sales_nine["counts"]["answered"] == 2);
  CHECK(sales_nine["counts"]["answered_within_target"] == 1);
  CHECK(sales_nine["counts"]["abandoned"] == 2);
  CHECK(sales_nine["counts"]["abandoned_within_target"] == 1);
  CHECK(sales_nine["counts"]["abandoned_short"] == 1);
  CHECK(sales_nine["counts"]["exited_total"] == 0);
  CHECK(sales_nine["counts"]["answered_wait_sum_ms"] == 60000);
  CHECK(sales_nine["counts"]["handled"] == 1);
  CHECK(sales_nine["counts"]["handle_time_sum_ms"] == 300000);
  CHECK(sales_nine["counts"]["max_wait_ms"] == 45000);
  CHECK(sales_nine["settings"]["service_level_formula"] == "short_abandons_excluded");
  CHECK(sales_nine["settings"]["answer_target_seconds"] == 20.0);
  CHECK(sales_nine["service_level"].get<double>() == Approx(1.0 / 3));
  CHECK(sales_nine["asa_seconds"].get<double>() == Approx(30.0));
  CHECK(sales_nine["aht_seconds"].get<double>() == Approx(300.0));
  CHECK(sales_nine["abandon_ratio"].get<double>() == Approx(0.5));
  CHECK(sales_nine["max_wait_seconds"].get<double>() == Approx(45.0));

  const json& sales_half_past = rows[1];
  CHECK(sales_half_past["start_local"] == "2026-12-01T09:30:00+01:00");
  CHECK(sales_half_past["partial"] == false);
  CHECK(sales_half_past["counts"]["offered"] == 4);
  CHECK(sales_half_past["counts"]["answered_within_target"] == 3);
  CHECK(sales_half_past["counts"]["exited"]["timeout"] == 1);
  CHECK(sales_half_past["service_level"].get<double>() == Approx(0.75));
  CHECK(sales_half_past["asa_seconds"].get<double>() == Approx(35.0 / 3));
  CHECK(sales_half_past["aht_seconds"].is_null());  // nobody finished wrap-up: absent, not 0
  CHECK(sales_half_past["max_wait_seconds"].get<double>() == Approx(120.0));

  const json& support_nine = rows[2];
  CHECK(support_nine["queue"] == "support");
  CHECK(support_nine["settings"]["service_level_formula"] == "answered_only");
  CHECK(support_nine["service_level"].get<double>() == Approx(1.0));
  CHECK(support_nine["abandon_ratio"].get<double>() == Approx(0.5));

  REQUIRE(first["totals"].size() == 2);
  const json& sales_total = first["totals"][0];
  CHECK(sales_total["queue"] == "sales");
  CHECK(sales_total["intervals"] == 2);
  CHECK(sales_total["counts"]["answered"] == 5);
  CHECK(sales_total["service_level"].get<double>() == Approx(4.0 / 7));
  CHECK(sales_total["asa_seconds"].get<double>() == Approx(19.0));
  CHECK(sales_total["abandon_ratio"].get<double>() == Approx(0.25));

  {  // CSV for a spreadsheet: a header row, the intervals, then one total per queue.
    auto [status, output] =
        report(*daemon, {"--from", "2026-12-01", "--to", "2026-12-01", "--csv"});
    INFO(output);
    REQUIRE(status == 0);
    CHECK(output.rfind("row_type,queue,interval_start_local,", 0) == 0);
    const auto csv = parse_csv(output);
    REQUIRE(csv.size() == 5);
    CHECK(csv[0].at("row_type") == "interval");
    CHECK(csv[0].at("queue") == "sales");
    CHECK(csv[0].at("interval_start_local") == "2026-12-01T09:00:00+01:00");
    CHECK(csv[0].at("offered") == "4");
    CHECK(csv[0].at("abandoned_short") == "1");
    CHECK(csv[0].at("service_level_formula") == "short_abandons_excluded");
    CHECK(std::stod(csv[0].at("service_level")) == Approx(1.0 / 3));
    CHECK(csv[1].at("exited_timeout") == "1");
    CHECK(csv[1].at("aht_seconds").empty());
    CHECK(std::stod(csv[1].at("service_level")) == Approx(0.75));
    CHECK(csv[2].at("queue") == "support");
    CHECK(csv[3].at("row_type") == "total");
    CHECK(csv[3].at("queue") == "sales");
    CHECK(std::stod(csv[3].at("service_level")) == Approx(4.0 / 7));
    CHECK(csv[4].at("queue") == "support");
  }
  {  // The table a supervisor reads, one queue only.
    auto [status, output] = report(
        *daemon, {"--from", "2026-12-01T09:00", "--to", "2026-12-01T10:00", "--queue", "sales"});
    INFO(output);
    REQUIRE(status == 0);
    CHECK(output.find("Europe/Stockholm") != std::string::npos);
    CHECK(output.find("2026-12-01 09:00") != std::string::npos);
    CHECK(output.find("2026-12-01 09:30") != std::string::npos);
    CHECK(output.find("33.3%") != std::string::npos);
    CHECK(output.find("75.0%") != std::string::npos);
    CHECK(output.find("57.1%") != std::string::npos);  // the total: 4/7
    CHECK(output.find("support") == std::string::npos);
  }
  {  // A mistyped date names the option and never reaches the daemon.
    auto [status, output] = report(*daemon, {"--from", "2026-13-01", "--to", "2026-12-02"});
    CHECK(status == 2);
    CHECK(output.find("--from") != std::string::npos);
    CHECK(output.find("2026-13-01") != std::string::npos);
  }

  // Three days later the engine keeps only yesterday and today: 2026-12-01 now lives only in
  // the history file.
  {
    auto [status, output] = send_jsonl(
        daemon->ingest(),
        dir.write(
            "later.jsonl",
            R"({"ts":"2026-12-04T09:00:00Z","type":"agent_state","agent":"a9","state":"available"})"
            "\n"));
    INFO(output);
    REQUIRE(status == 0);
  }
  daemon->process().signal(SIGTERM);
  REQUIRE(daemon->process().wait_exit(20s) == 0);
  daemon.reset();

  RunningDaemon restarted(dir, site_config(dir));
  const json after = report_json(restarted);
  CHECK(after["rows"] == first["rows"]);
  CHECK(after["totals"] == first["totals"]);
}
