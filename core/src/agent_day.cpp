#include "floorwatch/core/agent_day.h"

#include <algorithm>

#include "floorwatch/core/site_calendar.h"

namespace floorwatch::core {
namespace {

bool is_staffed_state(AgentStatus state) {
  return state == AgentStatus::Available || state == AgentStatus::Ringing ||
         state == AgentStatus::Busy || state == AgentStatus::Wrapup;
}

// Adds `length` of `state` to the figures (the day is already the right one).
void add(AgentDay& day, AgentStatus state, const std::string& reason, Duration length) {
  if (length <= Duration::zero()) return;
  if (is_staffed_state(state)) day.staffed += length;
  if (is_staffed_state(state) && state != AgentStatus::Available) day.occupied += length;
  if (state == AgentStatus::Paused) {
    day.paused += length;
    day.paused_by_reason[reason] += length;
  }
}

// A new reporting day: yesterday's figures are gone, the day's start is where counting resumes.
void start_day(AgentDay& day, Timestamp day_start, Timestamp day_end) {
  const Timestamp counted_to = std::max(day.counted_to, day_start);
  day = AgentDay{};
  day.day_start = day_start;
  day.day_end = day_end;
  day.counted_to = counted_to;
}

void move_to_day_of(AgentDay& day, Timestamp t, const SiteCalendar& calendar) {
  if (t >= day.day_start && t < day.day_end) return;
  if (t < day.day_start) return;  // out of order: counted in the day it belongs to already
  start_day(day, calendar.day_start(t), calendar.next_day_start(t));
}

}  // namespace

void count_spell(AgentDay& day, AgentStatus state, const std::string& reason, Timestamp to,
                 const SiteCalendar& calendar) {
  move_to_day_of(day, to, calendar);
  if (to <= day.counted_to) return;
  add(day, state, reason, to - day.counted_to);
  day.counted_to = to;
}

void count_handled_call(AgentDay& day, Duration handle_time, Timestamp at,
                        const SiteCalendar& calendar) {
  move_to_day_of(day, at, calendar);
  if (at < day.day_start) return;  // a late event of an earlier day
  ++day.calls_handled;
  day.handle_time += handle_time;
}

void move_to_calendar(AgentDay& day, Timestamp now, const SiteCalendar& calendar) {
  const Timestamp start = calendar.day_start(now);
  const Timestamp end = calendar.next_day_start(now);
  if (start == day.day_start && end == day.day_end) return;
  if (day.counted_to <= start) {
    start_day(day, start, end);
    return;
  }
  day.day_start = start;
  day.day_end = end;
}

AgentDay day_at(const AgentDay& day, AgentStatus state, const std::string& reason, Timestamp now) {
  AgentDay result = day;
  if (now >= day.day_end && day.day_end > day.day_start) {
    // The next day's end is the calendar's business; the engine sends a new picture then.
    start_day(result, day.day_end, day.day_end + (day.day_end - day.day_start));
  }
  if (now > result.counted_to) add(result, state, reason, now - result.counted_to);
  result.counted_to = std::max(now, result.counted_to);
  return result;
}

std::optional<double> average_handle_time_seconds(const AgentDay& day) {
  if (day.calls_handled == 0) return std::nullopt;
  return to_seconds(day.handle_time) / static_cast<double>(day.calls_handled);
}

std::optional<double> occupancy(const AgentDay& day) {
  if (day.staffed <= Duration::zero()) return std::nullopt;
  return static_cast<double>(day.occupied.count()) / static_cast<double>(day.staffed.count());
}

}  // namespace floorwatch::core
