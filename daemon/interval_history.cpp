#include "daemon/interval_history.h"

#include "daemon/sqlite_file.h"

#include <sqlite3.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>
#include <nlohmann/json.hpp>

namespace floorwatch::daemon {
namespace {

using nlohmann::json;

static_assert(core::kExitReasonCount == 4, "interval_history has one column per exit reason");

constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;

// Column order shared by the upsert, the point lookup and the range query.
constexpr const char* kCounterColumns =
    "offered, answered, answered_within_target, abandoned, abandoned_within_target, "
    "abandoned_short, exited_timeout, exited_no_agents, exited_key, exited_transfer, "
    "answered_wait_sum_ms, handled, handle_time_sum_ms, max_wait_ms";
constexpr int kCounterColumnCount = 14;

void bind_counts(sqlite3_stmt* statement, int first, const core::OutcomeCounters& c) {
  const std::int64_t values[] = {c.offered,
                                 c.answered,
                                 c.answered_within_target,
                                 c.abandoned,
                                 c.abandoned_within_target,
                                 c.abandoned_short,
                                 c.exited_by_reason[0],
                                 c.exited_by_reason[1],
                                 c.exited_by_reason[2],
                                 c.exited_by_reason[3],
                                 c.answered_wait_sum_ms,
                                 c.handled,
                                 c.handle_time_sum_ms};
  int index = first;
  for (const std::int64_t value : values) sqlite3_bind_int64(statement, index++, value);
  // No wait observed is NULL in SQL (the engine's -1), so ad-hoc queries need no special case.
  if (c.max_wait_ms < 0)
    sqlite3_bind_null(statement, index);
  else
    sqlite3_bind_int64(statement, index, c.max_wait_ms);
}

core::OutcomeCounters read_counts(sqlite3_stmt* statement, int first) {
  core::OutcomeCounters c;
  int i = first;
  auto next = [&] { return sqlite3_column_int64(statement, i++); };
  c.offered = next();
  c.answered = next();
  c.answered_within_target = next();
  c.abandoned = next();
  c.abandoned_within_target = next();
  c.abandoned_short = next();
  for (auto& exited : c.exited_by_reason) exited = next();
  c.answered_wait_sum_ms = next();
  c.handled = next();
  c.handle_time_sum_ms = next();
  c.max_wait_ms = sqlite3_column_type(statement, i) == SQLITE_NULL ? -1 : next();
  return c;
}

// Counters of an interval only ever grow (every event adds). An in-memory bucket that is
// smaller than the stored row in any field is not the whole interval — e.g. a late event for an
// interval the engine already dropped — and must not overwrite it.
bool covers(const core::OutcomeCounters& memory, const core::OutcomeCounters& stored) {
  if (memory.offered < stored.offered || memory.answered < stored.answered ||
      memory.answered_within_target < stored.answered_within_target ||
      memory.abandoned < stored.abandoned ||
      memory.abandoned_within_target < stored.abandoned_within_target ||
      memory.abandoned_short < stored.abandoned_short ||
      memory.answered_wait_sum_ms < stored.answered_wait_sum_ms ||
      memory.handled < stored.handled || memory.handle_time_sum_ms < stored.handle_time_sum_ms ||
      memory.max_wait_ms < stored.max_wait_ms)
    return false;
  for (std::size_t r = 0; r < core::kExitReasonCount; ++r)
    if (memory.exited_by_reason[r] < stored.exited_by_reason[r]) return false;
  return true;
}

// Drops the intervals that start before `kept_from`, and queues left with none.
template <typename Map>
void forget_before(Map& by_queue, core::Timestamp kept_from) {
  for (auto queue = by_queue.begin(); queue != by_queue.end();) {
    auto& intervals = queue->second;
    intervals.erase(intervals.begin(), intervals.lower_bound(kept_from));
    queue = intervals.empty() ? by_queue.erase(queue) : std::next(queue);
  }
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK)
      throw std::runtime_error("interval history: " + std::string(sqlite3_errmsg(db)));
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

template <typename T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json counts_json(const core::OutcomeCounters& counts) {
  json exited = json::object();
  for (std::size_t r = 0; r < core::kExitReasonCount; ++r)
    exited[std::string(core::to_string(static_cast<core::ExitReason>(r)))] =
        counts.exited_by_reason[r];
  return {{"offered", counts.offered},
          {"answered", counts.answered},
          {"answered_within_target", counts.answered_within_target},
          {"abandoned", counts.abandoned},
          {"abandoned_within_target", counts.abandoned_within_target},
          {"abandoned_short", counts.abandoned_short},
          {"exited", std::move(exited)},
          {"exited_total", counts.exited()},
          {"answered_wait_sum_ms", counts.answered_wait_sum_ms},
          {"handled", counts.handled},
          {"handle_time_sum_ms", counts.handle_time_sum_ms},
          {"max_wait_ms", counts.max_wait_ms < 0 ? json(nullptr) : json(counts.max_wait_ms)}};
}

// The derived figures, each only through core's formula functions.
void add_figures(json& out, const core::OutcomeCounters& counts,
                 core::ServiceLevelFormula formula) {
  out["service_level"] = optional_value(core::service_level(counts, formula));
  out["asa_seconds"] = optional_value(core::average_speed_of_answer_seconds(counts));
  out["aht_seconds"] = optional_value(core::average_handle_time_seconds(counts));
  out["abandon_ratio"] = optional_value(core::abandon_ratio(counts));
  out["max_wait_seconds"] = optional_value(core::max_wait_seconds(counts));
}

json settings_json(const core::QueueSettings& settings) {
  return {{"answer_target_seconds", core::to_seconds(settings.answer_target)},
          {"service_level_target", settings.service_level_target},
          {"short_abandon_seconds", core::to_seconds(settings.short_abandon)},
          {"service_level_formula", core::to_string(settings.formula)},
          {"service_level_formula_description", core::describe(settings.formula)}};
}

bool same_settings(const core::QueueSettings& a, const core::QueueSettings& b) {
  return a.answer_target == b.answer_target && a.service_level_target == b.service_level_target &&
         a.short_abandon == b.short_abandon && a.formula == b.formula;
}

// Parses exactly `width` digits at text[at...].
bool digits(std::string_view text, std::size_t at, std::size_t width, int& value) {
  if (at + width > text.size()) return false;
  for (std::size_t i = at; i < at + width; ++i)
    if (text[i] < '0' || text[i] > '9') return false;
  std::from_chars(text.data() + at, text.data() + at + width, value);
  return true;
}

std::vector<IntervalRow> query_rows(sqlite3* db, core::Timestamp from, core::Timestamp to,
                                    const std::string& queue) {
  // Two statements rather than "?3 = '' OR queue = ?3", which would stop SQLite from using
  // the primary key for one queue.
  Statement select(
      db, std::string("SELECT queue, interval_start_ms, interval_end_ms, ") + kCounterColumns +
              ", answer_target_ms, service_level_target, short_abandon_ms, "
              "service_level_formula FROM interval_history "
              "WHERE interval_start_ms >= ?1 AND interval_start_ms < ?2" +
              (queue.empty() ? "" : " AND queue = ?3") + " ORDER BY queue, interval_start_ms");
  sqlite3_bind_int64(select.get(), 1, core::to_epoch_ms(from));
  sqlite3_bind_int64(select.get(), 2, core::to_epoch_ms(to));
  if (!queue.empty())
    sqlite3_bind_text(select.get(), 3, queue.data(), static_cast<int>(queue.size()), SQLITE_STATIC);
  std::vector<IntervalRow> rows;
  int step;
  while ((step = sqlite3_step(select.get())) == SQLITE_ROW) {
    IntervalRow row;
    row.queue = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0));
    row.start = core::from_epoch_ms(sqlite3_column_int64(select.get(), 1));
    row.end = core::from_epoch_ms(sqlite3_column_int64(select.get(), 2));
    row.counts = read_counts(select.get(), 3);
    int next = 3 + kCounterColumnCount;
    row.settings.answer_target = core::Duration{sqlite3_column_int64(select.get(), next++)};
    row.settings.service_level_target = sqlite3_column_double(select.get(), next++);
    row.settings.short_abandon = core::Duration{sqlite3_column_int64(select.get(), next++)};
    const auto* formula = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), next));
    row.settings.formula = core::parse_service_level_formula(formula ? formula : "")
                               .value_or(core::ServiceLevelFormula::ShortAbandonsExcluded);
    rows.push_back(std::move(row));
  }
  if (step != SQLITE_DONE)
    throw std::runtime_error(std::string("interval history query: ") + sqlite3_errmsg(db));
  return rows;
}

}  // namespace

