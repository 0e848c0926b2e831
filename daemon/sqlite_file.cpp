#include "daemon/sqlite_file.h"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

namespace floorwatch::daemon {

void open_wal_database(const std::string& path, const char* synchronous, sqlite3*& db) {
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK)
    throw std::runtime_error(db ? sqlite3_errmsg(db) : "cannot open");
  execute_sql(db, "PRAGMA journal_mode=WAL", path);
  execute_sql(db, (std::string("PRAGMA synchronous=") + synchronous).c_str(), path);
}

void open_read_only_database(const std::string& path, sqlite3*& db) {
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    throw std::runtime_error(path + ": " + (db ? sqlite3_errmsg(db) : "cannot open"));
  // A reader only waits while another connection recovers the WAL index (rare, short).
  sqlite3_busy_timeout(db, 2000);
}

void execute_sql(sqlite3* db, const char* sql, const std::string& what) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error(what + ": " + text);
  }
}

void check_database_readable(sqlite3* db) {
  sqlite3_stmt* check = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &check, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db));
  const int step = sqlite3_step(check);
  const std::string verdict =
      step == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(check, 0)) : "error";
  sqlite3_finalize(check);
  if (verdict != "ok") throw std::runtime_error("quick_check: " + verdict);
}

std::string move_database_aside(const std::string& path) {
  std::string aside;
  for (int n = 1;; ++n) {
    aside = path + ".corrupt-" + std::to_string(n);
    if (!std::filesystem::exists(aside)) break;
  }
  std::filesystem::rename(path, aside);
  for (const char* suffix : {"-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::rename(path + suffix, aside + suffix, ignored);
  }
  return aside;
}

void close_database(sqlite3*& db, sqlite3_stmt*& statement) {
  sqlite3_finalize(statement);  // a no-op on null
  statement = nullptr;
  sqlite3_close(db);
  db = nullptr;
}

}  // namespace floorwatch::daemon
