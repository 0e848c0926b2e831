#pragma once
// Reads the Prometheus text exposition format back into samples, so tests can assert on what
// a scrape really returned.
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace floorwatch::test {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

inline std::vector<Sample> parse_exposition(const std::string& text) {
  std::vector<Sample> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    std::size_t pos = line.find_first_of("{ ");
    sample.name = line.substr(0, pos);
    if (pos != std::string::npos && line[pos] == '{') {
      ++pos;
      while (pos < line.size() && line[pos] != '}') {
        const auto eq = line.find('=', pos);
        const std::string key = line.substr(pos, eq - pos);
        std::string value;
        std::size_t i = eq + 2;  // skip ="
        for (; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\' && i + 1 < line.size()) ++i;
          value += line[i];
        }
        sample.labels[key] = value;
        pos = i + 1;
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      pos = line.find(' ', pos);
    }
    std::istringstream rest(line.substr(pos + 1));
    std::string value_text;
    rest >> value_text;
    if (value_text == "+Inf")
      sample.value = 1e308 * 10;
    else if (value_text == "-Inf")
      sample.value = -1e308 * 10;
    else
      sample.value = std::stod(value_text);
    samples.push_back(std::move(sample));
  }
  return samples;
}

/// The value of the one sample named `name` whose labels include all of `labels`.
inline std::optional<double> find_sample(const std::vector<Sample>& samples,
                                         const std::string& name,
                                         const std::map<std::string, std::string>& labels = {}) {
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) {
        match = false;
        break;
      }
    }
    if (match) return s.value;
  }
  return std::nullopt;
}

}  // namespace floorwatch::test
