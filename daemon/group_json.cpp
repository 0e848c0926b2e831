#include "daemon/group_json.h"

#include <nlohmann/json.hpp>

#include "daemon/snapshot_json.h"

namespace floorwatch::daemon {
namespace {

using nlohmann::json;

template <typename T>
json optional_value(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

// A window's counts, and the service level with the terms of the group's formula, so a reader
// can check it is a ratio of counts and never an average of the members' percentages.
json window_json(const core::WindowFigures& figures, core::ServiceLevelFormula formula) {
  const core::ServiceLevelTerms terms = core::service_level_terms(figures.counts, formula);
  json window = to_json(figures.counts);
  window["service_level"] = optional_value(figures.service_level);
  window["service_level_numerator"] = terms.numerator;
  window["service_level_denominator"] = terms.denominator;
  window["asa_seconds"] = optional_value(figures.average_speed_of_answer_seconds);
  window["abandon_ratio"] = optional_value(figures.abandon_ratio);
  window["max_wait_seconds"] = optional_value(figures.max_wait_seconds);
  return window;
}

}  // namespace

json to_json(const core::GroupSnapshot& group) {
  const core::QueueSettings& settings = group.settings;
  json windows = json::object();
  for (const core::WindowKind kind : core::kAllWindows)
    windows[std::string(core::to_string(kind))] = window_json(group.window(kind), settings.formula);
  return {
      {"name", group.name},
      {"queues", group.queues},
      {"settings", to_json(settings)},
      {"calls_waiting", group.calls_waiting},
      {"oldest_enqueued_at", group.oldest_enqueued_at
                                 ? json(core::format_timestamp(*group.oldest_enqueued_at))
                                 : json(nullptr)},
      {"oldest_wait_seconds", optional_value(group.oldest_wait_seconds)},
      {"windows", std::move(windows)},
      {"lifetime", to_json(group.lifetime)},
  };
}

}  // namespace floorwatch::daemon
