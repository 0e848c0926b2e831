#include "wallboard/board_options.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace floorwatch::wallboard {
namespace {

class Reader {
 public:
  explicit Reader(std::string file_name) : file_name_(std::move(file_name)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& problem) const {
    std::ostringstream message;
    message << file_name_;
    if (node.Mark().line >= 0) message << ':' << (node.Mark().line + 1);
    message << ": " << key << ": " << problem;
    throw BoardConfigError(message.str());
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar() || node.Scalar().empty()) fail(node, key, "expected a non-empty string");
    return node.Scalar();
  }

  double number(const YAML::Node& node, const std::string& key, double min, double max) const {
    if (!node.IsScalar()) fail(node, key, "expected a number");
    double value = 0;
    const std::string& s = node.Scalar();
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (error != std::errc() || end != s.data() + s.size() || !(value >= min && value <= max))
      fail(node, key,
           "expected a number from " + std::to_string(static_cast<long long>(min)) + " to " +
               std::to_string(static_cast<long long>(max)) + ", got \"" + s + "\"");
    return value;
  }

  std::vector<std::string> list(const YAML::Node& node, const std::string& key) const {
    if (!node.IsSequence()) fail(node, key, "expected a list such as [sales, support]");
    std::vector<std::string> items;
    for (const auto& item : node) items.push_back(text(item, key));
    return items;
  }

  const std::string& file_name() const { return file_name_; }

 private:
  std::string file_name_;
};

std::string bind_of(const YAML::Node& root, const char* section, const char* key) {
  const YAML::Node node = root[section];
  if (!node || !node.IsMap() || !node[key] || !node[key].IsScalar()) return "";
  return node[key].Scalar();
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
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& error) {
    throw BoardConfigError(file_name + ":" + std::to_string(error.mark.line + 1) +
                           ": (syntax): " + error.msg);
  }
  if (!root.IsMap()) return;

  // The daemon's binds are the default endpoints (a board on the daemon's host needs no more).
  if (const std::string bind = bind_of(root, "feed", "bind"); !bind.empty())
    options.endpoints.snapshot = connectable_endpoint(bind);
  if (const std::string bind = bind_of(root, "feed", "publish"); !bind.empty())
    options.endpoints.publish = connectable_endpoint(bind);
  if (const std::string bind = bind_of(root, "control", "bind"); !bind.empty())
    options.endpoints.control = connectable_endpoint(bind);

  const YAML::Node boards = root["boards"];
  if (!boards || boards.IsNull()) {
    if (!board.empty()) throw BoardConfigError(file_name + ": boards." + board + ": no such board");
    return;
  }
  if (!boards.IsMap()) reader.fail(boards, "boards", "expected a mapping of board names");
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
  if (!selected.IsMap()) reader.fail(selected, "boards." + selected_name, "expected a mapping");

  for (const auto& entry : selected) {
    const std::string key = entry.first.Scalar();
    const std::string path = "boards." + selected_name + "." + key;
    const YAML::Node& value = entry.second;
    if (key == "title") {
      options.title = reader.text(value, path);
    } else if (key == "queues") {
      options.queues = reader.list(value, path);
    } else if (key == "pages") {
      options.pages.clear();
      for (const std::string& page : reader.list(value, path)) {
        const auto parsed = parse_page(page);
        if (!parsed)
          reader.fail(value, path,
                      "unknown page \"" + page + "\" (allowed: queues, agents, abandons)");
        options.pages.push_back(*parsed);
      }
    } else if (key == "rotate_seconds") {
      options.rotate_seconds = static_cast<int>(reader.number(value, path, 1, 3600));
    } else if (key == "stale_after_seconds") {
      options.stale_after_seconds = reader.number(value, path, 1, 600);
    } else if (key == "fullscreen") {
      if (!value.IsScalar() || (value.Scalar() != "true" && value.Scalar() != "false"))
        reader.fail(value, path, "expected true or false");
      options.fullscreen = value.Scalar() == "true";
    } else if (key == "feed") {
      options.endpoints.publish = reader.text(value, path);
    } else if (key == "snapshot") {
      options.endpoints.snapshot = reader.text(value, path);
    } else if (key == "control") {
      options.endpoints.control = reader.text(value, path);
    } else {
      reader.fail(entry.first, path,
                  "unknown key (allowed: title, queues, pages, rotate_seconds, "
                  "stale_after_seconds, fullscreen, feed, snapshot, control)");
    }
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

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
  }
  return items;
}

}  // namespace floorwatch::wallboard
