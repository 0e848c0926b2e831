// Today per agent: a worked example of calls handled, AHT (the queues' definition), occupancy
// and pauses by reason; the reset at the site's day start (also on a 23-hour DST day); and the
// figures kept through save()/load(), from the current format and from version 3.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>

#include "floorwatch/core/agent_day.h"
#include "floorwatch/core/byte_codec.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

FloorConfig stockholm_floor() {
  FloorConfig config;
  config.time_zone = "Europe/Stockholm";
  return config;
}

void apply_all(FloorState& floor, const std::vector<Event>& events) {
  for (const Event& e : events) REQUIRE(floor.apply(e).applied);
}

AgentSnapshot agent_named(FloorState& floor, const std::string& id) {
  for (const AgentSnapshot& a : floor.agents())
    if (a.agent == id) return a;
  FAIL("no agent " << id);
  return {};
}

/// anna's morning (UTC; Stockholm is UTC+1 in November):
///   09:00 available · 09:09:50 ringing · 09:10 answers c1 · 09:14 c1 hangs up (wrap-up)
///   09:15 available · 09:20 answers c2 · 09:23 c2 hangs up · 09:24 available
///   09:30 paused (lunch) · 10:00 available · 10:05 paused (break) · 10:10 available
std::vector<Event> annas_morning() {
  const std::vector<std::string> support{"support"};
  return {
      agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Available, support),
      enqueued(utc("2026-11-24T09:09:50Z"), "c1", "support"),
      agent_state(utc("2026-11-24T09:09:50Z"), "anna", AgentStatus::Ringing),
      answered(utc("2026-11-24T09:10:00Z"), "c1", "anna"),
      completed(utc("2026-11-24T09:14:00Z"), "c1"),
      agent_state(utc("2026-11-24T09:15:00Z"), "anna", AgentStatus::Available),
      enqueued(utc("2026-11-24T09:20:00Z"), "c2", "support"),
      answered(utc("2026-11-24T09:20:00Z"), "c2", "anna"),
      completed(utc("2026-11-24T09:23:00Z"), "c2"),
      agent_state(utc("2026-11-24T09:24:00Z"), "anna", AgentStatus::Available),
      agent_state(utc("2026-11-24T09:30:00Z"), "anna", AgentStatus::Paused, std::nullopt, "lunch"),
      agent_state(utc("2026-11-24T10:00:00Z"), "anna", AgentStatus::Available),
      agent_state(utc("2026-11-24T10:05:00Z"), "anna", AgentStatus::Paused, std::nullopt, "break"),
      agent_state(utc("2026-11-24T10:10:00Z"), "anna", AgentStatus::Available),
  };
}

AgentDay today_of(FloorState& floor, const std::string& id, Timestamp now) {
  const AgentSnapshot a = agent_named(floor, id);
  return day_at(a.today, a.state, a.reason, now);
}

}  // namespace

TEST_CASE("today per agent, worked example: calls, AHT, occupancy, pauses by reason",
          "[core][agent_day]") {
  FloorState floor(stockholm_floor());
  apply_all(floor, annas_morning());
  const Timestamp now = utc("2026-11-24T10:30:00Z");
  const AgentDay today = today_of(floor, "anna", now);

  // Handle time = answer -> end of wrap-up: c1 09:10-09:15 (5 min), c2 09:20-09:24 (4 min).
  CHECK(today.calls_handled == 2);
  CHECK(today.handle_time == minutes(9));
  CHECK(average_handle_time_seconds(today) == Approx(270.0));
  // The queue's AHT over the same calls is the same figure: one definition.
  const FloorSnapshot snapshot = floor.snapshot(now);
  CHECK(snapshot.queues[0].window(WindowKind::Today).average_handle_time_seconds == Approx(270.0));

  // Staffed: 09:00-09:30 and 10:00-10:05 and 10:10-10:30 (the running spell) = 55 min.
  CHECK(today.staffed == minutes(55));
  // Occupied: ringing 10 s + busy 4 min + wrap-up 1 min + busy 3 min + wrap-up 1 min.
  CHECK(today.occupied == minutes(9) + seconds(10));
  CHECK(occupancy(today) == Approx(550.0 / 3300.0));
  CHECK(today.paused == minutes(35));
  CHECK(today.paused_by_reason.at("lunch") == minutes(30));
  CHECK(today.paused_by_reason.at("break") == minutes(5));
  // The day is the site's: Stockholm midnight, 23:00 UTC.
  CHECK(today.day_start == utc("2026-11-23T23:00:00Z"));
  CHECK(today.day_end == utc("2026-11-24T23:00:00Z"));
}

