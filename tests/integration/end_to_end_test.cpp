// The whole vertical slice with real processes: canonical JSON lines -> floorwatch-collector ->
// ZeroMQ -> floorwatchd -> HTTP /metrics -> promtool.
#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// Five queues with identical traffic and a different service-level formula each, so one
// scenario checks that every formula is selectable and computed from the same raw counts.
const char* kFormulaQueues[] = {"answered_only", "abandons_positive", "abandons_negative",
                                "abandons_ignored", "short_abandons_excluded"};

std::string formula_config() {
  std::string config = "timezone: UTC\ninterval_minutes: 30\nqueues:\n";
  for (const char* formula : kFormulaQueues) {
    config += std::string("  q_") + formula + ":\n    answer_target_seconds: 20\n" +
              "    short_abandon_seconds: 5\n    service_level_formula: " + formula + "\n";
  }
  return config;
}

// T0 = 2026-11-24T09:00:00Z. Per queue q, with agents q-a1 and q-a2 (members of q only):
//   c1 enqueued T0+0,  answered T0+10 by a1 (wait 10: within target 20)
//   c2 enqueued T0+1,  answered T0+31 by a2 (wait 30: over target)
//   c3 enqueued T0+2,  abandoned T0+4       (wait 2: within target, short: < 5)
//   c4 enqueued T0+3,  abandoned T0+13      (wait 10: within target, not short)
//   c5 enqueued T0+5,  abandoned T0+65      (wait 60: over target)
//   c6 enqueued T0+6,  exited (timeout) T0+66 (wait 60)
//   c7 enqueued T0+7,  still waiting at the end (T0+100 is the latest event: --clock event)
//   a1: c1 completed T0+40, wrap-up until T0+50 -> handle time 40 s
//   a2: c2 completed T0+61, available at T0+61 (no wrap-up) -> handle time 30 s
// So A=2, A_in=1, Ab=3, Ab_in=2, Ab_short=1, X=1, offered=7, waiting=1.
std::string scenario_lines(const std::string& q) {
  const long t0 = 1795510800000;  // 2026-11-24T09:00:00Z in epoch ms
  auto at = [&](int seconds) { return std::to_string(t0 + seconds * 1000L); };
  std::ostringstream s;
  s << R"({"ts":)" << at(0) << R"(,"type":"agent_state","agent":")" << q
    << R"(-a1","state":"available","queues":[")" << q << "\"]}\n";
  s << R"({"ts":)" << at(0) << R"(,"type":"agent_state","agent":")" << q
    << R"(-a2","state":"available","queues":[")" << q << "\"]}\n";
  for (int i = 1; i <= 7; ++i) {
    const int enqueue_at[] = {0, 0, 1, 2, 3, 5, 6, 7};
    s << R"({"ts":)" << at(enqueue_at[i]) << R"(,"type":"call_enqueued","call":")" << q << "-c" << i
      << R"(","queue":")" << q << R"(","caller":"+4670000000)" << i << "\"}\n";
  }
  s << R"({"ts":"2026-11-24T09:00:04.000Z","type":"call_abandoned","call":")" << q << "-c3\"}\n";
  s << R"({"ts":)" << at(10) << R"(,"type":"call_answered","call":")" << q << R"(-c1","agent":")"
    << q << "-a1\"}\n";
  s << R"({"ts":)" << at(13) << R"(,"type":"call_abandoned","call":")" << q << "-c4\"}\n";
  s << R"({"ts":)" << at(31) << R"(,"type":"call_answered","call":")" << q << R"(-c2","agent":")"
    << q << "-a2\"}\n";
  s << R"({"ts":)" << at(40) << R"(,"type":"call_completed","call":")" << q << "-c1\"}\n";
  s << R"({"ts":)" << at(50) << R"(,"type":"agent_state","agent":")" << q
    << R"(-a1","state":"available"})"
    << "\n";
  s << R"({"ts":)" << at(61) << R"(,"type":"call_completed","call":")" << q << "-c2\"}\n";
  s << R"({"ts":)" << at(61) << R"(,"type":"agent_state","agent":")" << q
    << R"(-a2","state":"available"})"
    << "\n";
  s << R"({"ts":)" << at(65) << R"(,"type":"call_abandoned","call":")" << q << "-c5\"}\n";
  s << R"({"ts":)" << at(66) << R"(,"type":"call_exited","call":")" << q
    << R"(-c6","reason":"timeout"})"
    << "\n";
  return s.str();
}

}  // namespace

