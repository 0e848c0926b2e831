#pragma once
// What one floorwatch-wallboard shows and where it connects: the `boards:` section of
// floorwatch.yaml (plus the daemon's `feed:` and `control:` binds), overridden by the command
// line. Reference: wallboard/README.md.
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/string_list.h"
#include "wallboard/board_logic.h"
#include "wallboard/feed_client.h"
#include "wallboard/sound_policy.h"
#include "yaml_config/config_file_error.h"

namespace floorwatch::wallboard {

/// A configuration problem, worded `FILE:LINE: key: problem` (the shared config error type).
using BoardConfigError = yaml_config::ConfigFileError;

/// Everything a board needs to run. Plain value type.
struct BoardOptions {
  std::string name;   ///< the board's name: `by` when it acknowledges; default the host name
  std::string title;  ///< header title; empty = the site name from the feed
  std::vector<std::string> queues;  ///< tiles in this order; empty = every queue by name
  /// The daemons to follow: one, or both of an HA pair (the first is followed at start; the
  /// board moves to the other when the one followed goes silent).
  std::vector<FeedEndpoints> daemons{FeedEndpoints{}};
  /// CURVE (docs/security.md): each daemon's NAME.key (one for all, or one per daemon) and this
  /// board's NAME.key_secret; read into each daemon's security by load_board_keys. Empty =
  /// plaintext.
  std::vector<std::string> curve_server_key_files;
  std::string curve_key_file;
  std::vector<Page> pages{Page::Queues, Page::Agents, Page::Abandons, Page::Callers};
  int rotate_seconds = 20;
  double stale_after_seconds = 3;
  bool fullscreen = false;
  SoundSettings sound;  ///< alert sounds (`sound:`); `--no-sound` turns them off
  std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string bold_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  // Screenshot mode (tests, docs): render off the live feed, write a PNG, exit.
  std::string screenshot;
  int width = 1920;
  int height = 1080;
  std::uint64_t after_updates = 1;  ///< feed updates (snapshot/deltas) to wait for
  bool after_stale = false;         ///< ...and then for the data to go stale
  double screenshot_timeout_seconds = 60;
  /// Benchmarks: print when a new reason of this agent is first on screen (after the swap).
  std::string trace_agent;
  /// Draw every frame whole (`--full-redraw`): for drivers that misreport a kept back buffer.
  bool full_redraw = false;
};

/// Reads floorwatch.yaml: `boards.<board>` (the first board when `board` is empty; none is
/// fine) and the daemon's `feed:`/`control:` binds as default endpoints (a `*` or 0.0.0.0 host
/// becomes 127.0.0.1). A board's `feed`, `snapshot` and `control` take one endpoint or a list
/// (an HA pair), the same length each. Throws BoardConfigError for unknown keys and bad values.
void apply_config_file(const std::string& yaml_text, const std::string& file_name,
                       const std::string& board, BoardOptions& options);
/// Reads the file, then apply_config_file. Throws BoardConfigError.
void load_config_file(const std::string& path, const std::string& board, BoardOptions& options);

/// Sets the daemons' endpoints from lists of the same length (or a single one each), as the
/// config file and the command line give them. Throws BoardConfigError naming `source` when the
/// lengths differ.
void set_daemon_endpoints(BoardOptions& options, const std::vector<std::string>& publish,
                          const std::vector<std::string>& snapshot,
                          const std::vector<std::string>& control, const std::string& source);

/// Reads curve_server_key_files / curve_key_file into each daemon's security (server keys: one
/// for every daemon or one each; with a key file or neither). Throws BoardConfigError.
void load_board_keys(BoardOptions& options);

/// A bind endpoint turned into one a board can connect to: "tcp://*:5572" ->
/// "tcp://127.0.0.1:5572". A `*` port cannot be connected to: BoardConfigError.
std::string connectable_endpoint(const std::string& bind_endpoint);
/// "1920x1080" -> (1920, 1080); throws BoardConfigError.
std::pair<int, int> parse_size(const std::string& text);
using common::split_list;  ///< "a, b" -> {"a", "b"}: --queues, --pages, an HA pair's endpoints

}  // namespace floorwatch::wallboard