IntervalHistory::IntervalHistory(Options options) : options_(std::move(options)) {
  try {
    open_database();
  } catch (const std::exception& error) {
    // History SQLite cannot read: keep it for inspection and start a new one; the engine still
    // holds yesterday and today, which the next sync writes again.
    close_database(db_, upsert_);
    const std::string aside = move_database_aside(options_.path);
    problems_.push_back("interval history " + options_.path + " is unreadable (" + error.what() +
                        "): moved to " + aside + "; older intervals are no longer reported");
    open_database();
  }
}

IntervalHistory::~IntervalHistory() {
  close_database(db_, upsert_);
}

void IntervalHistory::open_database() {
  // NORMAL: a power cut may lose the last commit, which the engine's own recovery rewrites.
  open_wal_database(options_.path, "NORMAL", db_);
  execute(
      "CREATE TABLE IF NOT EXISTS interval_history ("
      " queue TEXT NOT NULL, interval_start_ms INTEGER NOT NULL,"
      " interval_end_ms INTEGER NOT NULL,"
      " offered INTEGER NOT NULL, answered INTEGER NOT NULL,"
      " answered_within_target INTEGER NOT NULL, abandoned INTEGER NOT NULL,"
      " abandoned_within_target INTEGER NOT NULL, abandoned_short INTEGER NOT NULL,"
      " exited_timeout INTEGER NOT NULL, exited_no_agents INTEGER NOT NULL,"
      " exited_key INTEGER NOT NULL, exited_transfer INTEGER NOT NULL,"
      " answered_wait_sum_ms INTEGER NOT NULL, handled INTEGER NOT NULL,"
      " handle_time_sum_ms INTEGER NOT NULL, max_wait_ms INTEGER,"
      " answer_target_ms INTEGER NOT NULL, service_level_target REAL NOT NULL,"
      " short_abandon_ms INTEGER NOT NULL, service_level_formula TEXT NOT NULL,"
      " updated_at_ms INTEGER NOT NULL,"
      " PRIMARY KEY (queue, interval_start_ms)) WITHOUT ROWID");
  execute(
      "CREATE INDEX IF NOT EXISTS interval_history_by_start ON interval_history "
      "(interval_start_ms)");
  const std::string upsert =
      std::string(
          "INSERT OR REPLACE INTO interval_history (queue, interval_start_ms, "
          "interval_end_ms, ") +
      kCounterColumns +
      ", answer_target_ms, service_level_target, short_abandon_ms, service_level_formula, "
      "updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  if (sqlite3_prepare_v2(db_, upsert.c_str(), -1, &upsert_, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db_));
}

