#include "alerts/rule.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>
#include <utility>

namespace floorwatch::alerts {
namespace {

constexpr std::array<std::pair<Metric, std::string_view>, 10> kMetricNames{{
    {Metric::OldestWaitSeconds, "oldest_wait_seconds"},
    {Metric::CallsWaiting, "calls_waiting"},
    {Metric::ServiceLevelRatio, "service_level_ratio"},
    {Metric::AbandonRatio, "abandon_ratio"},
    {Metric::AsaSeconds, "asa_seconds"},
    {Metric::Agents, "agents"},
    {Metric::PredictedServiceLevelRatio, "predicted_service_level_ratio"},
    {Metric::BreachWithinSeconds, "breach_within_seconds"},
    {Metric::SourceSilentSeconds, "source_silent_seconds"},
    {Metric::AgentsOverLimit, "agents_over_limit"},
}};

constexpr std::array<std::pair<core::WindowKind, std::string_view>, core::kWindowCount>
    kWindowNames{{
        {core::WindowKind::Rolling15m, "15m"},
        {core::WindowKind::Rolling30m, "30m"},
        {core::WindowKind::Rolling60m, "60m"},
        {core::WindowKind::Interval, "interval"},
        {core::WindowKind::Today, "today"},
    }};

constexpr std::array<std::pair<core::AgentStatus, std::string_view>, core::kAgentStatusCount>
    kAgentStateNames{{
        {core::AgentStatus::Available, "available"},
        {core::AgentStatus::Ringing, "ringing"},
        {core::AgentStatus::Busy, "busy"},
        {core::AgentStatus::Wrapup, "wrapup"},
        {core::AgentStatus::Paused, "paused"},
        {core::AgentStatus::Offline, "offline"},
    }};

template <typename Table>
std::string joined_names(const Table& table) {
  std::string names;
  for (const auto& [value, name] : table) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

// Recursive-descent reader over one expression; positions are reported 1-based.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view text) : text_(text) {}

  std::vector<Term> parse() {
    std::vector<Term> terms;
    skip_spaces();
    if (at_end()) fail("empty expression");
    while (true) {
      terms.push_back(term());
      skip_spaces();
      if (at_end()) break;
      const std::size_t word_at = position_;
      if (identifier() != "and") {
        position_ = word_at;
        fail("expected `and` or the end of the expression");
      }
      if (terms.size() == kMaxTerms)
        fail("at most " + std::to_string(kMaxTerms) + " terms may be joined by `and`");
    }
    const bool sources = is_source_metric(terms.front().selector.metric);
    for (const Term& term : terms) {
      if (is_source_metric(term.selector.metric) != sources)
        throw ExpressionError(1,
                              "source_silent_seconds cannot be combined with queue metrics "
                              "(a rule is either per source or per queue)");
      if (term.selector.source != terms.front().selector.source)
        throw ExpressionError(1, "every term must name the same source");
    }
    return terms;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw ExpressionError(position_ + 1, problem);
  }
  bool at_end() const { return position_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[position_]; }
  void skip_spaces() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) ++position_;
  }
  static bool identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  }

  std::string_view identifier() {
    skip_spaces();
    const std::size_t start = position_;
    while (!at_end() && identifier_char(peek())) ++position_;
    return text_.substr(start, position_ - start);
  }

  std::string label_value() {
    skip_spaces();
    if (peek() == '"') {
      ++position_;
      const std::size_t start = position_;
      while (!at_end() && peek() != '"') ++position_;
      if (at_end()) fail("unterminated quoted label value");
      std::string value(text_.substr(start, position_ - start));
      ++position_;
      return value;
    }
    const std::string_view value = identifier();
    if (value.empty()) fail("expected a label value");
    return std::string(value);
  }

  Term term() {
    skip_spaces();
    const std::size_t metric_at = position_;
    const std::string_view metric_name = identifier();
    if (metric_name.empty()) fail("expected a metric name");
    const auto metric = parse_metric(metric_name);
    if (!metric) {
      position_ = metric_at;
      fail("unknown metric \"" + std::string(metric_name) +
           "\" (known: " + joined_names(kMetricNames) + ")");
    }
    Term result;
    result.selector.metric = *metric;
    skip_spaces();
    if (peek() == '{') {
      ++position_;
      labels(result.selector);
    }
    result.comparison = comparison();
    result.threshold = number();
    return result;
  }

  void labels(MetricSelector& selector) {
    while (true) {
      skip_spaces();
      if (peek() == '}') {
        ++position_;
        return;
      }
      const std::size_t label_at = position_;
      const std::string_view label = identifier();
      skip_spaces();
      if (label.empty() || peek() != '=') fail("expected `label=value` or `}`");
      ++position_;
      const std::size_t value_at = position_;
      const std::string value = label_value();
      apply_label(selector, label, value, label_at, value_at);
      skip_spaces();
      if (peek() == ',') {
        ++position_;
      } else if (peek() != '}') {
        fail("expected `,` or `}`");
      }
    }
  }

  void apply_label(MetricSelector& selector, std::string_view label, const std::string& value,
                   std::size_t label_at, std::size_t value_at) {
    const std::string metric(to_string(selector.metric));
    if (label == "window" && is_windowed(selector.metric)) {
      const auto window = parse_window_name(value);
      if (!window) {
        position_ = value_at;
        fail("unknown window \"" + value + "\" (allowed: " + joined_names(kWindowNames) + ")");
      }
      selector.window = *window;
    } else if (label == "state" && selector.metric == Metric::Agents) {
      if (value == "staffed") {
        selector.agent_state.reset();
        return;
      }
      const auto state = parse_agent_state_name(value);
      if (!state) {
        position_ = value_at;
        fail("unknown agent state \"" + value + "\" (allowed: " + joined_names(kAgentStateNames) +
             ", staffed)");
      }
      selector.agent_state = *state;
    } else if (label == "state" && selector.metric == Metric::AgentsOverLimit) {
      const auto state = parse_agent_state_name(value);
      if (!state) {
        position_ = value_at;
        fail("unknown agent state \"" + value + "\" (allowed: " + joined_names(kAgentStateNames) +
             ")");
      }
      selector.agent_state = *state;
    } else if (label == "reason" && selector.metric == Metric::AgentsOverLimit) {
      selector.reason = value;
    } else if (label == "source" && selector.metric == Metric::SourceSilentSeconds) {
      selector.source = value;
    } else {
      position_ = label_at;
      fail("label \"" + std::string(label) + "\" does not apply to " + metric);
    }
  }

  Comparison comparison() {
    skip_spaces();
    const std::string_view rest = text_.substr(position_);
    static constexpr std::array<std::pair<std::string_view, Comparison>, 5> kOperators{{
        {">=", Comparison::GreaterOrEqual},
        {"<=", Comparison::LessOrEqual},
        {"==", Comparison::Equal},
        {">", Comparison::Greater},
        {"<", Comparison::Less},
    }};
    for (const auto& [symbol, op] : kOperators) {
      if (rest.starts_with(symbol)) {
        position_ += symbol.size();
        return op;
      }
    }
    fail("expected a comparison (>, >=, <, <=, ==)");
  }

  double number() {
    skip_spaces();
    const std::size_t start = position_;
    while (!at_end() && (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '.' ||
                         peek() == '-' || peek() == '+' || peek() == 'e' || peek() == 'E'))
      ++position_;
    const std::string_view text = text_.substr(start, position_ - start);
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(value)) {
      position_ = start;
      fail("expected a number");
    }
    return value;
  }

  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace

