// Queues and callers against a real floorwatchd fed by the real collector: queue groups'
// metrics on a real scrape (checked by promtool, reloaded by SIGHUP), the groups in the control
// socket's `snapshot` and `floorwatchctl top`, and under Xvfb the waiting-callers page and a
// group tile (pixels where the board says it drew them).
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <sstream>

#include "daemon/ctl/ctl_commands.h"
#include "integration/floor_fixture.h"
#include "support/wait.h"
#ifdef FLOORWATCH_HAVE_WALLBOARD
#include "integration/wallboard_fixture.h"
#endif

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// support: 60 s target; support_vip: 20 s, Asterisk's answered_only. The group's own target is
// 30 s, answered_only.
constexpr const char* kGroupConfig =
    "timezone: Europe/Stockholm\n"
    "queues:\n"
    "  support:\n    answer_target_seconds: 60\n"
    "  support_vip:\n    answer_target_seconds: 20\n    service_level_formula: answered_only\n"
    "groups:\n"
    "  support_all:\n"
    "    queues: [support, support_vip]\n"
    "    answer_target_seconds: 30\n"
    "    service_level_formula: answered_only\n";

// T0 = 2026-11-24T09:00:00Z; the last event is at T0+200 s ("now" with --clock event).
// Answered: h1 in support after 10 s, v1 in vip after 25 s (over vip's 20 s, within the
// group's 30 s), h3 in support after 5 s. Ann's handled call sets support's AHT to 110 s; at T0+190
// she takes h3 (free again at T0+300). Waiting at T0+200: w1 (support, since T0+170, breach T0+230)
// and w3 (support, since T0+199) wait for Ann: both will breach; w2 (vip, since T0+195) goes to
// Bob, who is available: on time.
std::string group_scenario() {
  const long t0 = 1795510800000;
  std::ostringstream s;
  const auto line = [&](int at, const std::string& rest) {
    s << R"({"ts":)" << t0 + at * 1000L << "," << rest << "}\n";
  };
  line(0, R"("type":"agent_state","agent":"ann","state":"available","queues":["support"])");
  line(0, R"("type":"agent_state","agent":"bob","state":"available","queues":["support_vip"])");
  line(1, R"("type":"call_enqueued","call":"h1","queue":"support","caller":"+46700000011")");
  line(2, R"("type":"call_enqueued","call":"v1","queue":"support_vip","caller":"+46700000021")");
  line(11, R"("type":"call_answered","call":"h1","agent":"ann")");
  line(27, R"("type":"call_answered","call":"v1","agent":"bob")");
  line(40, R"("type":"call_completed","call":"v1")");
  line(50, R"("type":"agent_state","agent":"bob","state":"available")");
  line(71, R"("type":"call_completed","call":"h1")");
  line(121, R"("type":"agent_state","agent":"ann","state":"available")");
  line(170, R"("type":"call_enqueued","call":"w1","queue":"support","caller":"+46700000031")");
  line(185, R"("type":"call_enqueued","call":"h3","queue":"support","caller":"+46700000012")");
  line(190, R"("type":"call_answered","call":"h3","agent":"ann")");
  line(195, R"("type":"call_enqueued","call":"w2","queue":"support_vip","caller":"+46700000032")");
  line(199, R"("type":"call_enqueued","call":"w3","queue":"support","caller":"+46700000033")");
  line(200, R"("type":"agent_state","agent":"carl","state":"paused","queues":["support"])");
  return s.str();
}

void feed_group_scenario(const TempDir& dir, RunningDaemon& daemon) {
  const auto [status, output] =
      send_jsonl(daemon.ingest(), dir.write("groups.jsonl", group_scenario()));
  INFO(output);
  REQUIRE(status == 0);
}

}  // namespace

