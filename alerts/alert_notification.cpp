#include "alerts/alert_notification.h"

#include "alerts/alert_fingerprint.h"

#include <cstdio>
#include <string>

namespace floorwatch::alerts {
namespace {

// Figures as an operator writes them: 0.8, not 0.800000.
std::string format_value(std::optional<double> value) {
  if (!value) return "absent";
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", *value);
  std::string result(text);
  while (!result.empty() && result.back() == '0') result.pop_back();
  if (!result.empty() && result.back() == '.') result.pop_back();
  return result;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The rule's `summary` template (or a default naming the expression) with its fields filled.
// The figures as the alert fired, which both daemons of a pair agree on; the live ones for
// alerts restored from a snapshot of before fired_values existed.
const std::vector<std::optional<double>>& shown_values(const Alert& alert) {
  return alert.fired_values.empty() ? alert.values : alert.fired_values;
}

std::string render_summary(const Alert& alert, const Rule* rule) {
  const std::string subject_label = alert.labels.contains("source") ? "source" : "queue";
  const auto& values = shown_values(alert);
  const std::string first_value = rule && !values.empty() ? format_value(values.front()) : "absent";
  std::string summary = rule && !rule->summary.empty()
                            ? rule->summary
                            : "{alertname} on " + subject_label + " {subject}: " +
                                  (rule ? rule->expression : std::string("rule removed"));
  replace_all(summary, "{alertname}", alert.rule);
  replace_all(summary, "{subject}", alert.subject);
  replace_all(summary, "{queue}", alert.subject);
  replace_all(summary, "{source}", alert.subject);
  replace_all(summary, "{value}", first_value);
  return summary;
}

// "oldest_wait_seconds=90.001, agents{state=available}=0": each term's figure as it fired.
std::string describe_values(const Alert& alert, const Rule& rule) {
  const auto& figures = shown_values(alert);
  std::string values;
  for (std::size_t i = 0; i < rule.terms.size() && i < figures.size(); ++i) {
    if (!values.empty()) values += ", ";
    values += describe(rule.terms[i].selector) + "=" + format_value(figures[i]);
  }
  return values;
}

}  // namespace

Notification make_notification(const Alert& alert, const Rule* rule, const EscalationPolicy& policy,
                               std::size_t tier_index, NotificationKind kind, core::Timestamp now) {
  Notification notification;
  notification.kind = kind;
  notification.alert_id = alert.id;
  notification.fingerprint = alert_fingerprint(alert);
  notification.labels = alert.labels;
  notification.policy = policy.name;
  notification.tier_index = tier_index;
  notification.tier = policy.tiers[tier_index].name;
  notification.notifiers = policy.tiers[tier_index].notifiers;
  notification.starts_at = alert.fired_at.value_or(alert.active_since);
  notification.ends_at = alert.resolved_at;
  notification.at = now;
  notification.severity = rule ? rule->severity : Severity::Warning;
  if (rule) notification.annotations["expression"] = rule->expression;
  notification.annotations["summary"] = render_summary(alert, rule);
  notification.annotations["values"] = rule ? describe_values(alert, *rule) : std::string();
  // Tells a receiver why a page closed, e.g. that its rule left the config.
  if (kind == NotificationKind::Resolved && alert.resolve_reason)
    notification.annotations["resolve_reason"] = std::string(to_string(*alert.resolve_reason));
  if (alert.acknowledgement) {
    notification.annotations["acknowledged_by"] = alert.acknowledgement->by;
    if (!alert.acknowledgement->comment.empty())
      notification.annotations["ack_comment"] = alert.acknowledgement->comment;
  }
  return notification;
}

}  // namespace floorwatch::alerts
