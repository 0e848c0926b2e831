#pragma once
// The one YAML reader behind every floorwatch config file (daemon, alerts, wallboard), so each
// error reads the same way: `FILE:LINE: key.path: problem`, and unknown keys name the allowed ones.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "yaml_config/config_file_error.h"

namespace floorwatch::yaml_config {

/// Parses `text`; a syntax error becomes `FILE:LINE: (syntax): what yaml-cpp said`.
YAML::Node load_document(const std::string& text, const std::string& file_name);

/// Wraps one document's file name. Every accessor throws ConfigFileError naming the key path.
class Reader {
 public:
  using Handler = std::function<void(const YAML::Node&, const std::string&)>;

  explicit Reader(std::string file_name) : file_name_(std::move(file_name)) {}

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key,
                         const std::string& problem) const;

  /// Visits each entry of a mapping (null = empty); unknown keys are errors naming the allowed
  /// ones. Keys are reported as `path.key` (just `key` when `path` is empty).
  void for_each_entry(const YAML::Node& map, const std::string& path,
                      const std::map<std::string, Handler>& keys) const;

  /// A non-empty scalar.
  std::string string_value(const YAML::Node& node, const std::string& key) const;
  /// A finite number.
  double number_value(const YAML::Node& node, const std::string& key) const;
  /// A whole number in [min, max].
  std::int64_t whole_number(const YAML::Node& node, const std::string& key, std::int64_t min,
                            std::int64_t max) const;
  /// A list of non-empty strings; a single scalar is a list of one.
  std::vector<std::string> string_list(const YAML::Node& node, const std::string& key) const;

  const std::string& file_name() const { return file_name_; }

 private:
  std::string file_name_;
};

}  // namespace floorwatch::yaml_config
