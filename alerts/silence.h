#pragma once
// Silences (Alertmanager's idea): label matchers plus a time span. A silenced alert keeps its
// lifecycle but sends no firing, repeat or acknowledgement notifications while the silence is
// active. Plain value types; no I/O.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "floorwatch/core/time.h"

namespace floorwatch::alerts {

/// An alert's identity: alertname, queue (or source) and severity.
using Labels = std::map<std::string, std::string>;

enum class MatchOperator { Equal, NotEqual, Regex, NotRegex };
std::string_view to_string(MatchOperator op);  ///< "=", "!=", "=~", "!~"

/// One label test, e.g. `queue=sales` or `alertname=~"Oldest.*"`. Regexes match the whole
/// value (ECMAScript syntax); a missing label matches as the empty string, as in Alertmanager.
struct Matcher {
  std::string name;
  MatchOperator op = MatchOperator::Equal;
  std::string value;
  /// The compiled `value` for regex operators, filled by parse_matcher (derived, not state:
  /// a matcher built by hand compiles on each match).
  std::shared_ptr<const std::regex> compiled;
  bool matches(const Labels& labels) const;
};

/// Parses `name=value`, `name!=value`, `name=~regex`, `name!~regex` (value may be quoted).
/// nullopt when malformed or the regex does not compile.
std::optional<Matcher> parse_matcher(std::string_view text);
std::string describe(const Matcher& matcher);

using SilenceId = std::uint64_t;

/// Mutes every alert matching all matchers during [starts_at, ends_at).
struct Silence {
  SilenceId id = 0;  ///< assigned by the engine
  std::vector<Matcher> matchers;
  core::Timestamp starts_at{};
  core::Timestamp ends_at{};
  std::string created_by;
  std::string comment;
  core::Timestamp created_at{};

  bool active_at(core::Timestamp now) const { return starts_at <= now && now < ends_at; }
  bool matches(const Labels& labels) const;
};

/// Why a silence cannot be added; empty when it can.
std::string validate(const Silence& silence);

}  // namespace floorwatch::alerts