TEST_CASE("a queue group's metrics come from its own counters, on a real scrape",
          "[integration][queues]") {
  TempDir dir;
  RunningDaemon daemon(dir, kGroupConfig);
  feed_group_scenario(dir, daemon);
  const std::map<std::string, std::string> group{{"group", "support_all"}};
  REQUIRE(
      wait_until([&] { return daemon.metric("floorwatch_group_offered_total", group) == 6; }, 10s));

  const std::string text = daemon.scrape_text();
  const auto samples = parse_exposition(text);
  auto value = [&](const std::string& name, std::map<std::string, std::string> labels) {
    labels.insert({"site", "testsite"});
    const auto found = find_sample(samples, name, labels);
    INFO(name);
    REQUIRE(found);
    return *found;
  };
  auto today = [](std::map<std::string, std::string> labels) {
    labels["window"] = "today";
    return labels;
  };
  // The three answered calls (h1 10 s, v1 25 s, h3 5 s) waited at most the group's 30 s: 3 of
  // 3, although vip's own figure is 0 of 1 and support's 2 of 2 (the mean of the two
  // percentages would say 50 %).
  CHECK(value("floorwatch_group_answered_total", group) == 3);
  CHECK(value("floorwatch_group_answered_within_target_total", group) == 3);
  CHECK(value("floorwatch_group_service_level_ratio", today(group)) == 1.0);
  CHECK(value("floorwatch_group_service_level_numerator", today(group)) == 3);
  CHECK(value("floorwatch_group_service_level_denominator", today(group)) == 3);
  CHECK(value("floorwatch_queue_service_level_ratio", today({{"queue", "support_vip"}})) == 0.0);
  CHECK(value("floorwatch_group_calls_waiting", group) == 3);
  CHECK(value("floorwatch_group_oldest_wait_seconds", group) == 30);
  CHECK(value("floorwatch_group_answer_target_seconds", group) == 30);
  CHECK(value("floorwatch_group_info", {{"group", "support_all"}, {"formula", "answered_only"}}) ==
        1);
  CHECK(value("floorwatch_group_member_info", {{"group", "support_all"}, {"queue", "support"}}) ==
        1);
  const auto [promtool_status, promtool_output] = promtool_check(dir, text);
  INFO(promtool_output);
  CHECK(promtool_status == 0);

  SECTION("SIGHUP: a new group appears, a kept one keeps its counters with its new target") {
    daemon.rewrite_config(std::string(kGroupConfig) +
                          "    service_level_target: 0.95\n"
                          "  vip_only:\n"
                          "    queues: [support_vip]\n");
    daemon.process().signal(SIGHUP);
    REQUIRE(daemon.process().wait_for("config reloaded applied=", 10s));
    REQUIRE(wait_until(
        [&] {
          return daemon.metric("floorwatch_group_calls_waiting", {{"group", "vip_only"}}) == 1;
        },
        10s));
    CHECK(daemon.metric("floorwatch_group_answered_total", group) == 3);
    CHECK(daemon.metric("floorwatch_group_service_level_target_ratio", group) == 0.95);
  }
}

#ifdef FLOORWATCH_HAVE_WALLBOARD
namespace wb = floorwatch::wallboard;

TEST_CASE("the control socket's snapshot and floorwatchctl top show each group's own figures",
          "[integration][queues][ctl]") {
  TempDir dir;
  RunningDaemon daemon(dir, kGroupConfig);
  feed_group_scenario(dir, daemon);
  const std::map<std::string, std::string> group_labels{{"group", "support_all"}};
  REQUIRE(wait_until(
      [&] { return daemon.metric("floorwatch_group_offered_total", group_labels) == 6; }, 10s));

  const nlohmann::json snapshot = floorwatch::ctl::control_request(
      daemon.control(), {{"command", "snapshot"}}, std::chrono::seconds(5));
  INFO(snapshot.dump(2));
  REQUIRE(snapshot["groups"].size() == 1);
  const nlohmann::json& group = snapshot["groups"][0];
  CHECK(group["name"] == "support_all");
  CHECK(group["queues"] == nlohmann::json::array({"support", "support_vip"}));
  CHECK(group["settings"]["service_level_formula"] == "answered_only");
  CHECK(group["settings"]["answer_target_seconds"] == 30.0);
  CHECK(group["calls_waiting"] == 3);
  CHECK(group["oldest_wait_seconds"] == 30.0);  // w1, since T0+170, at T0+200
  CHECK(group["oldest_enqueued_at"] == "2026-11-24T09:02:50.000Z");
  // The same figures as the floorwatch_group_* metrics: 3 of 3 answered within the group's
  // 30 s, its own formula over its own counters (vip's own figure is 0 of 1).
  const nlohmann::json& today = group["windows"]["today"];
  CHECK(today["offered"] == 6);
  CHECK(today["answered"] == 3);
  CHECK(today["abandoned"] == 0);
  CHECK(today["service_level"] == 1.0);
  CHECK(today["service_level_numerator"] == 3);
  CHECK(today["service_level_denominator"] == 3);
  for (const char* window : {"15m", "30m", "60m", "interval", "today"})
    CHECK(group["windows"].contains(window));
  CHECK(group["lifetime"]["offered"] == 6);

  const auto [status, output] =
      run_command({ctl_binary(), "top", "--control", daemon.control(), "--once"}, 10s);
  INFO(output);
  REQUIRE(status == 0);
  const auto header = output.find("GROUP");
  REQUIRE(header != std::string::npos);
  const auto row_start = output.find("support_all", header);
  REQUIRE(row_start != std::string::npos);
  const std::string row = output.substr(row_start, output.find('\n', row_start) - row_start);
  CHECK(row.find("00:30") != std::string::npos);       // oldest wait
  CHECK(row.find("100.0% 3/3") != std::string::npos);  // today: formula's terms
  CHECK(row.find("answered_only 80/30s") != std::string::npos);
  CHECK(row.find("support,support_vip") != std::string::npos);
}

