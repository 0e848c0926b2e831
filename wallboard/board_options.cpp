#include "wallboard/board_options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "yaml_config/reader.h"

namespace floorwatch::wallboard {
namespace {

using Reader = yaml_config::Reader;

std::string bind_of(const YAML::Node& root, const char* section, const char* key) {
  const YAML::Node node = root[section];
  if (!node || !node.IsMap() || !node[key] || !node[key].IsScalar()) return "";
  return node[key].Scalar();
}

// `sound:` of a board. A relative file is read from the config file's directory, so the example
// config's sounds work from any working directory.
void read_sound(const Reader& reader, const YAML::Node& node, const std::string& key,
                const std::string& file_name, SoundSettings& sound) {
  if (!node.IsMap()) reader.fail(node.Mark(), key, "expected a mapping (critical, warning, ...)");
  auto sound_file = [&](std::string& target) {
    return [&](const YAML::Node& value, const std::string& entry) {
      target = reader.string_value(value, entry);
      if (target.empty() || target == "builtin" || std::filesystem::path(target).is_absolute())
        return;
      target = (std::filesystem::path(file_name).parent_path() / target).lexically_normal();
    };
  };
  reader.for_each_entry(
      node, key,
      {{"enabled",
        [&](const YAML::Node& value, const std::string& entry) {
          if (!value.IsScalar() || (value.Scalar() != "true" && value.Scalar() != "false"))
            reader.fail(value.Mark(), entry, "expected true or false");
          sound.enabled = value.Scalar() == "true";
        }},
       {"critical", sound_file(sound.critical)},
       {"warning", sound_file(sound.warning)},
       {"info", sound_file(sound.info)},
       {"repeat_seconds",
        [&](const YAML::Node& value, const std::string& entry) {
          sound.repeat = std::chrono::seconds(reader.whole_number(value, entry, 0, 3600));
        }},
       {"quiet_hours", [&](const YAML::Node& value, const std::string& entry) {
          sound.quiet_hours = parse_quiet_hours(reader.string_value(value, entry));
          if (!sound.quiet_hours)
            reader.fail(value.Mark(), entry, "expected local times such as \"22:00-07:00\"");
        }}});
}

}  // namespace

std::string connectable_endpoint(const std::string& bind_endpoint) {
  const auto scheme_end = bind_endpoint.find("://");
  if (scheme_end == std::string::npos || bind_endpoint.compare(0, scheme_end, "tcp") != 0)
    return bind_endpoint;  // ipc:// and inproc:// connect as they bind
  const auto colon = bind_endpoint.rfind(':');
  const std::string host = bind_endpoint.substr(scheme_end + 3, colon - scheme_end - 3);
  const std::string port = bind_endpoint.substr(colon + 1);
  if (port == "*" || port == "0")
    throw BoardConfigError("endpoint " + bind_endpoint +
                           ": the port is chosen by the daemon; give the board the real one "
                           "(printed in floorwatchd's ready line)");
  if (host == "*" || host == "0.0.0.0") return "tcp://127.0.0.1:" + port;
  return bind_endpoint;
}

void apply_config_file(const std::string& yaml_text, const std::string& file_name,
                       const std::string& board, BoardOptions& options) {
  const Reader reader(file_name);
  const YAML::Node root = yaml_config::load_document(yaml_text, file_name);
  if (!root.IsMap()) return;

  // The daemon's binds are the default endpoints (a board on the daemon's host needs no more).
  FeedEndpoints& local = options.daemons.front();
  if (const std::string bind = bind_of(root, "feed", "bind"); !bind.empty())
    local.snapshot = connectable_endpoint(bind);
  if (const std::string bind = bind_of(root, "feed", "publish"); !bind.empty())
    local.publish = connectable_endpoint(bind);
  if (const std::string bind = bind_of(root, "control", "bind"); !bind.empty())
    local.control = connectable_endpoint(bind);

  const YAML::Node boards = root["boards"];
  if (!boards || boards.IsNull()) {
    if (!board.empty()) throw BoardConfigError(file_name + ": boards." + board + ": no such board");
    return;
  }
  if (!boards.IsMap()) reader.fail(boards.Mark(), "boards", "expected a mapping of board names");
  YAML::Node selected;
  std::string selected_name;
  bool found = false;
  for (const auto& entry : boards) {
    const std::string name = entry.first.Scalar();
    if (board.empty() || name == board) {
      selected = entry.second;
      selected_name = name;
      found = true;
      break;
    }
  }
  if (!found) throw BoardConfigError(file_name + ": boards." + board + ": no such board");
  options.name = selected_name;
  if (selected.IsNull()) return;
  if (!selected.IsMap())
    reader.fail(selected.Mark(), "boards." + selected_name, "expected a mapping");

  // A board lists queues and pages as YAML lists; a bare word is more likely a typo.
  auto list = [&](const YAML::Node& value, const std::string& key) {
    if (!value.IsSequence())
      reader.fail(value.Mark(), key, "expected a list such as [sales, support]");
    return reader.string_list(value, key);
  };
  auto text = [&](std::string& target) {
    return [&](const YAML::Node& value, const std::string& key) {
      target = reader.string_value(value, key);
    };
  };
  // One endpoint, or a list for an HA pair.
  auto one_or_list = [&](std::vector<std::string>& target) {
    return [&](const YAML::Node& value, const std::string& key) {
      target = value.IsSequence() ? reader.string_list(value, key)
                                  : std::vector{reader.string_value(value, key)};
      if (target.empty()) reader.fail(value.Mark(), key, "expected an endpoint or a list");
    };
  };
  std::vector<std::string> publish, snapshot, control;
  reader.for_each_entry(
      selected, "boards." + selected_name,
      {{"title", text(options.title)},
       {"queues", [&](const YAML::Node& value,
                      const std::string& key) { options.queues = list(value, key); }},
       {"pages",
        [&](const YAML::Node& value, const std::string& key) {
          options.pages.clear();
          for (const std::string& page : list(value, key)) {
            const auto parsed = parse_page(page);
            if (!parsed)
              reader.fail(
                  value.Mark(), key,
                  "unknown page \"" + page + "\" (allowed: queues, agents, abandons, callers)");
            options.pages.push_back(*parsed);
          }
        }},
       {"rotate_seconds",
        [&](const YAML::Node& value, const std::string& key) {
          options.rotate_seconds = static_cast<int>(reader.whole_number(value, key, 1, 3600));
        }},
       {"stale_after_seconds",
        [&](const YAML::Node& value, const std::string& key) {
          const double seconds = reader.number_value(value, key);
          if (seconds < 1 || seconds > 600)
            reader.fail(value.Mark(), key, "expected a number from 1 to 600");
          options.stale_after_seconds = seconds;
        }},
       {"fullscreen",
        [&](const YAML::Node& value, const std::string& key) {
          if (!value.IsScalar() || (value.Scalar() != "true" && value.Scalar() != "false"))
            reader.fail(value.Mark(), key, "expected true or false");
          options.fullscreen = value.Scalar() == "true";
        }},
       {"feed", one_or_list(publish)},
       {"snapshot", one_or_list(snapshot)},
       {"control", one_or_list(control)},
       {"curve_server_key", one_or_list(options.curve_server_key_files)},
       {"curve_key", text(options.curve_key_file)},
       {"sound", [&](const YAML::Node& value, const std::string& key) {
          read_sound(reader, value, key, file_name, options.sound);
        }}});
  set_daemon_endpoints(options, publish, snapshot, control,
                       file_name + ": boards." + selected_name);
}

void set_daemon_endpoints(BoardOptions& options, const std::vector<std::string>& publish,
                          const std::vector<std::string>& snapshot,
                          const std::vector<std::string>& control, const std::string& source) {
  const std::size_t count = std::max({publish.size(), snapshot.size(), control.size()});
  if (count == 0) return;
  for (const auto* list : {&publish, &snapshot, &control})
    if (!list->empty() && list->size() != count)
      throw BoardConfigError(source +
                             ": feed, snapshot and control must list the same number of daemons "
                             "(one endpoint each, in the same order)");
  // A key not given keeps what the first daemon had (the daemon's own binds).
  const FeedEndpoints first = options.daemons.front();
  options.daemons.assign(count, first);
  for (std::size_t i = 0; i < count; ++i) {
    if (!publish.empty()) options.daemons[i].publish = publish[i];
    if (!snapshot.empty()) options.daemons[i].snapshot = snapshot[i];
    if (!control.empty()) options.daemons[i].control = control[i];
  }
}

void load_board_keys(BoardOptions& options) {
  try {
    const auto securities =
        security::load_client_securities(options.curve_server_key_files, options.curve_key_file,
                                         options.daemons.size(), "curve_server_key", "daemon");
    for (std::size_t i = 0; i < options.daemons.size(); ++i)
      options.daemons[i].security = securities[i];
  } catch (const security::KeyFileError& error) {
    throw BoardConfigError(error.what());
  }
}

void load_config_file(const std::string& path, const std::string& board, BoardOptions& options) {
  std::ifstream file(path);
  if (!file) throw BoardConfigError(path + ": cannot read the file");
  std::ostringstream text;
  text << file.rdbuf();
  apply_config_file(text.str(), path, board, options);
}

std::pair<int, int> parse_size(const std::string& text) {
  const auto x = text.find('x');
  int width = 0, height = 0;
  if (x != std::string::npos) {
    std::from_chars(text.data(), text.data() + x, width);
    std::from_chars(text.data() + x + 1, text.data() + text.size(), height);
  }
  if (width < 320 || height < 240 || width > 8192 || height > 8192)
    throw BoardConfigError("size \"" + text + "\": expected WIDTHxHEIGHT such as 1920x1080");
  return {width, height};
}

}  // namespace floorwatch::wallboard