void IntervalHistory::execute(const char* sql) {
  execute_sql(db_, sql, "interval history");
}

std::optional<core::OutcomeCounters> IntervalHistory::stored(const std::string& queue,
                                                             core::Timestamp start) {
  Statement select(db_, std::string("SELECT ") + kCounterColumns +
                            " FROM interval_history WHERE queue = ? AND interval_start_ms = ?");
  sqlite3_bind_text(select.get(), 1, queue.data(), static_cast<int>(queue.size()), SQLITE_STATIC);
  sqlite3_bind_int64(select.get(), 2, core::to_epoch_ms(start));
  if (sqlite3_step(select.get()) != SQLITE_ROW) return std::nullopt;
  return read_counts(select.get(), 0);
}

IntervalChanges IntervalChangeTracker::collect(const core::FloorState& state, core::Timestamp now) {
  IntervalChanges changes;
  changes.now = now;
  const core::SiteCalendar& calendar = state.calendar();
  next_boundary_ = calendar.interval_end(now);
  changes.kept_from = calendar.day_start(calendar.day_start(now) - core::Duration{1});
  state.for_each_queue_intervals(
      [&](const std::string& queue, const core::QueueSettings& settings,
          const std::map<core::Timestamp, core::OutcomeCounters>& intervals) {
        auto& handed = handed_[queue];
        for (const auto& [start, counts] : intervals) {
          const auto it = handed.find(start);
          if (it != handed.end() && it->second == counts) continue;
          handed[start] = counts;
          changes.rows.push_back(
              IntervalRow{queue, start, calendar.interval_end(start), counts, settings});
        }
      });
  forget_before(handed_, changes.kept_from);
  return changes;
}

void IntervalHistory::apply(const IntervalChanges& changes) {
  std::vector<IntervalRow> changed;
  changed.reserve(changes.rows.size());
  for (const IntervalRow& row : changes.rows) {
    const core::OutcomeCounters* written = nullptr;
    std::optional<core::OutcomeCounters> row_in_file;
    if (const auto queue = written_.find(row.queue); queue != written_.end()) {
      if (const auto it = queue->second.find(row.start); it != queue->second.end())
        written = &it->second;
    }
    // An interval not seen since start-up may already be in the file (restart).
    if (!written && (row_in_file = stored(row.queue, row.start))) {
      written_[row.queue][row.start] = *row_in_file;
      written = &*row_in_file;
    }
    // Never replace a row with counters that do not cover it (a restart from an older
    // snapshot): the engine catches up first.
    if (written && (*written == row.counts || !covers(row.counts, *written))) continue;
    changed.push_back(row);
  }
  write(changed, changes.now);
  // Intervals the engine no longer keeps cannot change through it any more: forget them.
  forget_before(written_, changes.kept_from);
}

