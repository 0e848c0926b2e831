// Alert state across a daemon restart: an alert fired and acknowledged before a clean stop
// (SIGTERM) or a crash (SIGKILL right after the ack) is listed after the restart with the same id
// and acknowledgement, is exported as firing at once, and nobody is paged again; the waiting caller
// keeps the original wait.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/http_receiver.h"
#include "integration/floor_fixture.h"
#include "support/wall_clock.h"
#include "support/webhook_alerts.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

TEST_CASE("an acknowledged alert survives a daemon restart without paging anyone again",
          "[integration][alerts][durability]") {
  const int how = GENERATE(SIGTERM, SIGKILL);
  CAPTURE(how);
  HttpReceiver receiver;
  TempDir dir;
  const std::string config =
      "queues:\n  support: {}\n"
      "state:\n  path: " +
      dir.file("state.db") + "\n  snapshot_interval_seconds: 1\n" +
      webhook_alerts_yaml(receiver.url("/floor"), oldest_wait_rule(1), "", ", repeat: 2s");
  auto first = std::make_unique<RunningDaemon>(dir, config, "wall");

  const std::int64_t enqueued_at = wall_clock_ms();
  const auto file = dir.write(
      "call.jsonl", "{\"ts\":" + std::to_string(enqueued_at) +
                        ",\"type\":\"call_enqueued\",\"call\":\"c1\",\"queue\":\"support\"}\n");
  auto [status, output] = send_jsonl(first->ingest(), file);
  INFO(output);
  REQUIRE(status == 0);
  REQUIRE(receiver.wait_for_requests(1, 10s));

  const auto before = alerts_json(*first);
  REQUIRE(before["alerts"].size() == 1);
  const auto alert_id = before["alerts"][0]["id"].get<std::uint64_t>();
  const std::string fired_at = before["alerts"][0]["fired_at"];
  auto [ack_status, ack_output] =
      run_command({ctl_binary(), "ack", std::to_string(alert_id), "--by", "Maria", "--comment",
                   "calling in two agents", "--control", first->control()},
                  10s);
  INFO(ack_output);
  REQUIRE(ack_status == 0);

  // A clean stop writes a final snapshot; a crash relies on the ack having been snapshotted
  // before floorwatchctl was told "acknowledged".
  first->process().signal(how);
  REQUIRE(first->process().wait_exit(10s));
  INFO(first->process().output());
  first.reset();
  const std::size_t pages_before_restart = receiver.requests().size();

  RunningDaemon second(dir, config, "wall");
  INFO(second.process().output());
  const auto after = alerts_json(second);
  REQUIRE(after["alerts"].size() == 1);
  const auto& alert = after["alerts"][0];
  CHECK(alert["id"].get<std::uint64_t>() == alert_id);
  CHECK(alert["state"] == "acknowledged");
  CHECK(alert["acknowledged_by"] == "Maria");
  CHECK(alert["ack_comment"] == "calling in two agents");
  CHECK(alert["fired_at"] == fired_at);

  const double waited_before_scrape = (wall_clock_ms() - enqueued_at) / 1000.0;
  const auto samples = second.scrape();
  CHECK(find_sample(samples, "floorwatch_alerts_firing",
                    {{"rule", "OldestWaitTooLong"}, {"queue", "support"}}) == 1);
  // The caller is still waiting, timed from the original enqueue, not from the restart.
  const auto oldest_wait =
      find_sample(samples, "floorwatch_queue_oldest_wait_seconds", {{"queue", "support"}});
  REQUIRE(oldest_wait);
  CHECK(*oldest_wait >= waited_before_scrape - 0.1);

  // Past the 2 s repeat interval: an acknowledged alert stays quiet after the restart too.
  std::this_thread::sleep_for(3s);
  CHECK(receiver.requests().size() == pages_before_restart);
  const auto later = alerts_json(second);
  REQUIRE(later["alerts"].size() == 1);
  CHECK(later["alerts"][0]["id"].get<std::uint64_t>() == alert_id);
  CHECK(later["alerts"][0]["state"] == "acknowledged");
}
