// Today per agent and time-in-state limits against a real floorwatchd (event clock, so "now"
// is the last event): `floorwatchctl report --agents` as CSV and JSON, and an
// `agents_over_limit` rule dated at the exact instant the lunch went over its red limit; a
// reload that moves `day_starts_at` reaching every agent's figures at once.
#include <catch2/catch.hpp>

#include <csignal>

#include <nlohmann/json.hpp>

#include "integration/floor_fixture.h"
#include "support/wait.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const std::string kConfig = R"(timezone: Europe/Stockholm
queues:
  support: {}
agents:
  anna: Anna Berg
agent_limits:
  pause_reasons:
    lunch: {warning: 45m, critical: 60m}
alerts:
  notifiers:
    log: {type: log}
  escalation_policies:
    default:
      - {name: floor-lead, after: 0s, notifiers: [log]}
  rules:
    - name: LunchTooLong
      expr: agents_over_limit{state=paused,reason=lunch} > 0
      severity: warning
)";

// anna's morning (docs/metrics.md#today-per-agent, the worked example) and bob's lunch from
// 09:00; the last event, 10:30, is "now" on the event clock.
std::string morning() {
  const auto line = [](const std::string& ts, const std::string& rest) {
    return R"({"ts":")" + ts + R"(",)" + rest + "}\n";
  };
  return line("2026-11-24T09:00:00.000Z",
              R"("type":"agent_state","agent":"anna","state":"available","queues":["support"])") +
         line(
             "2026-11-24T09:00:00.000Z",
             R"("type":"agent_state","agent":"bob","state":"paused","reason":"lunch","queues":["support"])") +
         line("2026-11-24T09:09:50.000Z",
              R"("type":"call_enqueued","call":"c1","queue":"support")") +
         line("2026-11-24T09:09:50.000Z",
              R"("type":"agent_state","agent":"anna","state":"ringing")") +
         line("2026-11-24T09:10:00.000Z", R"("type":"call_answered","call":"c1","agent":"anna")") +
         line("2026-11-24T09:14:00.000Z", R"("type":"call_completed","call":"c1")") +
         line("2026-11-24T09:15:00.000Z",
              R"("type":"agent_state","agent":"anna","state":"available")") +
         line("2026-11-24T09:20:00.000Z",
              R"("type":"call_enqueued","call":"c2","queue":"support")") +
         line("2026-11-24T09:20:00.000Z", R"("type":"call_answered","call":"c2","agent":"anna")") +
         line("2026-11-24T09:23:00.000Z", R"("type":"call_completed","call":"c2")") +
         line("2026-11-24T09:24:00.000Z",
              R"("type":"agent_state","agent":"anna","state":"available")") +
         line("2026-11-24T09:30:00.000Z",
              R"("type":"agent_state","agent":"anna","state":"paused","reason":"lunch")") +
         line("2026-11-24T10:00:00.000Z",
              R"("type":"agent_state","agent":"anna","state":"available")") +
         line("2026-11-24T10:05:00.000Z",
              R"("type":"agent_state","agent":"anna","state":"paused","reason":"break")") +
         line("2026-11-24T10:10:00.000Z",
              R"("type":"agent_state","agent":"anna","state":"available")") +
         line("2026-11-24T10:30:00.000Z",
              R"("type":"agent_state","agent":"cleo","state":"offline","queues":["support"])");
}

std::pair<int, std::string> report_agents(const RunningDaemon& daemon, const std::string& format) {
  return run_command(
      {ctl_binary(), "report", "--agents", "--format", format, "--control", daemon.control()}, 10s);
}

}  // namespace