TEST_CASE("the waiting-callers page marks who will breach; a group tile uses the group's target",
          "[integration][queues][wallboard]") {
  Xvfb x;
  TempDir dir;
  RunningDaemon daemon(dir, kGroupConfig);
  feed_group_scenario(dir, daemon);

  // The callers page: three rows; w1 and w3 will breach (filled in the
  // critical colour, with the word), w2 is on time.
  const std::string callers_png = dir.file("callers.png");
  std::vector<std::string> argv = wallboard_command(x, daemon, callers_png);
  *std::find(argv.begin(), argv.end(), "queues") = "callers";
  const auto [status, output] = run_command(argv, 60s);
  INFO(output);
  REQUIRE(status == 0);
  const auto regions = regions_in(output);
  REQUIRE(regions.count("callers_page:1/1"));
  REQUIRE(regions.count("caller:w1"));
  REQUIRE(regions.count("caller:w2"));
  REQUIRE(regions.count("caller:w3"));
  // Most urgent first, by breach time: w2 (T0+215), w1 (T0+230), w3 (T0+259).
  CHECK(regions.at("caller:w2").y < regions.at("caller:w1").y);
  CHECK(regions.at("caller:w1").y < regions.at("caller:w3").y);
  const wb::Image image = load(callers_png);
  for (const char* marked : {"caller:w1", "caller:w3"}) {
    CAPTURE(marked);
    CHECK(wb::region_stats(image, regions.at(marked)).share_near(wb::Palette::critical) > 0.5);
  }
  CHECK(wb::region_stats(image, regions.at("caller:w2")).share_near(wb::Palette::critical) < 0.05);

  // The queues page with the group's tile: its oldest caller (w1, 30 s) is at the group's own
  // 30 s target (warning), while on support's 60 s target the same wait is fine (ok).
  const std::string tiles_png = dir.file("tiles.png");
  const auto [tiles_status, tiles_output] = run_command(
      wallboard_command(x, daemon, tiles_png, {"--queues", "support,support_vip,support_all"}),
      60s);
  INFO(tiles_output);
  REQUIRE(tiles_status == 0);
  const auto tiles = regions_in(tiles_output);
  REQUIRE(tiles.count("group:support_all:oldest"));
  REQUIRE(tiles.count("tile:support:oldest"));
  const wb::Image tiles_image = load(tiles_png);
  CHECK(wb::region_stats(tiles_image, tiles.at("group:support_all:oldest"))
            .share_near(wb::Palette::warning) > 0.5);
  CHECK(wb::region_stats(tiles_image, tiles.at("tile:support:oldest")).share_near(wb::Palette::ok) >
        0.5);
  // The group's 3 of 3 within 30 s: "✓ 100 %" in the ok colour.
  REQUIRE(tiles.count("group:support_all:service_level"));
  CHECK(wb::region_stats(tiles_image, tiles.at("group:support_all:service_level"))
            .share_near(wb::Palette::ok) > 0.005);
  // Support's tile forecasts a breach (w1 at T0+230): its breach row is in the warning colour.
  REQUIRE(tiles.count("tile:support:breach"));
  CHECK(wb::region_stats(tiles_image, tiles.at("tile:support:breach"))
            .share_near(wb::Palette::warning) > 0.005);
}
#endif