TEST_CASE("every service-level formula is computed exactly from a real event stream",
          "[integration]") {
  TempDir dir;
  RunningDaemon daemon(dir, formula_config());

  std::string lines;
  for (const char* formula : kFormulaQueues) lines += scenario_lines(std::string("q_") + formula);
  // Inconsistent input is rejected and counted, and never stops ingestion:
  lines += "this is not json\n";  // collector: bad line
  lines += R"({"ts":"yesterday","type":"call_enqueued","call":"x","queue":"q"})"
           "\n";  // bad ts
  lines += R"({"ts":1795510890000,"type":"call_answered","call":"ghost","agent":"nobody"})"
           "\n";
  lines +=
      R"({"ts":1795510890000,"type":"call_enqueued","call":"q_answered_only-c7","queue":"q_answered_only"})"
      "\n";
  // The latest event fixes "now" at T0+100 s for the event clock.
  lines += R"({"ts":"2026-11-24T09:01:40Z","type":"agent_state","agent":"late","state":"offline"})"
           "\n";
  const auto file = dir.write("scenario.jsonl", lines);

  auto [status, output] = send_jsonl(daemon.ingest(), file);
  INFO(output);
  REQUIRE(status == 0);

  const std::string text = daemon.scrape_text();
  const auto samples = parse_exposition(text);
  INFO(text.substr(0, 4000));

  // Hand-derived from the scenario: A=2, A_in=1, Ab=3, Ab_in=2, Ab_short=1, X=1.
  const std::map<std::string, double> expected_service_level{
      {"answered_only", 1.0 / 2},            // A_in / A
      {"abandons_positive", 3.0 / 5},        // (A_in + Ab_in) / (A + Ab)
      {"abandons_negative", 1.0 / 6},        // A_in / (A + Ab + X)
      {"abandons_ignored", 1.0 / 4},         // A_in / (A + Ab + X - Ab_in)
      {"short_abandons_excluded", 1.0 / 5},  // A_in / (A + Ab + X - Ab_short)
  };
  for (const auto& [formula, value] : expected_service_level) {
    const std::string queue = "q_" + formula;
    INFO("queue " << queue);
    for (const char* window : {"15m", "30m", "60m", "interval", "today"}) {
      INFO("window " << window);
      auto sl = find_sample(samples, "floorwatch_queue_service_level_ratio",
                            {{"queue", queue}, {"window", window}});
      REQUIRE(sl);
      CHECK(*sl == Approx(value));
    }
    CHECK(find_sample(samples, "floorwatch_queue_info", {{"queue", queue}, {"formula", formula}}) ==
          1);
    CHECK(find_sample(samples, "floorwatch_queue_calls_waiting", {{"queue", queue}}) == 1);
    // c7 enqueued at T0+7 s, now = T0+100 s.
    CHECK(find_sample(samples, "floorwatch_queue_oldest_wait_seconds", {{"queue", queue}}) ==
          Approx(93));
    CHECK(find_sample(samples, "floorwatch_queue_offered_total", {{"queue", queue}}) == 7);
    CHECK(find_sample(samples, "floorwatch_queue_answered_total", {{"queue", queue}}) == 2);
    CHECK(find_sample(samples, "floorwatch_queue_answered_within_target_total",
                      {{"queue", queue}}) == 1);
    CHECK(find_sample(samples, "floorwatch_queue_abandoned_total", {{"queue", queue}}) == 3);
    CHECK(find_sample(samples, "floorwatch_queue_abandoned_within_target_total",
                      {{"queue", queue}}) == 2);
    CHECK(find_sample(samples, "floorwatch_queue_abandoned_short_total", {{"queue", queue}}) == 1);
    CHECK(find_sample(samples, "floorwatch_queue_exited_total",
                      {{"queue", queue}, {"reason", "timeout"}}) == 1);
    CHECK(find_sample(samples, "floorwatch_queue_exited_total",
                      {{"queue", queue}, {"reason", "key"}}) == 0);
    // ASA = (10 + 30) / 2; AHT = (40 + 30) / 2; abandon ratio = Ab / (A + Ab + X) = 3 / 6.
    CHECK(find_sample(samples, "floorwatch_queue_asa_seconds",
                      {{"queue", queue}, {"window", "today"}}) == Approx(20));
    CHECK(find_sample(samples, "floorwatch_queue_aht_seconds",
                      {{"queue", queue}, {"window", "today"}}) == Approx(35));
    CHECK(find_sample(samples, "floorwatch_queue_abandon_ratio",
                      {{"queue", queue}, {"window", "15m"}}) == Approx(0.5));
    CHECK(find_sample(samples, "floorwatch_queue_max_wait_seconds",
                      {{"queue", queue}, {"window", "interval"}}) == Approx(60));
    CHECK(find_sample(samples, "floorwatch_queue_offered",
                      {{"queue", queue}, {"window", "today"}}) == 7);
    CHECK(find_sample(samples, "floorwatch_queue_agents",
                      {{"queue", queue}, {"state", "available"}}) == 2);
    CHECK(find_sample(samples, "floorwatch_queue_agents", {{"queue", queue}, {"state", "busy"}}) ==
          0);
    // Answered waits 10 s and 30 s: cumulative buckets.
    CHECK(find_sample(samples, "floorwatch_queue_wait_seconds_bucket",
                      {{"queue", queue}, {"le", "10"}}) == 1);
    CHECK(find_sample(samples, "floorwatch_queue_wait_seconds_bucket",
                      {{"queue", queue}, {"le", "20"}}) == 1);
    CHECK(find_sample(samples, "floorwatch_queue_wait_seconds_bucket",
                      {{"queue", queue}, {"le", "30"}}) == 2);
    CHECK(find_sample(samples, "floorwatch_queue_wait_seconds_sum", {{"queue", queue}}) ==
          Approx(40));
    CHECK(find_sample(samples, "floorwatch_queue_answer_target_seconds", {{"queue", queue}}) == 20);
  }

  // Identity labels on every series, for HA pairs and multi-site aggregation.
  for (const auto& sample : samples) {
    if (sample.name.rfind("floorwatch_", 0) != 0) continue;
    INFO(sample.name);
    CHECK(sample.labels.count("site") == 1);
    CHECK(sample.labels.count("daemon") == 1);
  }

  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "unknown_call"}}) ==
        1);
  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "duplicate_call"}}) ==
        1);
  CHECK(find_sample(samples, "floorwatch_build_info") == 1);
  // 5 queues x 19 lines (2 agents, 7 enqueues, 10 outcomes), plus the unknown answer, the
  // duplicate enqueue and the late agent; the two bad lines never reach the daemon.
  CHECK(find_sample(samples, "floorwatch_events_received_total", {{"source", "test-jsonl"}}) ==
        5 * 19 + 3);
  CHECK(find_sample(samples, "floorwatch_source_last_event_timestamp_seconds",
                    {{"source", "test-jsonl"}}) == Approx(1795510900.0));

  // The collector names the bad lines by file and line number.
  CHECK(output.find("scenario.jsonl:96") != std::string::npos);
  CHECK(output.find("scenario.jsonl:97") != std::string::npos);

  auto [promtool_status, promtool_output] = promtool_check(dir, text);
  INFO(promtool_output);
  CHECK(promtool_status == 0);
}

