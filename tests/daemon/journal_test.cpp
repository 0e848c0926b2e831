// The journal + snapshot store behind crash recovery, on real files and a real SQLite database.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "daemon/journal.h"
#include "support/temp_dir.h"

using floorwatch::daemon::Journal;

namespace {

using TempDirectory = floorwatch::test::TempDir;

Journal::Options options_for(const TempDirectory& dir) {
  return Journal::Options{dir.file("state.db"), false};
}

void flip_byte(const std::string& file, std::size_t offset_from_end) {
  std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
  stream.seekg(-static_cast<std::streamoff>(offset_from_end), std::ios::end);
  char c;
  stream.get(c);
  stream.seekp(-static_cast<std::streamoff>(offset_from_end), std::ios::end);
  stream.put(static_cast<char>(c ^ 0x41));
}

}  // namespace

TEST_CASE("committed frames come back in order after a restart", "[daemon][durability]") {
  TempDirectory dir;
  {
    Journal store(options_for(dir));
    CHECK(store.recover().frames.empty());
    store.append("frame-1");
    store.append(std::string("frame-\0-2", 9));  // binary-safe
    store.commit();
    store.append("frame-3");
    store.commit();
  }
  Journal reopened(options_for(dir));
  const auto recovered = reopened.recover();
  CHECK_FALSE(recovered.snapshot);
  REQUIRE(recovered.frames.size() == 3);
  CHECK(recovered.frames[0] == "frame-1");
  CHECK(recovered.frames[1] == std::string("frame-\0-2", 9));
  CHECK(recovered.frames[2] == "frame-3");
  CHECK(recovered.problems.empty());
}

TEST_CASE("recovery is the newest snapshot plus only the frames after it", "[daemon][durability]") {
  TempDirectory dir;
  {
    Journal store(options_for(dir));
    store.recover();
    store.append("a");
    store.append("b");
    store.write_snapshot("state after a,b");
    store.append("c");
    store.write_snapshot("state after a,b,c");
    store.append("d");
    store.commit();
  }
  Journal reopened(options_for(dir));
  const auto recovered = reopened.recover();
  REQUIRE(recovered.snapshot);
  CHECK(*recovered.snapshot == "state after a,b,c");
  REQUIRE(recovered.frames.size() == 1);
  CHECK(recovered.frames[0] == "d");
}

TEST_CASE("a corrupted newest snapshot falls back to the previous one and its frames",
          "[daemon][durability]") {
  TempDirectory dir;
  {
    Journal store(options_for(dir));
    store.recover();
    store.append("a");
    store.write_snapshot("state after a");
    store.append("b");
    store.append("c");
    store.write_snapshot("state after a,b,c");
    store.append("d");
    store.commit();
  }
  flip_byte(dir.file("state.db.snapshot"), 12);
  Journal reopened(options_for(dir));
  const auto recovered = reopened.recover();
  REQUIRE(recovered.snapshot);
  CHECK(*recovered.snapshot == "state after a");
  REQUIRE(recovered.frames.size() == 3);  // b, c and d: nothing acked is lost
  CHECK(recovered.frames[0] == "b");
  CHECK(recovered.frames[2] == "d");
  REQUIRE(recovered.problems.size() == 1);
  CHECK_THAT(recovered.problems[0],
             Catch::Contains("state.db.snapshot") && Catch::Contains("checksum"));
}

TEST_CASE("an unreadable journal is moved aside and the snapshot still recovers",
          "[daemon][durability]") {
  TempDirectory dir;
  {
    Journal store(options_for(dir));
    store.recover();
    store.append("a");
    store.write_snapshot("state after a");
    store.append("b");
    store.commit();
  }
  std::filesystem::remove(dir.file("state.db-wal"));
  std::filesystem::remove(dir.file("state.db-shm"));
  { std::ofstream(dir.file("state.db"), std::ios::trunc) << std::string(8192, 'x'); }
  Journal reopened(options_for(dir));
  const auto recovered = reopened.recover();
  REQUIRE(recovered.snapshot);
  CHECK(*recovered.snapshot == "state after a");
  CHECK(recovered.frames.empty());
  REQUIRE_FALSE(recovered.problems.empty());
  CHECK_THAT(recovered.problems[0], Catch::Contains("unreadable") && Catch::Contains("corrupt-1"));
  CHECK(std::filesystem::exists(dir.file("state.db.corrupt-1")));
  // The new journal works.
  reopened.append("c");
  reopened.commit();
}
