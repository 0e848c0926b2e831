// floorwatchctl's pieces: duration arguments, the Erlang C / Erlang A table, the top view and the
// alerts table.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

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

TEST_CASE("without a patience the erlang table keeps Erlang C's keys only", "[daemon][ctl]") {
  ctl::ErlangRequest request;
  request.workload = {100, 1800, 180};
  const json table = ctl::erlang_table(request);
  CHECK_FALSE(table.contains("model"));
  CHECK_FALSE(table.contains("patience_seconds"));
  for (const json& row : table["rows"]) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : row.items()) keys.push_back(key);
    CHECK(keys == std::vector<std::string>{"agents", "asa_seconds", "occupancy",
                                           "probability_of_waiting", "service_level"});
  }
  CHECK(ctl::format_erlang_table(table).find("abandon") == std::string::npos);
}

TEST_CASE("erlang --patience: callers hang up, so fewer agents reach the target", "[daemon][ctl]") {
  // pyworkforce's published Erlang A figures (pyworkforce/queuing/tests/test_abandonment.py):
  // 100 calls / 30 min, AHT 3 min, patience 5 min, T = 20 s, 14 agents: P(wait) 0.14526,
  // P(abandon) 0.013984, SL 0.916792, occupancy 0.704297. 13 agents reach 85.8 %, so 80/20
  // needs 13 where Erlang C needs 14.
  ctl::ErlangRequest request;
  request.workload = {100, 1800, 180};
  request.answer_target_seconds = 20;
  request.service_level_target = 0.8;
  request.patience_seconds = 300;
  const json table = ctl::erlang_table(request);
  CHECK(table["model"] == "erlang_a");
  CHECK(table["patience_seconds"] == 300.0);
  CHECK(table["agents_required"] == 13);
  REQUIRE(table["rows"].size() == 6);
  CHECK(table["rows"][0]["agents"] == 11);
  const json& fourteen = table["rows"][3];
  CHECK(fourteen["agents"] == 14);
  CHECK(fourteen["probability_of_waiting"].get<double>() == Approx(0.14526).margin(5e-6));
  CHECK(fourteen["probability_of_abandoning"].get<double>() == Approx(0.013984).margin(5e-7));
  CHECK(fourteen["service_level"].get<double>() == Approx(0.916792).margin(5e-7));
  CHECK(fourteen["occupancy"].get<double>() == Approx(0.704297).margin(5e-7));
  CHECK(fourteen["asa_seconds"].is_number());
  CHECK(table["rows"][2]["service_level"].get<double>() == Approx(0.858).margin(5e-4));

  const std::string text = ctl::format_erlang_table(table);
  INFO(text);
  CHECK(text.find("Erlang A: callers hang up after 300 s on average") != std::string::npos);
  CHECK(text.find("P(abandon)") != std::string::npos);
  CHECK(text.find("agents required: 13") != std::string::npos);
  const auto row14 = text.substr(text.find("\n     14 "), 80);
  CHECK(row14.find("1.4%") != std::string::npos);   // P(abandon)
  CHECK(row14.find("91.7%") != std::string::npos);  // predicted SL
}

TEST_CASE("erlang --patience, hand-checked: one agent whose callers are as patient as the AHT",
          "[daemon][ctl]") {
  // 30 calls / 30 min, AHT 60 s, patience 60 s, one agent: the chain's death rate is k/60 in
  // every state k, so k callers in the system are Poisson(1): P(k) = e^-1 / k!.
  // P(wait) = P(k >= 1) = 1 - 1/e = 0.632121; queue E[k - 1; k >= 1] = 1/e, so
  // P(abandon) = theta * E[queue] / lambda = 1/e = 0.367879; occupancy = P(k >= 1) = 0.632121;
  // with an answer target of 0 s the service level is P(k = 0) = 1/e.
  ctl::ErlangRequest request;
  request.workload = {30, 1800, 60};
  request.answer_target_seconds = 0;
  request.service_level_target = 0.3;
  request.patience_seconds = 60;
  const json table = ctl::erlang_table(request);
  CHECK(table["agents_required"] == 1);
  const json& one = table["rows"][0];
  REQUIRE(one["agents"] == 1);
  const double e = std::exp(1.0);
  CHECK(one["probability_of_waiting"].get<double>() == Approx(1 - 1 / e).epsilon(1e-9));
  CHECK(one["probability_of_abandoning"].get<double>() == Approx(1 / e).epsilon(1e-9));
  CHECK(one["occupancy"].get<double>() == Approx(1 - 1 / e).epsilon(1e-9));
  CHECK(one["service_level"].get<double>() == Approx(1 / e).epsilon(1e-9));
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

TEST_CASE("top draws one row per queue group: its formula's terms, counts and members",
          "[daemon][ctl][groups]") {
  const json snapshot = json::parse(R"({
    "site": "stockholm", "daemon": "fw-a", "now": "2026-11-24T09:01:40.000Z", "active_calls": 3,
    "queues": [{"name": "support", "calls_waiting": 2, "settings": {}, "windows": {}}],
    "groups": [
      {"name": "support_all", "queues": ["support", "support_vip"], "calls_waiting": 3,
       "oldest_wait_seconds": 75.0,
       "settings": {"service_level_formula": "answered_only", "service_level_target": 0.9,
                    "answer_target_seconds": 30},
       "windows": {"interval": {"service_level": 0.5, "service_level_numerator": 1,
                                "service_level_denominator": 2},
                   "today": {"service_level": 0.75, "service_level_numerator": 3,
                             "service_level_denominator": 4, "offered": 7, "answered": 4,
                             "abandoned": 2}}},
      {"name": "quiet", "queues": ["billing"], "calls_waiting": 0, "oldest_wait_seconds": null,
       "settings": {}, "windows": {"interval": {"service_level": null}, "today": {}}}
    ]})");
  const std::string text = ctl::render_top(snapshot);
  INFO(text);
  const auto header = text.find("GROUP");
  REQUIRE(header != std::string::npos);
  CHECK(text.find("support ") < header);  // queues first
  const auto row_at = text.find("support_all", header);
  REQUIRE(row_at != std::string::npos);
  const std::string row = text.substr(row_at, text.find('\n', row_at) - row_at);
  CHECK(row.find("01:15") != std::string::npos);
  CHECK(row.find("50.0% 1/2") != std::string::npos);
  CHECK(row.find("75.0% 3/4") != std::string::npos);
  CHECK(row.find("answered_only 90/30s") != std::string::npos);
  CHECK(row.find("      7      4     2  support,support_vip") != std::string::npos);
  // No calls judged yet: no percentage, and 0/0 says why.
  const auto quiet = text.find("quiet", header);
  REQUIRE(quiet != std::string::npos);
  CHECK(text.substr(quiet, text.find('\n', quiet) - quiet).find("- 0/0") != std::string::npos);

  const json without_groups = json::parse(R"({"queues": [], "groups": []})");
  CHECK(ctl::render_top(without_groups).find("GROUP") == std::string::npos);
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