TEST_CASE("a ratio with a zero denominator is omitted, not reported as 0 or NaN", "[integration]") {
  TempDir dir;
  RunningDaemon daemon(dir, "queues:\n  quiet: {}\n");
  const auto samples = daemon.scrape();
  // A configured queue exists before any traffic...
  CHECK(find_sample(samples, "floorwatch_queue_calls_waiting", {{"queue", "quiet"}}) == 0);
  CHECK(find_sample(samples, "floorwatch_queue_offered_total", {{"queue", "quiet"}}) == 0);
  // ...but has no service level, ASA or abandon ratio until calls leave the queue.
  CHECK_FALSE(find_sample(samples, "floorwatch_queue_service_level_ratio", {{"queue", "quiet"}}));
  CHECK_FALSE(find_sample(samples, "floorwatch_queue_asa_seconds", {{"queue", "quiet"}}));
  CHECK_FALSE(find_sample(samples, "floorwatch_queue_abandon_ratio", {{"queue", "quiet"}}));
  const auto text = daemon.scrape_text();
  CHECK(text.find("NaN") == std::string::npos);
}

TEST_CASE("oldest wait is live at scrape time, not frozen at the last event", "[integration]") {
  TempDir dir;
  RunningDaemon daemon(dir, "queues:\n  sales: {}\n", "wall");
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto file =
      dir.write("one.jsonl", R"({"ts":)" + std::to_string(now_ms - 30000) +
                                 R"(,"type":"call_enqueued","call":"c1","queue":"sales"})"
                                 "\n");
  REQUIRE(send_jsonl(daemon.ingest(), file).first == 0);

  const auto first =
      find_sample(daemon.scrape(), "floorwatch_queue_oldest_wait_seconds", {{"queue", "sales"}});
  REQUIRE(first);
  CHECK(*first >= 30.0);
  // No traffic at all in between: only time passes.
  std::this_thread::sleep_for(1200ms);
  const auto second =
      find_sample(daemon.scrape(), "floorwatch_queue_oldest_wait_seconds", {{"queue", "sales"}});
  REQUIRE(second);
  CHECK(*second - *first >= 1.1);
}