TEST_CASE("floorwatchctl report --agents: today per agent as CSV and JSON from a live daemon",
          "[integration][agents_report]") {
  TempDir dir;
  RunningDaemon daemon(dir, kConfig);
  REQUIRE(send_jsonl(daemon.ingest(), dir.write("morning.jsonl", morning())).first == 0);
  REQUIRE(wait_until(
      [&] {
        const auto [status, output] = report_agents(daemon, "json");
        return status == 0 && output.find("cleo") != std::string::npos;
      },
      10s));

  {
    const auto [status, output] = report_agents(daemon, "json");
    INFO(output);
    REQUIRE(status == 0);
    const auto reply = nlohmann::json::parse(output);
    CHECK(reply["now"] == "2026-11-24T10:30:00.000Z");
    CHECK(reply["day_start"] == "2026-11-23T23:00:00.000Z");  // Stockholm midnight
    REQUIRE(reply["agents"].size() == 3);
    const auto& anna = reply["agents"][0];
    CHECK(anna["name"] == "Anna Berg");
    CHECK(anna["level"] == "normal");
    CHECK(anna["today"]["calls_handled"] == 2);
    CHECK(anna["today"]["aht_seconds"] == 270.0);       // (5 min + 4 min) / 2
    CHECK(anna["today"]["staffed_seconds"] == 3300.0);  // 55 min
    CHECK(anna["today"]["occupied_seconds"] == 550.0);  // 9 min 10 s
    CHECK(anna["today"]["paused_by_reason"]["lunch"] == 1800.0);
    CHECK(anna["today"]["paused_by_reason"]["break"] == 300.0);
    const auto& bob = reply["agents"][1];
    CHECK(bob["level"] == "critical");  // 90 min of lunch, red from 60
    CHECK(bob["limits"]["critical_seconds"] == 3600.0);
    CHECK(bob["today"]["paused_seconds"] == 5400.0);
  }
  {
    const auto [status, output] = report_agents(daemon, "csv");
    INFO(output);
    REQUIRE(status == 0);
    CHECK(output.rfind("agent,name,state,reason,level,calls_handled,handle_seconds,aht_seconds,"
                       "staffed_seconds,occupied_seconds,occupancy,paused_seconds,"
                       "paused_by_reason,day_start\n",
                       0) == 0);
    CHECK(output.find("\nanna,Anna Berg,available,,normal,2,540.0,270.0,3300.0,550.0,") !=
          std::string::npos);
    CHECK(output.find(",2100.0,break=300.0;lunch=1800.0,2026-11-23T23:00:00.000Z\n") !=
          std::string::npos);
    CHECK(output.find("\nbob,bob,paused,lunch,critical,0,0.0,,0.0,0.0,,5400.0,lunch=5400.0,") !=
          std::string::npos);
  }

  // bob's lunch went red at 09:00 + 60 min: the alert is dated then, not when it was seen.
  nlohmann::json alerts;
  wait_until(
      [&] {
        alerts = alerts_json(daemon);
        return !alerts["alerts"].empty();
      },
      10s);
  INFO(alerts.dump(2));
  REQUIRE(alerts["alerts"].size() == 1);
  CHECK(alerts["alerts"][0]["rule"] == "LunchTooLong");
  CHECK(alerts["alerts"][0]["active_since"] == "2026-11-24T10:00:00.000Z");
}

TEST_CASE("a reload that moves day_starts_at moves every agent's today at once",
          "[integration][agents_report][reload]") {
  TempDir dir;
  RunningDaemon daemon(dir, kConfig);
  REQUIRE(send_jsonl(daemon.ingest(), dir.write("morning.jsonl", morning())).first == 0);
  REQUIRE(wait_until(
      [&] {
        const auto [status, output] = report_agents(daemon, "json");
        return status == 0 && output.find("cleo") != std::string::npos;
      },
      10s));

  // 11:15 Stockholm = 10:15 UTC, after anna's last change (10:10) and bob's (09:00): their days
  // start over there with no new event; the running spells count from 10:15 to now (10:30).
  daemon.rewrite_config(kConfig + "day_starts_at: \"11:15\"\n");
  daemon.process().signal(SIGHUP);
  REQUIRE(daemon.process().wait_for("config reloaded applied=", 10s));
  const auto [status, output] = report_agents(daemon, "json");
  INFO(output);
  REQUIRE(status == 0);
  const auto reply = nlohmann::json::parse(output);
  CHECK(reply["day_start"] == "2026-11-24T10:15:00.000Z");
  REQUIRE(reply["agents"].size() == 3);
  const auto& anna = reply["agents"][0]["today"];
  CHECK(anna["day_start"] == "2026-11-24T10:15:00.000Z");
  CHECK(anna["calls_handled"] == 0);
  CHECK(anna["staffed_seconds"] == 900.0);
  CHECK(anna["paused_seconds"] == 0.0);
  const auto& bob = reply["agents"][1]["today"];
  CHECK(bob["day_start"] == "2026-11-24T10:15:00.000Z");
  CHECK(bob["paused_by_reason"]["lunch"] == 900.0);
}
