#include "floorwatch/core/site_calendar.h"

#include <stdexcept>

#include <date/tz.h>

namespace floorwatch::core {
namespace {

using LocalTime = date::local_time<Duration>;

// The UTC instant of a local wall time. A local time that occurs twice (autumn) resolves to
// the earlier or later instant as asked; one that does not exist (spring) to the transition.
Timestamp resolve(const date::time_zone* zone, LocalTime local, bool earliest) {
  const date::local_info info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      return Timestamp{local.time_since_epoch() -
                       std::chrono::duration_cast<Duration>(info.first.offset)};
    case date::local_info::nonexistent:
      return std::chrono::time_point_cast<Duration>(info.second.begin);
    case date::local_info::ambiguous:
    default: {
      const auto& offset = earliest ? info.first.offset : info.second.offset;
      return Timestamp{local.time_since_epoch() - std::chrono::duration_cast<Duration>(offset)};
    }
  }
}

// Latest instant <= t whose local time is `boundary` (t's own local time floored).
Timestamp boundary_at_or_before(const date::time_zone* zone, LocalTime boundary, Timestamp t) {
  const Timestamp later = resolve(zone, boundary, false);
  return later <= t ? later : resolve(zone, boundary, true);
}

// Earliest instant > t whose local time is `boundary`.
Timestamp boundary_after(const date::time_zone* zone, LocalTime boundary, Timestamp t) {
  const Timestamp earlier = resolve(zone, boundary, true);
  return earlier > t ? earlier : resolve(zone, boundary, false);
}

}  // namespace

SiteCalendar::SiteCalendar(const std::string& time_zone, int day_start_minutes,
                           int interval_minutes)
    : time_zone_name_(time_zone),
      zone_(nullptr),
      day_start_minutes_(day_start_minutes),
      interval_minutes_(interval_minutes) {
  try {
    zone_ = date::locate_zone(time_zone);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone '" + time_zone + "'");
  }
  if (interval_minutes < 1 || interval_minutes > 1440 || 1440 % interval_minutes != 0) {
    throw std::invalid_argument("interval_minutes must divide 1440 (e.g. 15, 30, 60), got " +
                                std::to_string(interval_minutes));
  }
  if (day_start_minutes < 0 || day_start_minutes > 1439) {
    throw std::invalid_argument("day_starts_at must be between 00:00 and 23:59");
  }
}

Timestamp SiteCalendar::interval_start(Timestamp t) const {
  const LocalTime local = zone_->to_local(t);
  const auto day = std::chrono::floor<date::days>(local);
  const std::chrono::minutes length{interval_minutes_};
  const auto into_day = std::chrono::floor<std::chrono::minutes>(local - day);
  const LocalTime floored = day + (into_day / length) * length;
  return boundary_at_or_before(zone_, floored, t);
}

Timestamp SiteCalendar::interval_end(Timestamp t) const {
  const Timestamp start = interval_start(t);
  const LocalTime local = zone_->to_local(t);
  const auto day = std::chrono::floor<date::days>(local);
  const std::chrono::minutes length{interval_minutes_};
  const auto into_day = std::chrono::floor<std::chrono::minutes>(local - day);
  const LocalTime next = day + (into_day / length + 1) * length;
  Timestamp end = boundary_after(zone_, next, t);
  // A DST transition inside the interval (autumn: the local clock steps back) starts a new one.
  const auto transition =
      std::chrono::time_point_cast<Duration>(zone_->get_info(date::sys_time<Duration>{t}).end);
  if (transition > t && transition < end && interval_start(transition) != start) end = transition;
  return end;
}

// A reporting day starts at the first instant its local start time occurs; one that falls in
// a repeated hour starts once, one that falls in a skipped hour starts at the transition.
Timestamp SiteCalendar::day_start(Timestamp t) const {
  const LocalTime local = zone_->to_local(t);
  const std::chrono::minutes offset{day_start_minutes_};
  const auto day = std::chrono::floor<date::days>(local - offset);
  const Timestamp next = resolve(zone_, day + date::days{1} + offset, true);
  if (next <= t) return next;  // second pass of a repeated hour, after the day began
  const Timestamp current = resolve(zone_, day + offset, true);
  return current <= t ? current : resolve(zone_, day - date::days{1} + offset, true);
}

Timestamp SiteCalendar::next_day_start(Timestamp t) const {
  const LocalTime local = zone_->to_local(t);
  const std::chrono::minutes offset{day_start_minutes_};
  const auto day = std::chrono::floor<date::days>(local - offset);
  for (int ahead = 1; ahead <= 2; ++ahead) {
    const Timestamp candidate = resolve(zone_, day + date::days{ahead} + offset, true);
    if (candidate > t) return candidate;
  }
  return resolve(zone_, day + date::days{3} + offset, true);
}

Duration SiteCalendar::utc_offset(Timestamp t) const {
  return std::chrono::duration_cast<Duration>(zone_->get_info(t).offset);
}

std::optional<Timestamp> SiteCalendar::first_instant_at(Duration local) const {
  const LocalTime wall{local};
  if (zone_->get_info(wall).result == date::local_info::nonexistent) return std::nullopt;
  return resolve(zone_, wall, true);
}

int parse_time_of_day(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return -1;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return -1;
  return hours * 60 + minutes;
}

}  // namespace floorwatch::core
