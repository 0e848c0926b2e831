// The call-back worklist against a real floorwatchd and the real floorwatchctl: abandons open
// call-backs, an answer of the same number in another queue closes one, `callback done` closes
// one and survives a crash (SIGKILL right after the reply), unknown ids are refused with exit
// status 1, and /metrics counts what is open and what was closed.
#include <catch2/catch.hpp>

#include <csignal>
#include <sstream>

#include <nlohmann/json.hpp>

#include "integration/floor_fixture.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// T0 = 2026-11-24T09:00:00Z; --clock event, so "now" is the last event (T0+90).
std::string worklist_scenario() {
  const long t0 = 1795510800000;
  std::ostringstream s;
  auto line = [&](int at, const std::string& rest) {
    s << R"({"ts":)" << t0 + at * 1000L << "," << rest << "}\n";
  };
  line(0, R"("type":"call_enqueued","call":"c1","queue":"sales","caller":"+461")");
  line(10, R"("type":"call_abandoned","call":"c1")");
  line(20, R"("type":"call_enqueued","call":"c2","queue":"support","caller":"+462")");
  line(30, R"("type":"call_abandoned","call":"c2")");
  line(40, R"("type":"call_enqueued","call":"c3","queue":"sales")");  // no caller id
  line(45, R"("type":"call_abandoned","call":"c3")");
  // +461 calls again, in support, and reaches ann: their call-back is settled.
  line(50, R"("type":"call_enqueued","call":"c4","queue":"support","caller":"+461")");
  line(55, R"("type":"call_answered","call":"c4","agent":"ann")");
  // +463 gives up twice: one call-back, two attempts.
  line(60, R"("type":"call_enqueued","call":"c5","queue":"sales","caller":"+463")");
  line(70, R"("type":"call_abandoned","call":"c5")");
  line(80, R"("type":"call_enqueued","call":"c6","queue":"sales","caller":"+463")");
  line(90, R"("type":"call_abandoned","call":"c6")");
  return s.str();
}

nlohmann::json callbacks_json(const RunningDaemon& daemon) {
  auto [status, output] =
      run_command({ctl_binary(), "callbacks", "--control", daemon.control(), "--json"}, 10s);
  INFO(output);
  REQUIRE(status == 0);
  return nlohmann::json::parse(output);
}

std::uint64_t id_of_caller(const nlohmann::json& listed, const std::string& caller) {
  for (const auto& entry : listed["callbacks"])
    if (entry["caller"] == caller) return entry["id"].get<std::uint64_t>();
  FAIL("no open call-back for " << caller << " in " << listed.dump());
  return 0;
}

}  // namespace