TEST_CASE("the running spell counts at read time, to the millisecond", "[core][agent_day]") {
  FloorState floor(stockholm_floor());
  apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "anna", AgentStatus::Paused,
                                std::nullopt, "lunch")});
  CHECK(today_of(floor, "anna", utc("2026-11-24T09:00:00.001Z")).paused == Duration{1});
  CHECK(today_of(floor, "anna", utc("2026-11-24T09:12:00Z")).paused_by_reason.at("lunch") ==
        minutes(12));
}

TEST_CASE("today starts over at the site's local day start, also on a 23-hour DST day",
          "[core][agent_day]") {
  FloorState floor(stockholm_floor());
  // Stockholm, Saturday 2026-03-28: midnight local is 23:00 UTC (CET); the 29th springs
  // forward, so that day ends at 22:00 UTC (midnight CEST) after 23 hours.
  apply_all(floor, {
                       agent_state(utc("2026-03-28T22:30:00Z"), "anna", AgentStatus::Available,
                                   std::vector<std::string>{"support"}),
                       enqueued(utc("2026-03-28T22:40:00Z"), "c1", "support"),
                       answered(utc("2026-03-28T22:40:00Z"), "c1", "anna"),
                       completed(utc("2026-03-28T22:45:00Z"), "c1"),
                       agent_state(utc("2026-03-28T22:50:00Z"), "anna", AgentStatus::Available),
                   });
  AgentDay before_midnight = today_of(floor, "anna", utc("2026-03-28T22:59:59.999Z"));
  CHECK(before_midnight.calls_handled == 1);
  CHECK(before_midnight.staffed == minutes(30) - Duration{1});

  // 00:30 local on the 29th: yesterday's call is gone, staffed counts from midnight only.
  (void)floor.snapshot(utc("2026-03-28T23:30:00Z"));
  AgentDay after_midnight = today_of(floor, "anna", utc("2026-03-28T23:30:00Z"));
  CHECK(after_midnight.calls_handled == 0);
  CHECK(after_midnight.staffed == minutes(30));
  CHECK(after_midnight.day_start == utc("2026-03-28T23:00:00Z"));

  // An event on the 29th moves the engine's own figures to that day, which is 23 hours long.
  apply_all(floor, {agent_state(utc("2026-03-29T08:00:00Z"), "anna", AgentStatus::Paused,
                                std::nullopt, "break")});
  const AgentSnapshot anna = agent_named(floor, "anna");
  CHECK(anna.today.day_start == utc("2026-03-28T23:00:00Z"));
  CHECK(anna.today.day_end == utc("2026-03-29T22:00:00Z"));
  CHECK(anna.today.staffed == hours(9));

  // Past the DST day's end (midnight CEST, 22:00 UTC) the break counts from there only.
  const AgentDay next_day = today_of(floor, "anna", utc("2026-03-29T22:10:00Z"));
  CHECK(next_day.day_start == utc("2026-03-29T22:00:00Z"));
  CHECK(next_day.staffed == Duration::zero());
  CHECK(next_day.paused_by_reason.at("break") == minutes(10));
}

