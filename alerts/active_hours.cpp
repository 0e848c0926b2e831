#include "alerts/active_hours.h"

#include <algorithm>
#include <vector>

#include <date/tz.h>

namespace floorwatch::alerts {
namespace {

struct Span {
  core::Timestamp start;
  core::Timestamp end;
};

core::Timestamp to_utc(const date::time_zone& zone, date::local_time<core::Duration> local) {
  // Earliest for the repeated hour; a nonexistent time (spring-forward gap) maps to the jump.
  return date::floor<core::Duration>(zone.to_sys(local, date::choose::earliest));
}

// Spans starting from the day before `now` (an overnight span may still be open) to a week on.
std::vector<Span> spans_around(const ActiveHours& hours, const date::time_zone& zone,
                               core::Timestamp now) {
  const auto local_now = zone.to_local(now);
  const auto today = date::floor<date::days>(local_now);
  std::vector<Span> spans;
  for (int offset = -1; offset <= 8; ++offset) {
    const date::local_days day = today + date::days{offset};
    const unsigned weekday = date::weekday{day}.c_encoding();
    if (!hours.days[weekday]) continue;
    const auto start_local = day + std::chrono::minutes{hours.start_minutes};
    const date::local_days end_day =
        hours.end_minutes > hours.start_minutes ? day : day + date::days{1};
    const auto end_local = end_day + std::chrono::minutes{hours.end_minutes};
    spans.push_back({to_utc(zone, date::local_time<core::Duration>{start_local}),
                     to_utc(zone, date::local_time<core::Duration>{end_local})});
  }
  return spans;
}

}  // namespace

bool within_active_hours(const ActiveHours& hours, const date::time_zone& zone,
                         core::Timestamp now) {
  const auto spans = spans_around(hours, zone, now);
  return std::any_of(spans.begin(), spans.end(),
                     [&](const Span& span) { return span.start <= now && now < span.end; });
}

core::Timestamp next_active_hours_change(const ActiveHours& hours, const date::time_zone& zone,
                                         core::Timestamp now) {
  core::Timestamp next = core::Timestamp::max();
  for (const Span& span : spans_around(hours, zone, now)) {
    if (span.start > now) next = std::min(next, span.start);
    if (span.end > now) next = std::min(next, span.end);
  }
  return next;
}

}  // namespace floorwatch::alerts
