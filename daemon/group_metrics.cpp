#include "daemon/group_metrics.h"

#include <optional>
#include <string>

namespace floorwatch::daemon {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using LabelList = std::vector<ClientMetric::Label>;

LabelList with(LabelList labels, std::string name, std::string value) {
  labels.push_back({std::move(name), std::move(value)});
  return labels;
}

// The group families, by name; each `add` appends one sample.
class Families {
 public:
  void add(const std::string& name, const std::string& help, MetricType type, LabelList labels,
           double value) {
    MetricFamily& family = find(name, help, type);
    ClientMetric metric;
    metric.label = std::move(labels);
    if (type == MetricType::Counter)
      metric.counter.value = value;
    else
      metric.gauge.value = value;
    family.metric.push_back(std::move(metric));
  }
  void gauge(const std::string& name, const std::string& help, LabelList labels, double value) {
    add(name, help, MetricType::Gauge, std::move(labels), value);
  }
  void optional_gauge(const std::string& name, const std::string& help, LabelList labels,
                      std::optional<double> value) {
    if (value) gauge(name, help, std::move(labels), *value);
  }
  void counter(const std::string& name, const std::string& help, LabelList labels,
               std::int64_t value) {
    add(name, help, MetricType::Counter, std::move(labels), static_cast<double>(value));
  }
  std::vector<MetricFamily> take() { return std::move(families_); }

 private:
  MetricFamily& find(const std::string& name, const std::string& help, MetricType type) {
    for (MetricFamily& family : families_)
      if (family.name == name) return family;
    MetricFamily family;
    family.name = name;
    family.help = help;
    family.type = type;
    families_.push_back(std::move(family));
    return families_.back();
  }
  std::vector<MetricFamily> families_;
};

void add_settings(Families& f, const core::GroupSnapshot& group, const LabelList& labels) {
  f.gauge("floorwatch_group_info",
          "Always 1; `formula` names the group's own service-level formula",
          with(labels, "formula", std::string(core::to_string(group.settings.formula))), 1);
  for (const std::string& queue : group.queues)
    f.gauge("floorwatch_group_member_info", "Always 1 for each member queue of the group",
            with(labels, "queue", queue), 1);
  f.gauge("floorwatch_group_answer_target_seconds",
          "The group's own answer target: member calls are classified with it", labels,
          core::to_seconds(group.settings.answer_target));
  f.gauge("floorwatch_group_service_level_target_ratio", "The group's service-level target", labels,
          group.settings.service_level_target);
}

void add_live(Families& f, const core::GroupSnapshot& group, const LabelList& labels) {
  f.gauge("floorwatch_group_calls_waiting", "Calls waiting in the group's member queues now",
          labels, static_cast<double>(group.calls_waiting));
  f.gauge("floorwatch_group_oldest_wait_seconds",
          "The longest wait of a caller in any member queue, at scrape time; 0 when nobody waits",
          labels, group.oldest_wait_seconds.value_or(0.0));
}

void add_totals(Families& f, const core::GroupSnapshot& group, const LabelList& labels) {
  const core::OutcomeCounters& c = group.lifetime;
  f.counter("floorwatch_group_offered_total", "Calls that entered a member queue", labels,
            c.offered);
  f.counter("floorwatch_group_answered_total", "Member calls answered", labels, c.answered);
  f.counter("floorwatch_group_answered_within_target_total",
            "Member calls answered within the group's answer target", labels,
            c.answered_within_target);
  f.counter("floorwatch_group_abandoned_total", "Member calls abandoned", labels, c.abandoned);
  f.counter("floorwatch_group_abandoned_short_total",
            "Member calls abandoned before the group's short_abandon_seconds", labels,
            c.abandoned_short);
  f.counter("floorwatch_group_abandoned_within_target_total",
            "Member calls abandoned within the group's answer target", labels,
            c.abandoned_within_target);
  f.counter("floorwatch_group_exited_total", "Member calls that left unanswered without hanging up",
            labels, c.exited());
}

void add_window(Families& f, const core::GroupSnapshot& group, core::WindowKind kind,
                const LabelList& group_labels) {
  const core::WindowFigures& w = group.window(kind);
  const LabelList labels = with(group_labels, "window", std::string(core::to_string(kind)));
  const core::ServiceLevelTerms terms = core::service_level_terms(w.counts, group.settings.formula);
  f.optional_gauge("floorwatch_group_service_level_ratio",
                   "Service level of the group in the window: its own formula over its own "
                   "counters (never an average of the members' percentages)",
                   labels, w.service_level);
  f.gauge("floorwatch_group_service_level_numerator",
          "The numerator of the group's formula over the window", labels,
          static_cast<double>(terms.numerator));
  f.gauge("floorwatch_group_service_level_denominator",
          "The denominator of the group's formula over the window", labels,
          static_cast<double>(terms.denominator));
  f.gauge("floorwatch_group_offered", "Calls that entered a member queue in the window", labels,
          static_cast<double>(w.counts.offered));
  f.gauge("floorwatch_group_answered", "Member calls answered in the window", labels,
          static_cast<double>(w.counts.answered));
  f.gauge("floorwatch_group_abandoned", "Member calls abandoned in the window", labels,
          static_cast<double>(w.counts.abandoned));
  f.optional_gauge("floorwatch_group_asa_seconds",
                   "Average speed of answer of member calls answered in the window", labels,
                   w.average_speed_of_answer_seconds);
  f.optional_gauge("floorwatch_group_abandon_ratio",
                   "Abandoned / (answered + abandoned + exited) of member calls in the window",
                   labels, w.abandon_ratio);
  f.optional_gauge("floorwatch_group_max_wait_seconds",
                   "Longest wait of a member call that left its queue in the window", labels,
                   w.max_wait_seconds);
}

}  // namespace

std::vector<MetricFamily> build_group_families(const std::vector<core::GroupSnapshot>& groups,
                                               const LabelList& identity_labels) {
  Families f;
  for (const core::GroupSnapshot& group : groups) {
    const LabelList labels = with(identity_labels, "group", group.name);
    add_settings(f, group, labels);
    add_live(f, group, labels);
    add_totals(f, group, labels);
    for (const core::WindowKind kind : core::kAllWindows) add_window(f, group, kind, labels);
  }
  return f.take();
}

}  // namespace floorwatch::daemon
