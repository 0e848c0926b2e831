#pragma once
// Interval history (docs/durability.md "Interval history"): one SQLite row per queue per
// reporting interval with the raw counters and the settings in force, kept `state.history_days`,
// and the `report` control command built from it (docs/control.md).
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "floorwatch/core/floor_state.h"
#include "floorwatch/core/outcome_counters.h"
#include "floorwatch/core/queue_settings.h"
#include "floorwatch/core/site_calendar.h"

struct sqlite3;
struct sqlite3_stmt;

namespace floorwatch::daemon {

/// One stored interval of one queue. Plain value type.
struct IntervalRow {
  std::string queue;
  core::Timestamp start{};
  core::Timestamp end{};  ///< exclusive
  core::OutcomeCounters counts;
  /// Answer target, SL target, short-abandon limit and formula in force when the row was last
  /// written (the channel is not stored).
  core::QueueSettings settings;
};

/// What changed in the engine's intervals since they were last handed over: the rows to
/// store, at the loop's `now`. Plain value type.
struct IntervalChanges {
  std::vector<IntervalRow> rows;
  core::Timestamp now{};
  core::Timestamp kept_from{};  ///< the engine keeps no interval starting before this
};

/// The loop's half of the history: which intervals changed since it last handed them over
/// (memory only, cheap). Not thread-safe: the loop owns it.
class IntervalChangeTracker {
 public:
  /// Every interval the engine keeps whose counters differ from what was last handed over:
  /// ended ones (late events included) and the current one, partial.
  IntervalChanges collect(const core::FloorState& state, core::Timestamp now);
  /// End of the interval that was current at the last collect(): the loop collects again then.
  core::Timestamp next_boundary() const { return next_boundary_; }

 private:
  std::map<std::string, std::map<core::Timestamp, core::OutcomeCounters>, std::less<>> handed_;
  core::Timestamp next_boundary_ = core::Timestamp::min();
};

/// The history table. Not thread-safe: the daemon's HistoryWriter thread owns it and writes;
/// `report`s read through an IntervalHistoryReader on the report worker's thread.
class IntervalHistory {
 public:
  struct Options {
    std::string path;         ///< SQLite file, WAL mode (the daemon uses STATE_PATH.history)
    int retention_days = 62;  ///< rows whose interval ended longer ago are deleted
  };

  /// Opens (creating if needed). A file SQLite cannot use is moved aside (PATH.corrupt-N) and a
  /// new one started; problems() says so. Throws std::runtime_error when even that fails.
  explicit IntervalHistory(Options options);
  ~IntervalHistory();
  IntervalHistory(const IntervalHistory&) = delete;
  IntervalHistory& operator=(const IntervalHistory&) = delete;

  /// Upserts the changed rows that differ from what the file holds (a row is never replaced by
  /// counters that do not cover it), then deletes rows past retention. Throws
  /// std::runtime_error when SQLite fails (nothing of this call is then stored).
  void apply(const IntervalChanges& changes);
  /// collect() and apply() in one go on one thread (tests, tools).
  void sync(const core::FloorState& state, core::Timestamp now);
  /// End of the interval that was current at the last sync().
  core::Timestamp next_boundary() const { return tracker_.next_boundary(); }

  /// Stored rows with from <= start < to, ordered by queue then start; empty `queue` = all.
  std::vector<IntervalRow> query(core::Timestamp from, core::Timestamp to,
                                 const std::string& queue);

  /// Upserts `rows` as given (imports, tests, benchmarks), then applies retention from `now`.
  void store(const std::vector<IntervalRow>& rows, core::Timestamp now) { write(rows, now); }

  const std::vector<std::string>& problems() const { return problems_; }
  const std::string& path() const { return options_.path; }

 private:
  void open_database();
  void execute(const char* sql);
  /// The counters the file holds for one interval, if any.
  std::optional<core::OutcomeCounters> stored(const std::string& queue, core::Timestamp start);
  void write(const std::vector<IntervalRow>& rows, core::Timestamp now);

  Options options_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* upsert_ = nullptr;
  std::vector<std::string> problems_;
  // Queue -> interval start -> counters as last written (or found in the file), for the
  // intervals the engine still keeps: only differences are rewritten.
  std::map<std::string, std::map<core::Timestamp, core::OutcomeCounters>, std::less<>> written_;
  IntervalChangeTracker tracker_;  // for sync() only
};

/// Its own read-only connection to a history file, so a long report reads while the loop keeps
/// writing (WAL). Not thread-safe: one thread uses it.
class IntervalHistoryReader {
 public:
  /// Throws std::runtime_error when the file cannot be opened. While `*cancel` is true (any
  /// thread may set it), query() stops within a few thousand SQLite steps and throws.
  explicit IntervalHistoryReader(const std::string& path,
                                 const std::atomic<bool>* cancel = nullptr);
  ~IntervalHistoryReader();
  IntervalHistoryReader(const IntervalHistoryReader&) = delete;
  IntervalHistoryReader& operator=(const IntervalHistoryReader&) = delete;

  /// As IntervalHistory::query, from one consistent read snapshot.
  std::vector<IntervalRow> query(core::Timestamp from, core::Timestamp to,
                                 const std::string& queue);

 private:
  sqlite3* db_ = nullptr;
};

/// `from` / `to` of a report as the user wrote them: a date, a local date-time (site zone), or
/// epoch milliseconds. Plain value type.
struct ReportTime {
  std::optional<std::int64_t> epoch_ms;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool date_only = false;
};

/// Accepts YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (or a space instead of T) and integer epoch
/// milliseconds; nullopt for anything else, including impossible dates and times.
std::optional<ReportTime> parse_report_time(std::string_view text);
/// What parse_report_time accepts, for error messages.
inline constexpr std::string_view kReportTimeFormats =
    "a date YYYY-MM-DD, a local date-time YYYY-MM-DDTHH:MM[:SS] or epoch milliseconds";

/// The instant `time` names in the site's zone. A date alone means its reporting day
/// (day_starts_at): its start, or with `is_end` its end, so `to` 2026-12-02 includes that day.
core::Timestamp resolve_report_time(const ReportTime& time, const core::SiteCalendar& calendar,
                                    bool is_end);

/// The `report` reply (docs/control.md): the range, one entry per row with raw counters and
/// the figures of the row's formula, and per-queue totals (counters summed, then the formula).
/// Throws std::runtime_error once `*cancel` is true (checked per row: a shutdown need not wait).
nlohmann::json report_json(const std::vector<IntervalRow>& rows, core::Timestamp from,
                           core::Timestamp to, core::Timestamp now,
                           const core::SiteCalendar& calendar,
                           const std::atomic<bool>* cancel = nullptr);

/// RFC 3339 local time with the zone's offset, e.g. "2026-12-01T09:30:00+01:00".
std::string format_local_time(core::Timestamp t, const core::SiteCalendar& calendar);
/// What every report reply starts with: the range (UTC and local), the site's zone and
/// interval, and the daemon's `now`.
nlohmann::json report_range_json(core::Timestamp from, core::Timestamp to, core::Timestamp now,
                                 const core::SiteCalendar& calendar);

}  // namespace floorwatch::daemon
