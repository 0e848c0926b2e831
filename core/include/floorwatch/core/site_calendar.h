#pragma once
// Local-time boundaries of the site: reporting intervals and the reporting day, in an IANA
// time zone. DST days are 23 or 25 hours long; intervals are aligned to the local clock.
#include <memory>
#include <optional>
#include <string>

#include "floorwatch/core/time.h"

namespace date {
class time_zone;
}

namespace floorwatch::core {

/// Thread-safe after construction (immutable).
class SiteCalendar {
 public:
  /// Throws std::invalid_argument for an unknown zone, interval_minutes outside 1..1440 or
  /// not dividing 1440, or day_start_minutes outside 0..1439.
  SiteCalendar(const std::string& time_zone, int day_start_minutes, int interval_minutes);

  /// Start of the interval containing `t`: local time floored to a multiple of
  /// interval_minutes since local midnight.
  Timestamp interval_start(Timestamp t) const;
  /// End (exclusive) of the interval containing `t` = start of the next one.
  Timestamp interval_end(Timestamp t) const;
  /// Start of the reporting day containing `t` (the latest local `day_starts_at` <= t).
  Timestamp day_start(Timestamp t) const;
  /// Start of the next reporting day after the one containing `t`.
  Timestamp next_day_start(Timestamp t) const;
  /// Offset of local time from UTC at `t`.
  Duration utc_offset(Timestamp t) const;
  /// Local wall time at `t`, as a duration since the local epoch (1970-01-01 00:00 local).
  Duration local_time(Timestamp t) const { return t.time_since_epoch() + utc_offset(t); }
  /// The first instant whose local wall time is `local` (the earlier one in a repeated autumn
  /// hour); nullopt when the local clock skips it (spring).
  std::optional<Timestamp> first_instant_at(Duration local) const;

  const std::string& time_zone_name() const { return time_zone_name_; }
  const date::time_zone& zone() const { return *zone_; }
  int interval_minutes() const { return interval_minutes_; }
  int day_start_minutes() const { return day_start_minutes_; }

 private:
  std::string time_zone_name_;
  const date::time_zone* zone_;
  int day_start_minutes_;
  int interval_minutes_;
};

/// Parses "HH:MM" into minutes after midnight; -1 when malformed.
int parse_time_of_day(const std::string& text);

}  // namespace floorwatch::core
