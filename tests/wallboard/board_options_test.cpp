// The `boards:` section of floorwatch.yaml and the endpoints a board derives from the daemon's
// own binds; mistakes are reported as FILE:LINE: key: problem.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>

#include "support/temp_dir.h"
#include "wallboard/board_options.h"
#include "wallboard/png_image.h"

using namespace floorwatch::wallboard;

namespace {

const char* kConfig = R"(site: stockholm
feed:
  bind: tcp://*:6572
  publish: tcp://0.0.0.0:6573
control:
  bind: tcp://10.0.0.5:6571
boards:
  floor-1:
    title: Sales floor
    queues: [sales, billing]
    rotate_seconds: 15
    pages: [queues, abandons]
  lobby:
    queues: [support]
    feed: tcp://fw-host:7000
)";

}  // namespace

TEST_CASE("a board reads its entry of `boards:` and the daemon's endpoints",
          "[wallboard][options]") {
  BoardOptions options;
  SECTION("the first board by default") {
    apply_config_file(kConfig, "floorwatch.yaml", "", options);
    CHECK(options.name == "floor-1");
    CHECK(options.title == "Sales floor");
    CHECK(options.queues == std::vector<std::string>{"sales", "billing"});
    CHECK(options.rotate_seconds == 15);
    CHECK(options.pages == std::vector<Page>{Page::Queues, Page::Abandons});
    // Wildcard binds become loopback; a concrete address is kept.
    CHECK(options.daemons.front().snapshot == "tcp://127.0.0.1:6572");
    CHECK(options.daemons.front().publish == "tcp://127.0.0.1:6573");
    CHECK(options.daemons.front().control == "tcp://10.0.0.5:6571");
  }
  SECTION("a named board, whose own endpoint wins") {
    apply_config_file(kConfig, "floorwatch.yaml", "lobby", options);
    CHECK(options.name == "lobby");
    CHECK(options.queues == std::vector<std::string>{"support"});
    CHECK(options.daemons.front().publish == "tcp://fw-host:7000");
    CHECK(options.daemons.front().snapshot == "tcp://127.0.0.1:6572");
  }
  SECTION("no boards at all keeps the defaults") {
    apply_config_file("site: x\n", "f.yaml", "", options);
    CHECK(options.queues.empty());
    CHECK(options.daemons.front().publish == "tcp://127.0.0.1:5573");
  }
}

TEST_CASE("a board lists both daemons of an HA pair, in config and on the command line",
          "[wallboard][options][failover]") {
  BoardOptions options;
  SECTION("lists in the board's entry") {
    apply_config_file(R"(boards:
  floor:
    feed: [tcp://fw-a:5573, tcp://fw-b:5573]
    snapshot: [tcp://fw-a:5572, tcp://fw-b:5572]
    control: [tcp://fw-a:5571, tcp://fw-b:5571]
)",
                      "f.yaml", "", options);
    REQUIRE(options.daemons.size() == 2);
    CHECK(options.daemons[0].publish == "tcp://fw-a:5573");
    CHECK(options.daemons[1].snapshot == "tcp://fw-b:5572");
    CHECK(options.daemons[1].control == "tcp://fw-b:5571");
  }
  SECTION("comma lists from the command line") {
    set_daemon_endpoints(options, split_list("tcp://a:1, tcp://b:1"),
                         split_list("tcp://a:2,tcp://b:2"), split_list("tcp://a:3,tcp://b:3"),
                         "--feed");
    REQUIRE(options.daemons.size() == 2);
    CHECK(options.daemons[1].publish == "tcp://b:1");
    CHECK(options.daemons[0].control == "tcp://a:3");
  }
  SECTION("lists of different lengths are refused, naming the board") {
    CHECK_THROWS_WITH(
        apply_config_file("boards:\n  floor:\n    feed: [tcp://a:1, tcp://b:1]\n"
                          "    snapshot: [tcp://a:2]\n",
                          "f.yaml", "", options),
        Catch::Contains("f.yaml: boards.floor") && Catch::Contains("same number of daemons"));
  }
  SECTION("three server keys for two daemons are refused") {
    set_daemon_endpoints(options, {"tcp://a:1", "tcp://b:1"}, {"tcp://a:2", "tcp://b:2"},
                         {"tcp://a:3", "tcp://b:3"}, "--feed");
    options.curve_server_key_files = {"a.key", "b.key", "c.key"};
    CHECK_THROWS_WITH(load_board_keys(options), Catch::Contains("one per daemon"));
  }
}

TEST_CASE("board configuration mistakes name the file, line and key", "[wallboard][options]") {
  BoardOptions options;
  const auto [yaml, board, message] = GENERATE(table<std::string, std::string, std::string>({
      {"boards:\n  a:\n    colour: red\n", "", "f.yaml:3: boards.a.colour: unknown key"},
      {"boards:\n  a:\n    pages: [queues, weather]\n", "", "unknown page \"weather\""},
      {"boards:\n  a:\n    rotate_seconds: 0\n", "", "boards.a.rotate_seconds"},
      {"boards:\n  a:\n    queues: sales\n", "", "expected a list"},
      {"boards:\n  a: {}\n", "b", "boards.b: no such board"},
      {"feed:\n  publish: tcp://127.0.0.1:*\n", "", "the port is chosen by the daemon"},
  }));
  CAPTURE(yaml);
  try {
    apply_config_file(yaml, "f.yaml", board, options);
    FAIL("no error for: " << yaml);
  } catch (const BoardConfigError& error) {
    CHECK_THAT(error.what(), Catch::Contains(message));
  }
}

TEST_CASE("command-line helpers", "[wallboard][options]") {
  CHECK(parse_size("3840x2160") == std::pair{3840, 2160});
  CHECK_THROWS_AS(parse_size("big"), BoardConfigError);
  CHECK(split_list(" sales, billing ,,support") ==
        std::vector<std::string>{"sales", "billing", "support"});
  CHECK(connectable_endpoint("ipc:///run/fw.feed") == "ipc:///run/fw.feed");
}

TEST_CASE("screenshots round-trip through PNG and regions can be measured", "[wallboard][png]") {
  Image image;
  image.width = 40;
  image.height = 20;
  image.rgba.assign(40 * 20 * 4, 0);
  for (int y = 0; y < 20; ++y)
    for (int x = 0; x < 40; ++x) {
      const Rgba c = x < 20 ? Palette::critical : Palette::stale_fill;
      std::uint8_t* p =
          &image.rgba[(static_cast<std::size_t>(y) * 40 + static_cast<std::size_t>(x)) * 4];
      p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = 255;
    }
  const floorwatch::test::TempDir dir;
  const std::string path = dir.file("board.png");
  std::string error;
  REQUIRE(write_png(path, image, error));
  const auto read = read_png(path, error);
  REQUIRE(read);
  CHECK(read->width == 40);
  CHECK(read->rgba == image.rgba);
  const RegionStats left = region_stats(*read, {0, 0, 20, 20});
  CHECK(left.share_near(Palette::critical) == Approx(1.0));
  CHECK(left.max_chroma > 150);
  const RegionStats right = region_stats(*read, {20, 0, 20, 20});
  CHECK(right.max_chroma == 0);  // grey
  CHECK_FALSE(read_png("/nonexistent.png", error));
}
