// Call-back closes shared by an HA pair (docs/ha.md "Shared call-back closes"), with the real
// programs: two floorwatchd fed one event stream by one collector fanning out, each with its
// own state. A `callback done` on one daemon closes the call-back on the other within a couple
// of seconds; the other keeps it closed across its own restart (its snapshot, the partner being
// down); a close made while the partner is down reaches it when it comes back. The peer link's
// metrics show the sends dropped while the partner is stopped and the link down, then up again.
#include <catch2/catch.hpp>

#include <csignal>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "integration/floor_fixture.h"
#include "support/wait.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

// T0 = 2026-11-24T09:00:00Z; --clock event. +461 hangs up twice (one call-back, two
// attempts), +462 once.
std::string abandons() {
  const long t0 = 1795510800000;
  std::ostringstream s;
  auto line = [&](int at, const std::string& rest) {
    s << R"({"ts":)" << t0 + at * 1000L << "," << rest << "}\n";
  };
  line(0, R"("type":"call_enqueued","call":"c1","queue":"sales","caller":"+461")");
  line(10, R"("type":"call_abandoned","call":"c1")");
  line(20, R"("type":"call_enqueued","call":"c2","queue":"support","caller":"+462")");
  line(30, R"("type":"call_abandoned","call":"c2")");
  line(40, R"("type":"call_enqueued","call":"c3","queue":"sales","caller":"+461")");
  line(50, R"("type":"call_abandoned","call":"c3")");
  return s.str();
}

std::string pair_config(const TempDir& dir, int partner_control_port) {
  return "queues:\n  sales: {}\n  support: {}\n"
         "state:\n  path: " +
         dir.file("state.db") +
         "\n  snapshot_interval_seconds: 3600\n"
         "ha:\n  peer: " +
         loopback_endpoint(partner_control_port) + "\n";
}

nlohmann::json callbacks_of(const RunningDaemon& daemon) {
  auto [status, output] =
      run_command({ctl_binary(), "callbacks", "--control", daemon.control(), "--json"}, 10s);
  INFO(output);
  REQUIRE(status == 0);
  return nlohmann::json::parse(output);
}

std::optional<std::uint64_t> open_id(const RunningDaemon& daemon, const std::string& caller) {
  const nlohmann::json listed = callbacks_of(daemon);  // outlives the loop over its entries
  for (const auto& entry : listed["callbacks"])
    if (entry["caller"] == caller) return entry["id"].get<std::uint64_t>();
  return std::nullopt;
}

void call_back(const RunningDaemon& daemon, const std::string& caller, const std::string& by) {
  const auto id = open_id(daemon, caller);
  REQUIRE(id);
  auto [status, output] = run_command({ctl_binary(), "callback", "done", std::to_string(*id),
                                       "--by", by, "--control", daemon.control()},
                                      10s);
  INFO(output);
  REQUIRE(status == 0);
}

void stop(std::unique_ptr<RunningDaemon>& daemon) {
  daemon->process().signal(SIGTERM);  // a clean stop: the final snapshot is written
  REQUIRE(daemon->process().wait_exit(10s));
  daemon.reset();
}

}  // namespace

TEST_CASE("an HA pair shares call-backs closed by hand, across a restart and a link outage",
          "[integration][ha][callbacks]") {
  TempDir dir_a, dir_b, events;
  const int control_a = closed_port(), control_b = closed_port();
  const DaemonIdentity id_a{"testsite", "fw-a", loopback_endpoint(control_a)};
  const DaemonIdentity id_b{"testsite", "fw-b", loopback_endpoint(control_b)};
  auto start_a = [&] {
    return std::make_unique<RunningDaemon>(dir_a, id_a, pair_config(dir_a, control_b));
  };
  auto start_b = [&] {
    return std::make_unique<RunningDaemon>(dir_b, id_b, pair_config(dir_b, control_a));
  };
  auto fw_a = start_a();
  auto fw_b = start_b();
  {
    const auto [status, output] = run_command(
        {collector_binary(), "jsonl", "--endpoint", fw_a->ingest(), "--endpoint", fw_b->ingest(),
         "--file", events.write("abandons.jsonl", abandons()), "--source-id", "acd"},
        20s);
    INFO(output);
    REQUIRE(status == 0);
  }
  for (auto* daemon : {fw_a.get(), fw_b.get()}) REQUIRE(callbacks_of(*daemon)["open"] == 2);

  // A supervisor calls +461 back and says so on fw-a: fw-b closes it too.
  call_back(*fw_a, "+461", "maria");
  REQUIRE(wait_until([&] { return !open_id(*fw_b, "+461"); }, 3s));
  {
    const auto on_b = callbacks_of(*fw_b);
    INFO(on_b.dump(2));
    CHECK(on_b["open"] == 1);
    CHECK(on_b["closed"]["called_back"] == 1);  // counted as on fw-a, not as answered
    CHECK(fw_b->metric("floorwatch_callbacks_peer_closes_total", {{"result", "applied"}}) == 1);
    CHECK(fw_b->metric("floorwatch_callbacks_closes_held") == 0);
    CHECK(fw_a->metric("floorwatch_ha_peer_up") == 1);
    CHECK(fw_a->metric("floorwatch_ha_peer_sends_total",
                       {{"kind", "callbacks"}, {"result", "sent"}}) >= 1);
  }

  // fw-a stops; fw-b restarts with nobody to tell it: its own snapshot keeps +461 closed.
  stop(fw_a);
  stop(fw_b);
  fw_b = start_b();
  INFO(fw_b->process().output());
  CHECK_FALSE(open_id(*fw_b, "+461"));
  CHECK(callbacks_of(*fw_b)["closed"]["called_back"] == 1);

  // The link is down: fw-b's sends are dropped and counted, and it says the partner is away.
  REQUIRE(wait_until(
      [&] {
        return fw_b->metric("floorwatch_ha_peer_sends_total",
                            {{"kind", "callbacks"}, {"result", "dropped"}}) >= 1;
      },
      5s));
  CHECK(fw_b->metric("floorwatch_ha_peer_up") == 0);
  REQUIRE(fw_b->process().wait_for("ha: cannot reach the partner", 5s));

  // Meanwhile +462 is called back on fw-b. When fw-a returns (from its own snapshot, where
  // +462 is open) it learns of it within a couple of seconds.
  call_back(*fw_b, "+462", "ann");
  fw_a = start_a();
  INFO(fw_a->process().output());
  CHECK_FALSE(open_id(*fw_a, "+461"));  // its own close, from its snapshot
  REQUIRE(wait_until([&] { return !open_id(*fw_a, "+462"); }, 5s));
  CHECK(callbacks_of(*fw_a)["open"] == 0);
  CHECK(callbacks_of(*fw_a)["closed"]["called_back"] == 2);
  CHECK(fw_a->metric("floorwatch_callbacks_peer_closes_total", {{"result", "applied"}}) == 1);
  REQUIRE(wait_until([&] { return fw_b->metric("floorwatch_ha_peer_up") == 1; }, 5s));
  REQUIRE(fw_b->process().wait_for("call-back closes with \\S+ again", 5s));
}