std::string_view to_string(Metric metric) {
  for (const auto& [value, name] : kMetricNames)
    if (value == metric) return name;
  return "unknown";
}

std::optional<Metric> parse_metric(std::string_view text) {
  for (const auto& [value, name] : kMetricNames)
    if (name == text) return value;
  return std::nullopt;
}

bool is_windowed(Metric metric) {
  return metric == Metric::ServiceLevelRatio || metric == Metric::AbandonRatio ||
         metric == Metric::AsaSeconds;
}

bool is_source_metric(Metric metric) {
  return metric == Metric::SourceSilentSeconds;
}

bool is_time_driven(Metric metric) {
  return metric == Metric::OldestWaitSeconds || metric == Metric::BreachWithinSeconds ||
         metric == Metric::SourceSilentSeconds || metric == Metric::AgentsOverLimit;
}

std::string_view window_name(core::WindowKind window) {
  for (const auto& [value, name] : kWindowNames)
    if (value == window) return name;
  return "unknown";
}

std::optional<core::WindowKind> parse_window_name(std::string_view text) {
  for (const auto& [value, name] : kWindowNames)
    if (name == text) return value;
  return std::nullopt;
}

std::string_view agent_state_name(core::AgentStatus state) {
  for (const auto& [value, name] : kAgentStateNames)
    if (value == state) return name;
  return "unknown";
}

std::optional<core::AgentStatus> parse_agent_state_name(std::string_view text) {
  for (const auto& [value, name] : kAgentStateNames)
    if (name == text) return value;
  return std::nullopt;
}

std::string_view to_string(Comparison comparison) {
  switch (comparison) {
    case Comparison::Greater:
      return ">";
    case Comparison::GreaterOrEqual:
      return ">=";
    case Comparison::Less:
      return "<";
    case Comparison::LessOrEqual:
      return "<=";
    case Comparison::Equal:
      return "==";
  }
  return "?";
}

bool compare(double value, Comparison comparison, double threshold) {
  switch (comparison) {
    case Comparison::Greater:
      return value > threshold;
    case Comparison::GreaterOrEqual:
      return value >= threshold;
    case Comparison::Less:
      return value < threshold;
    case Comparison::LessOrEqual:
      return value <= threshold;
    case Comparison::Equal:
      return value == threshold;
  }
  return false;
}

std::string_view to_string(Severity severity) {
  return severity == Severity::Critical ? "critical" : "warning";
}

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "warning") return Severity::Warning;
  if (text == "critical") return Severity::Critical;
  return std::nullopt;
}

std::string describe(const MetricSelector& selector) {
  std::string text(to_string(selector.metric));
  if (is_windowed(selector.metric)) {
    text += "{window=" + std::string(window_name(selector.window)) + "}";
  } else if (selector.metric == Metric::Agents) {
    text +=
        "{state=" +
        std::string(selector.agent_state ? agent_state_name(*selector.agent_state) : "staffed") +
        "}";
  } else if (selector.metric == Metric::AgentsOverLimit &&
             (selector.agent_state || !selector.reason.empty())) {
    std::string labels;
    if (selector.agent_state)
      labels = "state=" + std::string(agent_state_name(*selector.agent_state));
    if (!selector.reason.empty())
      labels += (labels.empty() ? "" : ",") + ("reason=" + selector.reason);
    text += "{" + labels + "}";
  } else if (selector.metric == Metric::SourceSilentSeconds && !selector.source.empty()) {
    text += "{source=" + selector.source + "}";
  }
  return text;
}

std::string describe(const Term& term) {
  std::ostringstream text;
  text << describe(term.selector) << ' ' << to_string(term.comparison) << ' ' << term.threshold;
  return text.str();
}

std::vector<Term> parse_expression(std::string_view text) {
  return ExpressionParser(text).parse();
}

std::string Rule::source_filter() const {
  return terms.empty() ? std::string() : terms.front().selector.source;
}

}  // namespace floorwatch::alerts
