// The interval history's writer thread: the loop hands it changes and goes on; a report waits
// only for the changes handed over before it; rows a failing disk refused are kept and written
// when it accepts writes again, without being handed over twice.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "core/core_test_support.h"
#include "daemon/history_writer.h"
#include "floorwatch/core/floor_state.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace floorwatch::core::testing;

namespace {

core::FloorConfig one_queue() {
  core::FloorConfig config;
  config.queues["sales"];
  return config;
}

std::vector<daemon::IntervalRow> rows_in(const std::string& path) {
  daemon::IntervalHistoryReader reader(path);
  return reader.query(utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"), "");
}

// Another process's write transaction: SQLite refuses every other writer until it ends.
struct WriteLock {
  explicit WriteLock(const std::string& path) {
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~WriteLock() {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  sqlite3* db = nullptr;
};

}  // namespace

TEST_CASE("a report's ticket waits for exactly the changes handed over before it",
          "[daemon][history]") {
  floorwatch::test::TempDir dir;
  const std::string path = dir.file("state.db.history");
  core::FloorState floor(one_queue());
  daemon::IntervalChangeTracker tracker;
  daemon::HistoryWriter writer(
      std::make_unique<daemon::IntervalHistory>(daemon::IntervalHistory::Options{path, 62}));

  floor.apply(enqueued(utc("2026-12-01T08:00:00Z"), "c1", "sales"));
  floor.apply(answered(utc("2026-12-01T08:00:05Z"), "c1", "a1"));
  const auto first = writer.submit(tracker.collect(floor, utc("2026-12-01T08:01:00Z")));
  writer.wait_for(first);
  auto rows = rows_in(path);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].counts.answered == 1);

  // Nothing changed: nothing is handed over again.
  CHECK(tracker.collect(floor, utc("2026-12-01T08:02:00Z")).rows.empty());

  floor.apply(enqueued(utc("2026-12-01T08:40:00Z"), "c2", "sales"));
  const auto second = writer.submit(tracker.collect(floor, utc("2026-12-01T08:41:00Z")));
  CHECK(second > first);
  writer.wait_for(second);
  rows = rows_in(path);
  REQUIRE(rows.size() == 2);  // the running 08:30 interval, partial, is there for the report
  CHECK(rows[1].counts.offered == 1);
}

TEST_CASE("rows the disk refused are written once it takes writes again, with no resubmit",
          "[daemon][history][faults]") {
  floorwatch::test::TempDir dir;
  const std::string path = dir.file("state.db.history");
  core::FloorState floor(one_queue());
  daemon::IntervalChangeTracker tracker;
  daemon::HistoryWriter writer(
      std::make_unique<daemon::IntervalHistory>(daemon::IntervalHistory::Options{path, 62}),
      std::chrono::milliseconds(50));
  floor.apply(enqueued(utc("2026-12-01T08:00:00Z"), "c1", "sales"));
  floor.apply(abandoned(utc("2026-12-01T08:00:30Z"), "c1"));

  std::uint64_t ticket = 0;
  {
    WriteLock lock(path);
    // submit() hands over and returns while the writer is stuck behind the lock.
    ticket = writer.submit(tracker.collect(floor, utc("2026-12-01T08:10:00Z")));
    writer.wait_for(ticket);  // tried (and refused: the busy timeout ran out)
  }
  CHECK(tracker.collect(floor, utc("2026-12-01T08:11:00Z")).rows.empty());  // handed over once
  std::vector<daemon::IntervalRow> rows;
  for (int i = 0; i < 200 && rows.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    rows = rows_in(path);
  }
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].counts.abandoned == 1);
}

TEST_CASE("stop writes what was handed over last", "[daemon][history]") {
  floorwatch::test::TempDir dir;
  const std::string path = dir.file("state.db.history");
  core::FloorState floor(one_queue());
  daemon::IntervalChangeTracker tracker;
  {
    daemon::HistoryWriter writer(
        std::make_unique<daemon::IntervalHistory>(daemon::IntervalHistory::Options{path, 62}));
    floor.apply(enqueued(utc("2026-12-01T08:00:00Z"), "c1", "sales"));
    writer.submit(tracker.collect(floor, utc("2026-12-01T08:01:00Z")));
    writer.stop();
  }
  CHECK(rows_in(path).size() == 1);
}
