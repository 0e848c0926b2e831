#pragma once
// What an alert rule says: conditions over queue (or source) metrics joined by `and`, fire and
// clear thresholds, timing (for, cooldown, active hours) and where to escalate. Plain value
// types; rule_config.cpp builds them from YAML, the engine reads them. No I/O.
#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "floorwatch/core/event.h"
#include "floorwatch/core/time.h"
#include "floorwatch/core/windows.h"

namespace floorwatch::alerts {

/// A figure a rule can test. Names are the ones written in `expr` (docs/alerts.md).
enum class Metric {
  OldestWaitSeconds,           ///< live wait of the oldest waiting caller (grows with time)
  CallsWaiting,                ///< callers in queue now
  ServiceLevelRatio,           ///< window figure, queue's own formula
  AbandonRatio,                ///< window figure: Ab / (A + Ab + X)
  AsaSeconds,                  ///< window figure: average speed of answer
  Agents,                      ///< queue members in a state (`state=`), or staffed agents
  PredictedServiceLevelRatio,  ///< Erlang C with the agents staffed now
  BreachWithinSeconds,         ///< answer target - oldest wait, only when no agent is available
  SourceSilentSeconds,         ///< time since a collector source last sent an event
  /// Member agents over their red time-in-state limit (`agent_limits:`), optionally only in
  /// one state (`state=`) and with one pause reason (`reason=`); grows with time alone.
  AgentsOverLimit,
};

std::string_view to_string(Metric metric);
std::optional<Metric> parse_metric(std::string_view text);
/// Computed from a window's figures: takes `window=` and honours `min_calls`.
bool is_windowed(Metric metric);
/// Rules on source metrics have one alert per collector source; all others one per queue.
bool is_source_metric(Metric metric);
/// Changes with the passage of time alone, so the engine computes when it crosses a threshold.
bool is_time_driven(Metric metric);

/// Label values for `window=`: "15m", "30m", "60m", "interval", "today".
std::string_view window_name(core::WindowKind window);
std::optional<core::WindowKind> parse_window_name(std::string_view text);
/// Label values for `state=`: the canonical agent states ("available", "paused", ...).
std::string_view agent_state_name(core::AgentStatus state);
std::optional<core::AgentStatus> parse_agent_state_name(std::string_view text);

enum class Comparison { Greater, GreaterOrEqual, Less, LessOrEqual, Equal };
std::string_view to_string(Comparison comparison);  ///< ">", ">=", "<", "<=", "=="
bool compare(double value, Comparison comparison, double threshold);

enum class Severity { Warning, Critical };
std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

/// One metric with its labels, e.g. `agents{state=available}`.
struct MetricSelector {
  Metric metric = Metric::CallsWaiting;
  core::WindowKind window = core::WindowKind::Interval;  ///< windowed metrics only
  /// `agents`: nullopt = staffed; `agents_over_limit`: nullopt = any state.
  std::optional<core::AgentStatus> agent_state;
  std::string reason;  ///< `agents_over_limit` only: this pause reason; empty = any
  std::string source;  ///< `source_silent_seconds` only; empty = every source
};

/// One comparison, e.g. `oldest_wait_seconds > 90`.
struct Term {
  MetricSelector selector;
  Comparison comparison = Comparison::Greater;
  double threshold = 0;
};

std::string describe(const MetricSelector& selector);  ///< `agents{state=available}`
std::string describe(const Term& term);                ///< `agents{state=available} == 0`

/// A malformed `expr`; `column` is 1-based within the expression text.
class ExpressionError : public std::runtime_error {
 public:
  ExpressionError(std::size_t column, const std::string& problem)
      : std::runtime_error(problem), column_(column) {}
  std::size_t column() const { return column_; }

 private:
  std::size_t column_;
};

inline constexpr std::size_t kMaxTerms = 4;

/// Parses `metric{label=value,...} OP number [and ...]`. Throws ExpressionError.
std::vector<Term> parse_expression(std::string_view text);

/// Local times of day (site zone) during which a rule is evaluated; outside them its alerts
/// resolve and none start. `end` before `start` spans midnight (the day is the start's day).
struct ActiveHours {
  std::array<bool, 7> days{true, true, true, true, true, true, true};  ///< [0] = Sunday
  int start_minutes = 0;                                               ///< after local midnight
  int end_minutes = 0;
};

/// One alert rule. Plain value type.
struct Rule {
  std::string name;         ///< label `alertname`; unique
  std::string expression;   ///< as written, for messages
  std::vector<Term> terms;  ///< all must hold
  /// Hysteresis: once firing, the first term is tested against this instead of its threshold,
  /// so the alert resolves only past it.
  std::optional<double> clear_threshold;
  /// Windowed terms with fewer calls in their window than this count as not met.
  std::int64_t min_calls = 0;
  Severity severity = Severity::Warning;
  core::Duration for_duration{0};   ///< pending this long before firing
  core::Duration cooldown{0};       ///< after resolving, no new alert for this long
  std::vector<std::string> queues;  ///< only these queues; empty = every queue
  std::optional<ActiveHours> active_hours;
  std::string escalation;  ///< policy name; empty = the policy named "default", if any
  std::string summary;     ///< annotation text; {subject}, {queue}, {value} are replaced

  bool on_sources() const {
    return !terms.empty() && is_source_metric(terms.front().selector.metric);
  }
  /// The `source=` filter of a source rule; empty = every source.
  std::string source_filter() const;
};

}  // namespace floorwatch::alerts
