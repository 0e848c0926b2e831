#pragma once
// One agent's figures for the site's reporting day so far (docs/metrics.md#today-per-agent):
// calls handled, handle time (talk + wrap-up, as the queues' AHT), time staffed, occupied and
// paused (by reason). The engine counts each spell in a state when it ends; the spell still
// running is added at read time by day_at(), so readers see the figures move with time
// without a new picture. Pure value types and functions.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "floorwatch/core/event.h"
#include "floorwatch/core/time.h"

namespace floorwatch::core {

class SiteCalendar;

/// Today's figures of one agent. Plain value type.
struct AgentDay {
  Timestamp day_start{};   ///< the reporting day these figures belong to
  Timestamp day_end{};     ///< the next day's start (exclusive)
  Timestamp counted_to{};  ///< spells are counted up to here; the current one runs from here
  std::int64_t calls_handled = 0;  ///< calls whose handle time ended today
  Duration handle_time{};          ///< their talk + wrap-up (answer -> end of wrap-up)
  Duration staffed{};              ///< available, ringing, busy or wrap-up
  Duration occupied{};             ///< ringing, busy or wrap-up
  Duration paused{};               ///< every pause reason
  std::map<std::string, Duration> paused_by_reason;  ///< "" = paused without a reason
  bool operator==(const AgentDay&) const = default;
};

/// Counts the spell [day.counted_to, to) in `state` with `reason`, then moves counted_to to
/// `to`. A spell reaching into a new reporting day starts the figures over and counts only
/// its part after the day start.
void count_spell(AgentDay& day, AgentStatus state, const std::string& reason, Timestamp to,
                 const SiteCalendar& calendar);
/// A call whose handle time (answer -> end of wrap-up) ended at `at`.
void count_handled_call(AgentDay& day, Duration handle_time, Timestamp at,
                        const SiteCalendar& calendar);
/// The day boundary moved (a reload changed `day_starts_at` or the time zone): the figures move
/// to `calendar`'s day holding `now`. The engine keeps totals, not spells, so it cannot split
/// them: when everything counted so far (up to counted_to) precedes the new day's start, the
/// figures start over there (exact: the running spell counts from the new start); otherwise
/// they stay, re-dated to the new day.
void move_to_calendar(AgentDay& day, Timestamp now, const SiteCalendar& calendar);
/// The figures at `now` of an agent in `state` with `reason` since day.counted_to: the
/// running spell added, or, once `now` is past day_end, a new day holding only that spell's
/// part after day_end (no calendar needed: the board calls it between pictures).
AgentDay day_at(const AgentDay& day, AgentStatus state, const std::string& reason, Timestamp now);

/// handle_time / calls_handled; nullopt without calls.
std::optional<double> average_handle_time_seconds(const AgentDay& day);
/// occupied / staffed; nullopt before any staffed time.
std::optional<double> occupancy(const AgentDay& day);

}  // namespace floorwatch::core