void IntervalHistory::sync(const core::FloorState& state, core::Timestamp now) {
  apply(tracker_.collect(state, now));
}

void IntervalHistory::write(const std::vector<IntervalRow>& rows, core::Timestamp now) {
  const std::int64_t retained_after =
      core::to_epoch_ms(now) - static_cast<std::int64_t>(options_.retention_days) * kDayMs;
  execute("BEGIN IMMEDIATE");
  try {
    for (const IntervalRow& row : rows) {
      if (core::to_epoch_ms(row.end) <= retained_after) continue;
      sqlite3_stmt* s = upsert_;
      sqlite3_bind_text(s, 1, row.queue.data(), static_cast<int>(row.queue.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, 2, core::to_epoch_ms(row.start));
      sqlite3_bind_int64(s, 3, core::to_epoch_ms(row.end));
      bind_counts(s, 4, row.counts);
      int next = 4 + kCounterColumnCount;
      sqlite3_bind_int64(s, next++, row.settings.answer_target.count());
      sqlite3_bind_double(s, next++, row.settings.service_level_target);
      sqlite3_bind_int64(s, next++, row.settings.short_abandon.count());
      const std::string_view formula = core::to_string(row.settings.formula);
      sqlite3_bind_text(s, next++, formula.data(), static_cast<int>(formula.size()), SQLITE_STATIC);
      sqlite3_bind_int64(s, next++, core::to_epoch_ms(now));
      const int step = sqlite3_step(s);
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      if (step != SQLITE_DONE)
        throw std::runtime_error(std::string("interval history upsert: ") + sqlite3_errmsg(db_));
    }
    Statement prune(db_,
                    "DELETE FROM interval_history WHERE interval_start_ms < ?1 AND "
                    "interval_end_ms <= ?1");
    sqlite3_bind_int64(prune.get(), 1, retained_after);
    if (sqlite3_step(prune.get()) != SQLITE_DONE)
      throw std::runtime_error(std::string("interval history retention: ") + sqlite3_errmsg(db_));
    execute("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  for (const IntervalRow& row : rows) written_[row.queue][row.start] = row.counts;
}

std::vector<IntervalRow> IntervalHistory::query(core::Timestamp from, core::Timestamp to,
                                                const std::string& queue) {
  return query_rows(db_, from, to, queue);
}

IntervalHistoryReader::IntervalHistoryReader(const std::string& path,
                                             const std::atomic<bool>* cancel) {
  try {
    open_read_only_database(path, db_);
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
  // A non-zero return makes the running statement fail with SQLITE_INTERRUPT: shutdown need
  // not wait for a month-long read.
  if (cancel)
    sqlite3_progress_handler(
        db_, 1000,
        [](void* flag) { return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0; },
        const_cast<std::atomic<bool>*>(cancel));
}

IntervalHistoryReader::~IntervalHistoryReader() {
  sqlite3_close(db_);
}

std::vector<IntervalRow> IntervalHistoryReader::query(core::Timestamp from, core::Timestamp to,
                                                      const std::string& queue) {
  return query_rows(db_, from, to, queue);
}

std::optional<ReportTime> parse_report_time(std::string_view text) {
  ReportTime time;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    std::int64_t ms = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    time.epoch_ms = ms;
    return time;
  }
  if (!(text.size() == 10 || text.size() == 16 || text.size() == 19)) return std::nullopt;
  if (!digits(text, 0, 4, time.year) || text[4] != '-' || !digits(text, 5, 2, time.month) ||
      text[7] != '-' || !digits(text, 8, 2, time.day))
    return std::nullopt;
  const date::year_month_day ymd{date::year{time.year}, date::month{unsigned(time.month)},
                                 date::day{unsigned(time.day)}};
  if (!ymd.ok()) return std::nullopt;
  time.date_only = text.size() == 10;
  if (time.date_only) return time;
  if ((text[10] != 'T' && text[10] != ' ') || !digits(text, 11, 2, time.hour) || text[13] != ':' ||
      !digits(text, 14, 2, time.minute))
    return std::nullopt;
  if (text.size() == 19 && (text[16] != ':' || !digits(text, 17, 2, time.second)))
    return std::nullopt;
  if (time.hour > 23 || time.minute > 59 || time.second > 59) return std::nullopt;
  return time;
}

core::Timestamp resolve_report_time(const ReportTime& time, const core::SiteCalendar& calendar,
                                    bool is_end) {
  if (time.epoch_ms) return core::from_epoch_ms(*time.epoch_ms);
  const date::time_zone* zone = date::locate_zone(calendar.time_zone_name());
  const date::local_days day{date::year{time.year} / time.month / time.day};
  // A local time that does not exist (spring forward) resolves to the transition; one that
  // occurs twice (autumn) to its first occurrence.
  auto to_utc = [&](date::local_time<core::Duration> local) {
    return std::chrono::time_point_cast<core::Duration>(
        zone->to_sys(local, date::choose::earliest));
  };
  if (time.date_only) {
    const core::Timestamp start = to_utc(day + std::chrono::minutes(calendar.day_start_minutes()));
    return is_end ? calendar.next_day_start(start) : start;
  }
  return to_utc(day + std::chrono::hours(time.hour) + std::chrono::minutes(time.minute) +
                std::chrono::seconds(time.second));
}

std::string format_local_time(core::Timestamp t, const core::SiteCalendar& calendar) {
  const core::Duration offset = calendar.utc_offset(t);
  const auto local = std::chrono::floor<std::chrono::seconds>(t + offset);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> time{local - day};
  const std::int64_t offset_minutes = offset.count() / 60'000;
  const std::int64_t magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  // snprintf rather than date::format: a month-long report formats tens of thousands of these.
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                offset_minutes < 0 ? '-' : '+', static_cast<int>(magnitude / 60),
                static_cast<int>(magnitude % 60));
  return text;
}

json report_json(const std::vector<IntervalRow>& rows, core::Timestamp from, core::Timestamp to,
                 core::Timestamp now, const core::SiteCalendar& calendar,
                 const std::atomic<bool>* cancel) {
  json out_rows = json::array();
  json totals = json::array();
  // Rows arrive ordered by queue: each queue's totals are closed when the next queue starts.
  struct Total {
    std::string queue;
    core::OutcomeCounters counts;
    core::QueueSettings latest;
    bool mixed = false;
    std::int64_t intervals = 0;
  };
  std::optional<Total> total;
  auto close_total = [&] {
    if (!total) return;
    json entry{{"queue", total->queue},
               {"intervals", total->intervals},
               {"counts", counts_json(total->counts)},
               {"settings", settings_json(total->latest)},
               {"mixed_settings", total->mixed}};
    // Summed counters, then the formula: a ratio of totals, never an average of ratios.
    add_figures(entry, total->counts, total->latest.formula);
    totals.push_back(std::move(entry));
  };
  for (const IntervalRow& row : rows) {
    if (cancel && cancel->load(std::memory_order_relaxed))
      throw std::runtime_error("report cancelled");
    if (!total || total->queue != row.queue) {
      close_total();
      total = Total{row.queue, {}, row.settings, false, 0};
    }
    total->counts += row.counts;
    total->mixed = total->mixed || !same_settings(total->latest, row.settings);
    total->latest = row.settings;
    ++total->intervals;

    json entry{{"queue", row.queue},
               {"start", core::format_timestamp(row.start)},
               {"end", core::format_timestamp(row.end)},
               {"start_local", format_local_time(row.start, calendar)},
               {"end_local", format_local_time(row.end, calendar)},
               {"partial", row.end > now},
               {"counts", counts_json(row.counts)},
               {"settings", settings_json(row.settings)}};
    add_figures(entry, row.counts, row.settings.formula);
    out_rows.push_back(std::move(entry));
  }
  close_total();
  json reply = report_range_json(from, to, now, calendar);
  reply["rows"] = std::move(out_rows);
  reply["totals"] = std::move(totals);
  return reply;
}

json report_range_json(core::Timestamp from, core::Timestamp to, core::Timestamp now,
                       const core::SiteCalendar& calendar) {
  return {{"from", core::format_timestamp(from)},
          {"to", core::format_timestamp(to)},
          {"from_local", format_local_time(from, calendar)},
          {"to_local", format_local_time(to, calendar)},
          {"time_zone", calendar.time_zone_name()},
          {"interval_minutes", calendar.interval_minutes()},
          {"now", core::format_timestamp(now)}};
}

}  // namespace floorwatch::daemon
