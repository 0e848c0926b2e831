// floorwatchctl's pieces: duration arguments, the Erlang C table, the top view and the alerts
// table.
#include <catch2/catch.hpp>

#include "daemon/ctl/ctl_commands.h"
#include "daemon/ctl/duration.h"
#include "daemon/ctl/top_view.h"

using namespace floorwatch;
using nlohmann::json;

TEST_CASE("durations accept seconds, s, m and h", "[daemon][ctl]") {
  auto [text, seconds] = GENERATE(table<std::string, double>(
      {{"1800", 1800}, {"1800s", 1800}, {"30m", 1800}, {"1h", 3600}, {"1.5h", 5400}, {"0", 0}}));
  INFO(text);
  CHECK(ctl::parse_duration_seconds(text) == seconds);
}

TEST_CASE("durations reject what is not one", "[daemon][ctl]") {
  auto text = GENERATE(as<std::string>{}, "", "m", "30 m", "thirty", "-5", "5d", "1h30m");
  INFO(text);
  CHECK_FALSE(ctl::parse_duration_seconds(text));
}

TEST_CASE("the erlang table matches the reference vector", "[daemon][ctl]") {
  // docs reference (R ErlangC): 100 calls / 30 min, AHT 180 s, T = 20 s -> A = 10 Erlangs;
  // N=13: SL 0.795595; N=14: SL 0.888350, ASA 7.836 s; 80/20 needs 14.
  ctl::ErlangRequest request;
  request.workload = {100, 1800, 180};
  request.answer_target_seconds = 20;
  request.service_level_target = 0.8;
  const json table = ctl::erlang_table(request);
  CHECK(table["agents_required"] == 14);
  CHECK(table["traffic_erlangs"] == Approx(10));
  // Rows run from required-2 to required+3.
  REQUIRE(table["rows"].size() == 6);
  CHECK(table["rows"][0]["agents"] == 12);
  CHECK(table["rows"][5]["agents"] == 17);
  CHECK(table["rows"][1]["service_level"].get<double>() == Approx(0.795595).epsilon(1e-5));
  CHECK(table["rows"][2]["service_level"].get<double>() == Approx(0.888350).epsilon(1e-5));
  CHECK(table["rows"][2]["asa_seconds"].get<double>() == Approx(7.836).epsilon(1e-3));
  // Occupancy = A / N = 10 / 14.
  CHECK(table["rows"][2]["occupancy"].get<double>() == Approx(10.0 / 14));
  const std::string text = ctl::format_erlang_table(table);
  CHECK(text.find("agents required: 14") != std::string::npos);
  CHECK(text.find("88.8%") != std::string::npos);
}

TEST_CASE("top shows waits as mm:ss and missing figures as '-'", "[daemon][ctl]") {
  CHECK(ctl::format_wait(json(93.4)) == "01:33");
  CHECK(ctl::format_wait(json(3725)) == "1:02:05");
  CHECK(ctl::format_wait(json(nullptr)) == "-");
  CHECK(ctl::format_percent(json(0.8)) == "80.0%");
  CHECK(ctl::format_percent(json(nullptr)) == "-");
}

TEST_CASE("top draws one row per queue from a snapshot", "[daemon][ctl]") {
  const json snapshot = json::parse(R"({
    "site": "stockholm", "daemon": "fw-a", "now": "2026-11-24T09:01:40.000Z", "active_calls": 3,
    "queues": [
      {"name": "billing", "calls_waiting": 2, "oldest_wait_seconds": 93.0, "staffed_agents": 4,
       "agents_required": 6,
       "settings": {"service_level_formula": "answered_only", "service_level_target": 0.8,
                    "answer_target_seconds": 20},
       "agents_by_state": {"available": 1, "ringing": 1, "busy": 1, "wrapup": 1, "paused": 2},
       "windows": {"interval": {"service_level": 0.5},
                   "today": {"service_level": 0.25, "asa_seconds": 20, "abandoned": 3}}},
      {"name": "sales", "calls_waiting": 0, "oldest_wait_seconds": null, "staffed_agents": 0,
       "agents_required": null, "settings": {}, "agents_by_state": {}, "windows": {}}
    ]})");
  const std::string text = ctl::render_top(snapshot);
  INFO(text);
  CHECK(text.find("site=stockholm") != std::string::npos);
  const auto billing_row = text.substr(
      text.find("billing"), text.find('\n', text.find("billing")) - text.find("billing"));
  CHECK(billing_row.find("01:33") != std::string::npos);
  CHECK(billing_row.find("50.0%") != std::string::npos);
  CHECK(billing_row.find("25.0%") != std::string::npos);
  CHECK(billing_row.find("answered_only 80/20s") != std::string::npos);
  CHECK(billing_row.find("6/4") != std::string::npos);  // needed vs staffed
  CHECK(text.find("sales") != std::string::npos);
}

TEST_CASE("a control request to a silent endpoint fails quickly naming it", "[daemon][ctl]") {
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(ctl::control_request("tcp://127.0.0.1:1", {{"command", "status"}},
                                         std::chrono::milliseconds(300)),
                    Catch::Contains("tcp://127.0.0.1:1"));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("alerts --resolved says when and why each resolved alert ended", "[daemon][ctl]") {
  const auto reply = nlohmann::json::parse(R"({
    "alerts": [{"id": 2, "rule": "NobodyAvailable", "state": "acknowledged",
                "labels": {"queue": "sales", "severity": "critical"},
                "fired_at": "2026-11-24T09:00:00.000Z", "acknowledged_by": "Maria"}],
    "resolved": [{"id": 1, "rule": "CallersWaiting", "state": "resolved",
                  "labels": {"queue": "sales", "severity": "warning"},
                  "fired_at": "2026-11-24T09:00:01.000Z",
                  "resolved_at": "2026-11-24T09:05:00.000Z", "resolve_reason": "rule_removed"}]})");
  const std::string with_resolved = floorwatch::ctl::format_alerts(reply, true);
  CHECK(with_resolved.find("RESOLVED (REASON)") != std::string::npos);
  CHECK(with_resolved.find("2026-11-24T09:05:00.000Z (rule_removed)") != std::string::npos);
  const std::string active_only = floorwatch::ctl::format_alerts(reply, false);
  CHECK(active_only.find("CallersWaiting") == std::string::npos);
  CHECK(active_only.find("Maria\n") != std::string::npos);  // no empty trailing column
}
