#pragma once
// The few SQLite steps the journal (state_store) and the interval history share: open a file in
// WAL mode, run a statement or fail with SQLite's words, prove the file readable, and move an
// unreadable file aside (with its -wal and -shm) so the daemon can start a new one.
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace floorwatch::daemon {

/// Opens (creating) `path` in WAL mode with `PRAGMA synchronous=<synchronous>` (FULL, NORMAL,
/// OFF). Throws std::runtime_error; on failure `db` may still hold a handle to close.
void open_wal_database(const std::string& path, const char* synchronous, sqlite3*& db);
/// Opens an existing `path` read-only, for a reader on another thread than the writer's (WAL:
/// it neither blocks the writer nor waits for it). Throws std::runtime_error; `db` as above.
void open_read_only_database(const std::string& path, sqlite3*& db);
/// Runs `sql`; throws std::runtime_error("<what>: <SQLite's message>").
void execute_sql(sqlite3* db, const char* sql, const std::string& what);
/// PRAGMA quick_check reads every page; throws unless SQLite says "ok".
void check_database_readable(sqlite3* db);
/// Finalizes `statement` and closes `db` (either may be null) and nulls both: the end of a
/// writer's connection, whether on destruction or before an unreadable file is moved aside.
void close_database(sqlite3*& db, sqlite3_stmt*& statement);
/// Renames `path` (and its -wal/-shm) to the first free `path.corrupt-N`; returns that name.
std::string move_database_aside(const std::string& path);

}  // namespace floorwatch::daemon
