#include "alerts/silence.h"

#include <cctype>
#include <regex>

namespace floorwatch::alerts {
namespace {

bool full_match(const std::string& pattern, const std::string& value) {
  try {
    return std::regex_match(value, std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return false;  // parse_matcher rejects bad patterns; a hand-built one simply never matches
  }
}

}  // namespace

std::string_view to_string(MatchOperator op) {
  switch (op) {
    case MatchOperator::Equal:
      return "=";
    case MatchOperator::NotEqual:
      return "!=";
    case MatchOperator::Regex:
      return "=~";
    case MatchOperator::NotRegex:
      return "!~";
  }
  return "?";
}

bool Matcher::matches(const Labels& labels) const {
  const auto found = labels.find(name);
  const std::string actual = found == labels.end() ? std::string() : found->second;
  switch (op) {
    case MatchOperator::Equal:
      return actual == value;
    case MatchOperator::NotEqual:
      return actual != value;
    case MatchOperator::Regex:
      return compiled ? std::regex_match(actual, *compiled) : full_match(value, actual);
    case MatchOperator::NotRegex:
      return compiled ? !std::regex_match(actual, *compiled) : !full_match(value, actual);
  }
  return false;
}

std::optional<Matcher> parse_matcher(std::string_view text) {
  const std::size_t op_at = text.find_first_of("=!");
  if (op_at == std::string_view::npos || op_at == 0) return std::nullopt;
  Matcher matcher;
  matcher.name = std::string(text.substr(0, op_at));
  std::string_view rest = text.substr(op_at);
  if (rest.starts_with("=~")) {
    matcher.op = MatchOperator::Regex;
    rest.remove_prefix(2);
  } else if (rest.starts_with("!~")) {
    matcher.op = MatchOperator::NotRegex;
    rest.remove_prefix(2);
  } else if (rest.starts_with("!=")) {
    matcher.op = MatchOperator::NotEqual;
    rest.remove_prefix(2);
  } else if (rest.starts_with("=")) {
    matcher.op = MatchOperator::Equal;
    rest.remove_prefix(1);
  } else {
    return std::nullopt;
  }
  for (char c : matcher.name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return std::nullopt;
  if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"')
    rest = rest.substr(1, rest.size() - 2);
  matcher.value = std::string(rest);
  if (matcher.op == MatchOperator::Regex || matcher.op == MatchOperator::NotRegex) {
    try {
      matcher.compiled = std::make_shared<const std::regex>(matcher.value, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      return std::nullopt;
    }
  }
  return matcher;
}

std::string describe(const Matcher& matcher) {
  return matcher.name + std::string(to_string(matcher.op)) + "\"" + matcher.value + "\"";
}

bool Silence::matches(const Labels& labels) const {
  for (const Matcher& matcher : matchers)
    if (!matcher.matches(labels)) return false;
  return !matchers.empty();
}

std::string validate(const Silence& silence) {
  if (silence.matchers.empty()) return "a silence needs at least one matcher";
  if (silence.ends_at <= silence.starts_at) return "a silence must end after it starts";
  if (silence.created_by.empty()) return "a silence must say who created it";
  return {};
}

}  // namespace floorwatch::alerts
