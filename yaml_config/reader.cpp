#include "yaml_config/reader.h"

#include <charconv>
#include <cmath>
#include <sstream>

namespace floorwatch::yaml_config {
namespace {

std::string located(const std::string& file_name, const YAML::Mark& mark) {
  std::ostringstream message;
  message << file_name;
  // yaml-cpp lines are 0-based; editors count from 1. A null mark has line -1.
  if (mark.line >= 0) message << ':' << (mark.line + 1);
  return message.str();
}

}  // namespace

YAML::Node load_document(const std::string& text, const std::string& file_name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw ConfigFileError(located(file_name, error.mark) + ": (syntax): " + error.msg);
  }
}

void Reader::fail(const YAML::Mark& mark, const std::string& key,
                  const std::string& problem) const {
  throw ConfigFileError(located(file_name_, mark) + ": " + key + ": " + problem);
}

void Reader::for_each_entry(const YAML::Node& map, const std::string& path,
                            const std::map<std::string, Handler>& keys) const {
  if (map.IsNull()) return;
  if (!map.IsMap()) fail(map.Mark(), path.empty() ? "(top level)" : path, "expected a mapping");
  for (const auto& entry : map) {
    const std::string name = entry.first.Scalar();
    const std::string key_path = path.empty() ? name : path + "." + name;
    auto handler = keys.find(name);
    if (handler == keys.end()) {
      std::string allowed;
      for (const auto& [known, unused] : keys) allowed += (allowed.empty() ? "" : ", ") + known;
      fail(entry.first.Mark(), key_path, "unknown key (allowed: " + allowed + ")");
    }
    handler->second(entry.second, key_path);
  }
}

std::string Reader::string_value(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar()) fail(node.Mark(), key, "expected a string");
  if (node.Scalar().empty()) fail(node.Mark(), key, "must not be empty");
  return node.Scalar();
}

double Reader::number_value(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar()) fail(node.Mark(), key, "expected a number");
  const std::string& text = node.Scalar();
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    fail(node.Mark(), key, "expected a number, got \"" + text + "\"");
  return value;
}

std::int64_t Reader::whole_number(const YAML::Node& node, const std::string& key, std::int64_t min,
                                  std::int64_t max) const {
  const double value = number_value(node, key);
  if (value != std::floor(value) || value < static_cast<double>(min) ||
      value > static_cast<double>(max))
    fail(node.Mark(), key,
         "expected a whole number " + std::to_string(min) + ".." + std::to_string(max) +
             ", got \"" + node.Scalar() + "\"");
  return static_cast<std::int64_t>(value);
}

std::vector<std::string> Reader::string_list(const YAML::Node& node, const std::string& key) const {
  if (node.IsScalar()) return {string_value(node, key)};
  if (!node.IsSequence()) fail(node.Mark(), key, "expected a list of names");
  std::vector<std::string> values;
  for (std::size_t i = 0; i < node.size(); ++i)
    values.push_back(string_value(node[i], key + "[" + std::to_string(i) + "]"));
  return values;
}

}  // namespace floorwatch::yaml_config
