// FileFollower on real files in a temporary directory: what `tail -F` users expect (appends,
// a line written in two pieces, logrotate's rename and copytruncate) plus resuming after a
// restart without sending a line twice or skipping one.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "file_follower.h"
#include "support/temp_dir.h"

using namespace floorwatch;
using namespace floorwatch::collectors;
using namespace std::chrono_literals;

namespace {

void append(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

// Every complete line available now, as text, with its "before resume" flag shown as "(old)".
std::vector<std::string> drain(FileFollower& follower, core::Timestamp now) {
  std::vector<std::string> lines;
  while (auto line = follower.next_line(now))
    lines.push_back(std::string(line->text) + (line->before_resume_point ? " (old)" : ""));
  return lines;
}

using Lines = std::vector<std::string>;
const core::Timestamp kT0 = core::from_epoch_ms(1'795'510'800'000);

}  // namespace

TEST_CASE("follower returns appended lines and waits for the end of a partial line",
          "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  append(path, "one\ntwo\nthr");
  FileFollower follower(path);
  follower.start_at_beginning();

  CHECK(drain(follower, kT0) == Lines{"one", "two"});
  CHECK(follower.position().offset == 8);  // after "two\n": a restart resumes here
  CHECK(follower.pending_bytes() == 3);

  append(path, "ee\nfour\n");
  CHECK(drain(follower, kT0) == Lines{"three", "four"});
  CHECK(follower.position().offset == 19);
  CHECK(drain(follower, kT0).empty());
  CHECK(follower.stats().lines == 4);
}

TEST_CASE("follower started at the end sends only lines written afterwards",
          "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  append(path, "old\nhalf of a line be");  // Asterisk is in the middle of a write
  FileFollower follower(path);
  follower.start_at_end();
  CHECK(drain(follower, kT0).empty());
  append(path, "ing written\nnew\n");
  CHECK(drain(follower, kT0) == Lines{"new"});
}

TEST_CASE("follower waits for a file that does not exist yet and reads it whole",
          "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  FileFollower follower(path);
  follower.start_at_end();
  CHECK(drain(follower, kT0).empty());
  append(path, "first\n");
  CHECK(drain(follower, kT0) == Lines{"first"});
}

TEST_CASE("rename rotation: the old file is read to its end, then the new one from its start",
          "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  append(path, "a1\na2\n");
  FileFollowerOptions options;
  options.rotation_grace = 1000ms;
  FileFollower follower(path, options);
  follower.start_at_beginning();
  CHECK(drain(follower, kT0) == Lines{"a1", "a2"});

  // logrotate renames; the writer still holds the old file until `logger reload`.
  std::filesystem::rename(path, path + ".1");
  append(path + ".1", "a3\n");
  CHECK(drain(follower, kT0 + 100ms) == Lines{"a3"});
  append(path, "b1\n");  // the writer reopened: a new file (new inode) at the path
  append(path + ".1", "a4 late\n");
  CHECK(drain(follower, kT0 + 200ms) == Lines{"a4 late"});
  // Within the grace nothing moves; the new file's line waits (order is kept).
  CHECK(drain(follower, kT0 + 900ms).empty());
  CHECK(follower.stats().rotations == 0);
  // Quiet for the whole grace: switch.
  CHECK(drain(follower, kT0 + 1300ms) == Lines{"b1"});
  CHECK(follower.stats().rotations == 1);
  struct stat info {};
  REQUIRE(stat(path.c_str(), &info) == 0);
  CHECK(follower.position().inode == static_cast<std::uint64_t>(info.st_ino));
  CHECK(follower.position().offset == 3);
  append(path, "b2\n");
  CHECK(drain(follower, kT0 + 1400ms) == Lines{"b2"});
}

TEST_CASE("rename rotation drops an unterminated last line of the old file and counts it",
          "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  append(path, "a1\ntorn wri");
  FileFollowerOptions options;
  options.rotation_grace = 0ms;
  FileFollower follower(path, options);
  follower.start_at_beginning();
  CHECK(drain(follower, kT0) == Lines{"a1"});
  std::filesystem::rename(path, path + ".1");
  append(path, "b1\n");
  CHECK(drain(follower, kT0) == Lines{"b1"});
  CHECK(follower.stats().dropped_partial_bytes == 8);
}

TEST_CASE("copytruncate: a file that shrinks is read again from its start",
          "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  append(path, "line one\nline two\n");
  FileFollower follower(path);
  follower.start_at_beginning();
  CHECK(drain(follower, kT0).size() == 2);

  SECTION("truncated, then a short line") {
    std::filesystem::copy_file(path, path + ".1");
    std::filesystem::resize_file(path, 0);
    append(path, "new\n");
    CHECK(drain(follower, kT0) == Lines{"new"});
    CHECK(follower.stats().truncations == 1);
  }
  SECTION("truncated and written past the old size before we looked") {
    std::filesystem::resize_file(path, 0);
    append(path, "a different first line\nand more\n");
    // Same inode, larger than our offset: only the changed first bytes reveal it.
    CHECK(drain(follower, kT0) == Lines{"a different first line", "and more"});
    CHECK(follower.stats().truncations == 1);
  }
}

TEST_CASE("lines longer than the limit are skipped whole", "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  append(path, "short\n" + std::string(100, 'x') + "\nafter\n");
  FileFollowerOptions options;
  options.max_line_bytes = 50;
  options.read_chunk_bytes = 16;
  FileFollower follower(path, options);
  follower.start_at_beginning();
  CHECK(drain(follower, kT0) == Lines{"short", "after"});
  CHECK(follower.stats().overlong_lines == 1);
}

TEST_CASE("state file round-trips a position and is replaced atomically",
          "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  FollowerStateFile state(dir.file("state"));
  CHECK_FALSE(state.load().has_value());
  const FilePosition position{2049, 131073, 4567, 64, 0x1234abcd5678ef90ull};
  state.save(position, "/var/log/asterisk/queue_log");
  CHECK(state.load() == position);
  CHECK_FALSE(std::filesystem::exists(dir.file("state.tmp")));
  state.save(FilePosition{2049, 131073, 9999, 64, 1}, "/var/log/asterisk/queue_log");
  CHECK(state.load()->offset == 9999);

  std::ofstream(dir.file("state")) << "version 1\noffset banana\n";
  CHECK_THROWS_WITH(state.load(), Catch::Contains("bad line"));
}

SCENARIO("a restarted follower resumes where the last run stopped", "[collectors][follower]") {
  floorwatch::test::TempDir dir;
  const auto path = dir.file("queue_log");
  append(path, "l1\nl2\n");
  FilePosition saved;
  {
    FileFollower first_run(path);
    first_run.start_at_beginning();
    REQUIRE(drain(first_run, kT0) == Lines{"l1", "l2"});
    saved = first_run.position();
  }
  FileFollowerOptions options;
  options.rotation_grace = 0ms;

  GIVEN("the file only grew while we were down") {
    append(path, "l3\n");
    FileFollower follower(path, options);
    CHECK(follower.resume(saved) == ResumeOutcome::Resumed);
    // Earlier lines come back flagged, so a mapper can rebuild calls in flight.
    CHECK(drain(follower, kT0) == Lines{"l1 (old)", "l2 (old)", "l3"});
  }
  GIVEN("it was rotated by rename while we were down") {
    append(path, "l3\n");
    std::filesystem::rename(path, path + ".1");
    append(path, "n1\n");
    FileFollower follower(path, options);
    CHECK(follower.resume(saved) == ResumeOutcome::ResumedInRotated);
    CHECK(drain(follower, kT0) == Lines{"l1 (old)", "l2 (old)", "l3", "n1"});
  }
  GIVEN("it was rotated and the old file is gone (compressed)") {
    append(path + ".new", "n1\n");  // created first so it cannot reuse the old inode
    std::filesystem::remove(path);
    std::filesystem::rename(path + ".new", path);
    FileFollower follower(path, options);
    CHECK(follower.resume(saved) == ResumeOutcome::RotatedFileGone);
    CHECK(drain(follower, kT0) == Lines{"n1"});
  }
  GIVEN("it was truncated in place (copytruncate) and rewritten") {
    std::filesystem::resize_file(path, 0);
    append(path, "n1\nn2\nn3\n");
    FileFollower follower(path, options);
    CHECK(follower.resume(saved) == ResumeOutcome::FileTruncated);
    CHECK(drain(follower, kT0) == Lines{"n1", "n2", "n3"});
  }
  GIVEN("the file is missing") {
    std::filesystem::remove(path);
    FileFollower follower(path, options);
    CHECK(follower.resume(saved) == ResumeOutcome::NoFileYet);
    CHECK(drain(follower, kT0).empty());
    append(path, "n1\n");
    CHECK(drain(follower, kT0) == Lines{"n1"});
  }
}