SCENARIO("a reload that moves day_starts_at re-dates every agent's day at once",
         "[core][agent_day][reload]") {
  FloorConfig config = stockholm_floor();
  FloorState floor(config);
  apply_all(floor, annas_morning());
  apply_all(floor, {agent_state(utc("2026-11-24T09:00:00Z"), "bob", AgentStatus::Paused,
                                std::vector<std::string>{"support"}, "lunch")});
  const Timestamp reload_at = utc("2026-11-24T10:30:00Z");
  const auto revision = floor.agents_revision();

  WHEN("the day now starts at 11:15 local (10:15 UTC), after everything counted so far") {
    config.day_start_minutes = 11 * 60 + 15;
    floor.reconfigure(config, reload_at);
    THEN("with no event since, every day starts over at 10:15, the running spell from there") {
      CHECK(floor.agents_revision() != revision);
      const AgentDay anna = today_of(floor, "anna", reload_at);
      CHECK(anna.day_start == utc("2026-11-24T10:15:00Z"));
      CHECK(anna.day_end == utc("2026-11-25T10:15:00Z"));
      CHECK(anna.calls_handled == 0);
      CHECK(anna.staffed == minutes(15));  // available since 10:10, counted from 10:15
      CHECK(anna.paused == Duration::zero());
      const AgentDay bob = today_of(floor, "bob", reload_at);
      CHECK(bob.day_start == utc("2026-11-24T10:15:00Z"));
      CHECK(bob.paused_by_reason.at("lunch") == minutes(15));
    }
  }
  WHEN("the day now starts at 06:00 local (05:00 UTC), before anything counted") {
    config.day_start_minutes = 6 * 60;
    floor.reconfigure(config, reload_at);
    THEN("the figures stay, in a day that ends at the new boundary, not at midnight") {
      CHECK(floor.agents_revision() != revision);
      const AgentDay anna = today_of(floor, "anna", reload_at);
      CHECK(anna.day_start == utc("2026-11-24T05:00:00Z"));
      CHECK(anna.day_end == utc("2026-11-25T05:00:00Z"));
      CHECK(anna.calls_handled == 2);
      CHECK(anna.paused == minutes(35));
      // Past the old midnight (23:00 UTC) it is still the same day.
      const AgentDay late = today_of(floor, "anna", utc("2026-11-24T23:30:00Z"));
      CHECK(late.calls_handled == 2);
      CHECK(late.day_start == utc("2026-11-24T05:00:00Z"));
    }
  }
  WHEN("a reload leaves the calendar as it was") {
    floor.reconfigure(config, reload_at);
    THEN("nobody's day moves and readers keep their agents") {
      CHECK(floor.agents_revision() == revision);
      CHECK(today_of(floor, "anna", reload_at).calls_handled == 2);
    }
  }
}

TEST_CASE("a new day makes readers take the agents again", "[core][agent_day]") {
  FloorState floor(stockholm_floor());
  apply_all(floor, {agent_state(utc("2026-11-24T22:00:00Z"), "anna", AgentStatus::Available)});
  (void)floor.snapshot(utc("2026-11-24T22:30:00Z"));
  const auto revision = floor.agents_revision();
  (void)floor.snapshot(utc("2026-11-24T22:59:00Z"));
  CHECK(floor.agents_revision() == revision);
  (void)floor.snapshot(utc("2026-11-24T23:00:00Z"));  // Stockholm midnight
  CHECK(floor.agents_revision() != revision);
}

TEST_CASE("today's figures survive save() and load()", "[core][agent_day][snapshot]") {
  FloorState floor(stockholm_floor());
  apply_all(floor, annas_morning());
  const Timestamp now = utc("2026-11-24T10:30:00Z");
  FloorState restarted(stockholm_floor());
  restarted.load(floor.save());
  CHECK(today_of(restarted, "anna", now) == today_of(floor, "anna", now));
  CHECK(today_of(restarted, "anna", now).calls_handled == 2);
  CHECK(restarted.save() == floor.save());
}

TEST_CASE("a version 3 snapshot (no today figures) still loads", "[core][agent_day][snapshot]") {
  ByteWriter out;
  out.string("floorwatch-state");
  out.u64(3);
  out.time(utc("2026-11-24T09:30:00Z"));
  out.u64(0);  // queues
  out.u64(0);  // calls
  out.u64(1);  // one agent, paused for lunch since 09:00, member of no queue
  out.string("anna");
  out.u64(static_cast<std::uint64_t>(AgentStatus::Paused));
  out.string("lunch");
  out.time(utc("2026-11-24T09:00:00Z"));
  out.time(utc("2026-11-24T09:00:00Z"));
  out.u64(0);  // queues
  out.u64(0);  // handlings
  out.u64(0);  // abandons recorded
  out.u64(0);  // their list
  out.u64(fnv1a64(out.bytes()));

  FloorState floor(stockholm_floor());
  floor.load(out.bytes());
  // No figures were saved: the day starts with the running pause.
  const AgentDay today = today_of(floor, "anna", utc("2026-11-24T09:40:00Z"));
  CHECK(today.calls_handled == 0);
  CHECK(today.paused_by_reason.at("lunch") == minutes(40));
}