TEST_CASE("the call-back worklist: closing rules, floorwatchctl, a crash and /metrics",
          "[integration][callbacks][durability]") {
  TempDir dir;
  const std::string config =
      "queues:\n  sales: {}\n  support: {}\nstate:\n  path: " + dir.file("state.db") +
      "\n  snapshot_interval_seconds: 3600\n";
  auto first = std::make_unique<RunningDaemon>(dir, config);
  auto [sent, sent_output] = send_jsonl(first->ingest(), dir.write("w.jsonl", worklist_scenario()));
  INFO(sent_output);
  REQUIRE(sent == 0);

  const auto before = callbacks_json(*first);
  INFO(before.dump(2));
  REQUIRE(before["open"] == 2);  // +462 and +463; +461 was answered, c3 had no number
  CHECK(before["callbacks"][0]["caller"] == "+462");  // oldest first
  CHECK(before["callbacks"][1]["caller"] == "+463");
  CHECK(before["callbacks"][1]["attempts"] == 2);
  CHECK(before["callbacks"][1]["age_seconds"].get<double>() == Approx(20));
  CHECK(before["closed"]["answered"] == 1);
  CHECK(before["without_number"] == 1);

  // An id nobody has: a clear error and exit status 1; no --by: a usage error (2).
  auto [unknown, unknown_output] = run_command(
      {ctl_binary(), "callback", "done", "999", "--by", "Maria", "--control", first->control()},
      10s);
  CHECK(unknown == 1);
  CHECK_THAT(unknown_output, Catch::Contains("no open call-back 999"));
  auto [no_by, no_by_output] =
      run_command({ctl_binary(), "callback", "done", "1", "--control", first->control()}, 10s);
  CHECK(no_by == 2);
  CHECK_THAT(no_by_output, Catch::Contains("--by"));

  const std::uint64_t id = id_of_caller(before, "+462");
  auto [done, done_output] = run_command({ctl_binary(), "callback", "done", std::to_string(id),
                                          "--by", "Maria", "--control", first->control()},
                                         10s);
  INFO(done_output);
  REQUIRE(done == 0);
  CHECK_THAT(done_output, Catch::Contains("+462") && Catch::Contains("done by Maria"));
  // A crash right after the reply: the snapshot interval is an hour, so only the snapshot taken
  // before replying can have kept it.
  first->process().signal(SIGKILL);
  REQUIRE(first->process().wait_exit(10s));
  first.reset();

  RunningDaemon second(dir, config);
  INFO(second.process().output());
  const auto after = callbacks_json(second);
  INFO(after.dump(2));
  REQUIRE(after["open"] == 1);
  CHECK(after["callbacks"][0]["caller"] == "+463");
  CHECK(after["closed"]["called_back"] == 1);
  CHECK(after["closed"]["answered"] == 1);

  // Closed again after the restart: still unknown.
  auto [again, again_output] = run_command({ctl_binary(), "callback", "done", std::to_string(id),
                                            "--by", "Maria", "--control", second.control()},
                                           10s);
  CHECK(again == 1);

  const auto samples = second.scrape();
  CHECK(find_sample(samples, "floorwatch_queue_callbacks_open", {{"queue", "sales"}}) == 1);
  CHECK(find_sample(samples, "floorwatch_queue_callbacks_open", {{"queue", "support"}}) == 0);
  CHECK(find_sample(samples, "floorwatch_queue_callback_oldest_age_seconds",
                    {{"queue", "sales"}}) == Approx(20));
  CHECK(find_sample(samples, "floorwatch_callbacks_closed_total", {{"reason", "called_back"}}) ==
        1);
  CHECK(find_sample(samples, "floorwatch_callbacks_closed_total", {{"reason", "answered"}}) == 1);
  CHECK(find_sample(samples, "floorwatch_callbacks_closed_total", {{"reason", "dropped"}}) == 0);
  CHECK(find_sample(samples, "floorwatch_callbacks_without_number_total") == 1);
}

TEST_CASE("callbacks.max_open bounds the worklist and a SIGHUP lowering it drops the stalest",
          "[integration][callbacks][reload]") {
  TempDir dir;
  const auto config = [](int max_open) {
    return "queues:\n  sales: {}\ncallbacks:\n  max_open: " + std::to_string(max_open) + "\n";
  };
  RunningDaemon daemon(dir, config(3));
  // Four callers hang up one after the other: the fourth pushes out the first.
  const long t0 = 1795510800000;
  std::ostringstream events;
  for (int i = 1; i <= 4; ++i) {
    const long at = t0 + i * 60'000L;
    events << R"({"ts":)" << at << R"(,"type":"call_enqueued","call":"c)" << i
           << R"(","queue":"sales","caller":"+46)" << i << "\"}\n"
           << R"({"ts":)" << at + 10'000 << R"(,"type":"call_abandoned","call":"c)" << i << "\"}\n";
  }
  auto [sent, sent_output] = send_jsonl(daemon.ingest(), dir.write("four.jsonl", events.str()));
  INFO(sent_output);
  REQUIRE(sent == 0);
  const auto before = callbacks_json(daemon);
  INFO(before.dump(2));
  REQUIRE(before["open"] == 3);
  CHECK(before["callbacks"][0]["caller"] == "+462");
  CHECK(before["closed"]["dropped"] == 1);

  daemon.rewrite_config(config(1));
  daemon.process().signal(SIGHUP);
  REQUIRE(daemon.process().wait_for("config reloaded applied=\\S*callbacks", 10s));
  const auto after = callbacks_json(daemon);
  INFO(after.dump(2));
  REQUIRE(after["open"] == 1);
  CHECK(after["callbacks"][0]["caller"] == "+464");  // the newest caller stays
  CHECK(after["closed"]["dropped"] == 3);
  CHECK(daemon.metric("floorwatch_callbacks_closed_total", {{"reason", "dropped"}}) == 3);
  CHECK(daemon.metric("floorwatch_queue_callbacks_open", {{"queue", "sales"}}) == 1);

  // A bad bound is refused by the reload (FILE:LINE in the log) and the running one stays.
  daemon.rewrite_config(config(0));
  daemon.process().signal(SIGHUP);
  REQUIRE(daemon.process().wait_for("floorwatch.yaml:\\d+: callbacks.max_open", 10s));
}
