#include "alerts/rule_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "yaml_config/reader.h"

namespace floorwatch::alerts {
namespace {

// A problem found after parsing: the key (relative to the object) and what is wrong.
struct Problem {
  std::string key;
  std::string text;
};

bool valid_http_url(const std::string& url) {
  return url.starts_with("http://") && url.size() > std::string_view("http://").size();
}

std::optional<Problem> check_rule(const Rule& rule, const AlertsConfig& config) {
  if (rule.name.empty()) return Problem{"name", "must not be empty"};
  if (rule.terms.empty()) return Problem{"expr", "must have at least one term"};
  const Term& first = rule.terms.front();
  if (rule.clear_threshold) {
    const double clear = *rule.clear_threshold;
    switch (first.comparison) {
      case Comparison::Equal:
        return Problem{"clear", "does not apply to `==` (nothing lies past an equality)"};
      case Comparison::Greater:
      case Comparison::GreaterOrEqual:
        if (clear > first.threshold)
          return Problem{"clear", "must not be above the fire threshold of `" + describe(first) +
                                      "` (the alert clears when the value falls back)"};
        break;
      case Comparison::Less:
      case Comparison::LessOrEqual:
        if (clear < first.threshold)
          return Problem{"clear", "must not be below the fire threshold of `" + describe(first) +
                                      "` (the alert clears when the value recovers)"};
        break;
    }
  }
  if (rule.min_calls < 0) return Problem{"min_calls", "must not be negative"};
  if (rule.min_calls > 0 &&
      std::none_of(rule.terms.begin(), rule.terms.end(),
                   [](const Term& term) { return is_windowed(term.selector.metric); }))
    return Problem{"min_calls",
                   "only applies to window figures (service_level_ratio, abandon_ratio, "
                   "asa_seconds)"};
  if (rule.on_sources() && !rule.queues.empty())
    return Problem{"queues", "does not apply to source rules (use source= in expr)"};
  if (rule.for_duration < core::Duration::zero()) return Problem{"for", "must not be negative"};
  if (rule.cooldown < core::Duration::zero()) return Problem{"cooldown", "must not be negative"};
  if (rule.active_hours) {
    const ActiveHours& hours = *rule.active_hours;
    if (std::none_of(hours.days.begin(), hours.days.end(), [](bool day) { return day; }))
      return Problem{"active_hours.days", "must name at least one day"};
    if (hours.start_minutes == hours.end_minutes)
      return Problem{"active_hours", "start and end must differ (omit active_hours for always)"};
  }
  if (!rule.escalation.empty() &&
      std::none_of(config.policies.begin(), config.policies.end(),
                   [&](const EscalationPolicy& policy) { return policy.name == rule.escalation; }))
    return Problem{"escalation", "unknown escalation policy \"" + rule.escalation + "\""};
  return std::nullopt;
}

std::optional<Problem> check_policy(const EscalationPolicy& policy, const AlertsConfig& config) {
  if (policy.tiers.empty()) return Problem{"", "needs at least one tier"};
  std::set<std::string> names;
  core::Duration previous_after{0};
  for (std::size_t i = 0; i < policy.tiers.size(); ++i) {
    const EscalationTier& tier = policy.tiers[i];
    const std::string where = "[" + std::to_string(i) + "]";
    if (tier.name.empty()) return Problem{where + ".name", "must not be empty"};
    if (!names.insert(tier.name).second)
      return Problem{where + ".name", "duplicate tier \"" + tier.name + "\""};
    if (tier.after < previous_after)
      return Problem{where + ".after", "tiers must be in order of `after`"};
    previous_after = tier.after;
    if (tier.repeat < core::Duration::zero())
      return Problem{where + ".repeat", "must not be negative"};
    if (tier.notifiers.empty()) return Problem{where + ".notifiers", "must name a notifier"};
    for (const std::string& notifier : tier.notifiers) {
      if (std::none_of(config.notifiers.begin(), config.notifiers.end(),
                       [&](const NotifierConfig& known) { return known.name == notifier; }))
        return Problem{where + ".notifiers", "unknown notifier \"" + notifier + "\""};
    }
  }
  return std::nullopt;
}

std::optional<Problem> check_notifier(const NotifierConfig& notifier) {
  constexpr const char* kHttpOnly =
      "expected an http:// URL (https is not supported: use a local relay)";
  if (notifier.type == NotifierType::Alertmanager) {
    const std::vector<std::string> urls = instance_urls(notifier);
    if (urls.empty()) return Problem{"url", "url or urls is required"};
    for (const std::string& url : urls)
      if (!valid_http_url(url)) return Problem{notifier.url.empty() ? "urls" : "url", kHttpOnly};
    if (notifier.resend.count() <= 0) return Problem{"resend", "must be positive"};
  } else if (notifier.type == NotifierType::Webhook && !valid_http_url(notifier.url)) {
    return Problem{"url", kHttpOnly};
  }
  if (notifier.retry.max_attempts < 1) return Problem{"max_attempts", "must be at least 1"};
  if (notifier.retry.initial_backoff.count() < 0 ||
      notifier.retry.max_backoff < notifier.retry.initial_backoff)
    return Problem{"max_backoff", "must not be below backoff"};
  if (notifier.timeout.count() <= 0) return Problem{"timeout", "must be positive"};
  return std::nullopt;
}

// The shared reader plus the alerts-only value types (durations, local times, rules).
class Reader : public yaml_config::Reader {
 public:
  using yaml_config::Reader::Reader;

  core::Duration duration_value(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node.Mark(), key, "expected a duration such as 90s, 3m or 1h");
    const auto duration = parse_duration(node.Scalar());
    if (!duration)
      fail(node.Mark(), key,
           "expected a duration such as 90s, 3m or 1h, got \"" + node.Scalar() + "\"");
    return *duration;
  }

  ActiveHours active_hours(const YAML::Node& node, const std::string& path) const {
    ActiveHours hours;
    bool start_seen = false, end_seen = false;
    for_each_entry(node, path,
                   {
                       {"days",
                        [&](const YAML::Node& value, const std::string& key) {
                          hours.days.fill(false);
                          for (const std::string& day : string_list(value, key)) {
                            static constexpr std::array<std::string_view, 7> kDays{
                                "sun", "mon", "tue", "wed", "thu", "fri", "sat"};
                            const auto found = std::find(kDays.begin(), kDays.end(), day);
                            if (found == kDays.end())
                              fail(value.Mark(), key,
                                   "unknown day \"" + day +
                                       "\" (allowed: mon, tue, wed, thu, "
                                       "fri, sat, sun)");
                            hours.days[static_cast<std::size_t>(found - kDays.begin())] = true;
                          }
                        }},
                       {"start",
                        [&](const YAML::Node& value, const std::string& key) {
                          hours.start_minutes = local_time(value, key);
                          start_seen = true;
                        }},
                       {"end",
                        [&](const YAML::Node& value, const std::string& key) {
                          hours.end_minutes = local_time(value, key);
                          end_seen = true;
                        }},
                   });
    if (!start_seen) fail(node.Mark(), path + ".start", "is required");
    if (!end_seen) fail(node.Mark(), path + ".end", "is required");
    return hours;
  }

  int local_time(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node.Mark(), key, "expected local time \"HH:MM\"");
    const auto minutes = parse_local_time(node.Scalar());
    if (!minutes)
      fail(node.Mark(), key,
           "expected local time \"HH:MM\" (quote it), got \"" + node.Scalar() + "\"");
    return *minutes;
  }

  Rule rule(const YAML::Node& node, const std::string& path) const {
    Rule rule;
    bool expression_seen = false;
    for_each_entry(
        node, path,
        {
            {"name",
             [&](const YAML::Node& v, const std::string& k) { rule.name = string_value(v, k); }},
            {"expr",
             [&](const YAML::Node& v, const std::string& k) {
               rule.expression = string_value(v, k);
               expression_seen = true;
               try {
                 rule.terms = parse_expression(rule.expression);
               } catch (const ExpressionError& error) {
                 fail(v.Mark(), k,
                      "column " + std::to_string(error.column()) + ": " + error.what() + " in \"" +
                          rule.expression + "\"");
               }
             }},
            {"clear", [&](const YAML::Node& v,
                          const std::string& k) { rule.clear_threshold = number_value(v, k); }},
            {"min_calls",
             [&](const YAML::Node& v, const std::string& k) {
               rule.min_calls = whole_number(v, k, 0, 1'000'000'000);
             }},
            {"severity",
             [&](const YAML::Node& v, const std::string& k) {
               const auto severity = parse_severity(string_value(v, k));
               if (!severity)
                 fail(v.Mark(), k,
                      "unknown severity \"" + v.Scalar() + "\" (allowed: warning, critical)");
               rule.severity = *severity;
             }},
            {"for", [&](const YAML::Node& v,
                        const std::string& k) { rule.for_duration = duration_value(v, k); }},
            {"cooldown", [&](const YAML::Node& v,
                             const std::string& k) { rule.cooldown = duration_value(v, k); }},
            {"queues",
             [&](const YAML::Node& v, const std::string& k) { rule.queues = string_list(v, k); }},
            {"active_hours", [&](const YAML::Node& v,
                                 const std::string& k) { rule.active_hours = active_hours(v, k); }},
            {"escalation", [&](const YAML::Node& v,
                               const std::string& k) { rule.escalation = string_value(v, k); }},
            {"summary",
             [&](const YAML::Node& v, const std::string& k) { rule.summary = string_value(v, k); }},
        });
    if (rule.name.empty()) fail(node.Mark(), path + ".name", "is required");
    if (!expression_seen) fail(node.Mark(), path + ".expr", "is required");
    return rule;
  }

  std::vector<EscalationTier> tiers(const YAML::Node& node, const std::string& path) const {
    if (!node.IsSequence()) fail(node.Mark(), path, "expected a list of tiers");
    std::vector<EscalationTier> tiers;
    for (std::size_t i = 0; i < node.size(); ++i) {
      EscalationTier tier;
      const std::string tier_path = path + "[" + std::to_string(i) + "]";
      for_each_entry(
          node[i], tier_path,
          {
              {"name",
               [&](const YAML::Node& v, const std::string& k) { tier.name = string_value(v, k); }},
              {"after", [&](const YAML::Node& v,
                            const std::string& k) { tier.after = duration_value(v, k); }},
              {"notifiers", [&](const YAML::Node& v,
                                const std::string& k) { tier.notifiers = string_list(v, k); }},
              {"repeat", [&](const YAML::Node& v,
                             const std::string& k) { tier.repeat = duration_value(v, k); }},
          });
      tiers.push_back(std::move(tier));
    }
    return tiers;
  }

  NotifierConfig notifier(const std::string& name, const YAML::Node& node,
                          const std::string& path) const {
    NotifierConfig notifier;
    notifier.name = name;
    bool type_seen = false;
    for_each_entry(
        node, path,
        {
            {"type",
             [&](const YAML::Node& v, const std::string& k) {
               const std::string type = string_value(v, k);
               if (type == "alertmanager")
                 notifier.type = NotifierType::Alertmanager;
               else if (type == "webhook")
                 notifier.type = NotifierType::Webhook;
               else if (type == "log")
                 notifier.type = NotifierType::Log;
               else
                 fail(v.Mark(), k,
                      "unknown notifier type \"" + type +
                          "\" (allowed: alertmanager, webhook, log)");
               type_seen = true;
             }},
            {"url",
             [&](const YAML::Node& v, const std::string& k) { notifier.url = string_value(v, k); }},
            {"urls",
             [&](const YAML::Node& v, const std::string& k) { notifier.urls = string_list(v, k); }},
            {"resend", [&](const YAML::Node& v,
                           const std::string& k) { notifier.resend = duration_value(v, k); }},
            {"generator_url",
             [&](const YAML::Node& v, const std::string& k) {
               notifier.generator_url = string_value(v, k);
             }},
            {"timeout", [&](const YAML::Node& v,
                            const std::string& k) { notifier.timeout = duration_value(v, k); }},
            {"max_attempts",
             [&](const YAML::Node& v, const std::string& k) {
               notifier.retry.max_attempts = static_cast<int>(whole_number(v, k, 1, 1000));
             }},
            {"backoff",
             [&](const YAML::Node& v, const std::string& k) {
               notifier.retry.initial_backoff = duration_value(v, k);
             }},
            {"max_backoff",
             [&](const YAML::Node& v, const std::string& k) {
               notifier.retry.max_backoff = duration_value(v, k);
             }},
        });
    if (!type_seen) fail(node.Mark(), path + ".type", "is required");
    if (!notifier.url.empty() && !notifier.urls.empty())
      fail(node["urls"].Mark(), path + ".urls", "give url or urls, not both");
    if (notifier.type != NotifierType::Alertmanager && !notifier.urls.empty())
      fail(node["urls"].Mark(), path + ".urls", "only an alertmanager notifier takes urls");
    if (const auto problem = check_notifier(notifier))
      fail(node[problem->key] ? node[problem->key].Mark() : node.Mark(), path + "." + problem->key,
           problem->text);
    return notifier;
  }
};

YAML::Mark mark_of(const YAML::Node& node, const std::string& key) {
  const YAML::Node child = node[key];
  return child ? child.Mark() : node.Mark();
}

}  // namespace

std::vector<std::string> instance_urls(const NotifierConfig& notifier) {
  if (!notifier.urls.empty()) return notifier.urls;
  if (!notifier.url.empty()) return {notifier.url};
  return {};
}

std::string_view to_string(NotifierType type) {
  switch (type) {
    case NotifierType::Alertmanager:
      return "alertmanager";
    case NotifierType::Webhook:
      return "webhook";
    case NotifierType::Log:
      return "log";
  }
  return "unknown";
}

AlertsConfig parse_alerts_config(const YAML::Node& alerts, const std::string& file_name,
                                 const std::string& key_prefix) {
  const Reader reader(file_name);
  AlertsConfig config;
  if (!alerts || alerts.IsNull()) return config;
  YAML::Node rules_node, policies_node, notifiers_node;
  // Notifiers, then policies, then rules, whatever their order in the file, so references
  // can be checked where they are written.
  reader.for_each_entry(
      alerts, key_prefix,
      {
          {"rules", [&](const YAML::Node& v, const std::string&) { rules_node = v; }},
          {"escalation_policies",
           [&](const YAML::Node& v, const std::string&) { policies_node = v; }},
          {"notifiers", [&](const YAML::Node& v, const std::string&) { notifiers_node = v; }},
          {"notification_queue_capacity",
           [&](const YAML::Node& v, const std::string& k) {
             config.notification_queue_capacity =
                 static_cast<std::size_t>(reader.whole_number(v, k, 1, 10'000'000));
           }},
      });

  if (notifiers_node && !notifiers_node.IsNull()) {
    const std::string path = key_prefix + ".notifiers";
    if (!notifiers_node.IsMap())
      reader.fail(notifiers_node.Mark(), path, "expected a mapping of notifier names");
    for (const auto& entry : notifiers_node) {
      const std::string name = entry.first.Scalar();
      config.notifiers.push_back(reader.notifier(name, entry.second, path + "." + name));
    }
  }

  if (policies_node && !policies_node.IsNull()) {
    const std::string path = key_prefix + ".escalation_policies";
    if (!policies_node.IsMap())
      reader.fail(policies_node.Mark(), path, "expected a mapping of policy names");
    for (const auto& entry : policies_node) {
      EscalationPolicy policy;
      policy.name = entry.first.Scalar();
      const std::string policy_path = path + "." + policy.name;
      policy.tiers = reader.tiers(entry.second, policy_path);
      if (const auto problem = check_policy(policy, config)) {
        YAML::Mark mark = entry.second.Mark();
        // Problem keys look like "[2].after": point at that tier's key when it exists.
        const std::size_t close = problem->key.find(']');
        if (close != std::string::npos) {
          const std::size_t index = std::stoul(problem->key.substr(1, close - 1));
          const std::string key = problem->key.substr(close + 2);
          mark = mark_of(entry.second[index], key);
        }
        reader.fail(mark, policy_path + problem->key, problem->text);
      }
      config.policies.push_back(std::move(policy));
    }
  }

  if (rules_node && !rules_node.IsNull()) {
    const std::string path = key_prefix + ".rules";
    if (!rules_node.IsSequence()) reader.fail(rules_node.Mark(), path, "expected a list of rules");
    std::set<std::string> names;
    for (std::size_t i = 0; i < rules_node.size(); ++i) {
      const YAML::Node node = rules_node[i];
      const std::string rule_path = path + "[" + std::to_string(i) + "]";
      Rule rule = reader.rule(node, rule_path);
      if (const auto problem = check_rule(rule, config))
        reader.fail(mark_of(node, problem->key.substr(0, problem->key.find('.'))),
                    rule_path + "." + problem->key, problem->text);
      if (!names.insert(rule.name).second)
        reader.fail(mark_of(node, "name"), rule_path + ".name",
                    "duplicate rule name \"" + rule.name + "\"");
      config.rules.push_back(std::move(rule));
    }
  }
  return config;
}

AlertsConfig parse_alerts_config_text(const std::string& yaml_text, const std::string& file_name) {
  return parse_alerts_config(yaml_config::load_document(yaml_text, file_name), file_name, "alerts");
}

std::string validate(const AlertsConfig& config) {
  std::set<std::string> notifier_names;
  for (const NotifierConfig& notifier : config.notifiers) {
    if (!notifier_names.insert(notifier.name).second)
      return "notifiers." + notifier.name + ": duplicate notifier";
    if (const auto problem = check_notifier(notifier))
      return "notifiers." + notifier.name + "." + problem->key + ": " + problem->text;
  }
  std::set<std::string> policy_names;
  for (const EscalationPolicy& policy : config.policies) {
    if (!policy_names.insert(policy.name).second)
      return "escalation_policies." + policy.name + ": duplicate policy";
    if (const auto problem = check_policy(policy, config))
      return "escalation_policies." + policy.name + problem->key + ": " + problem->text;
  }
  std::set<std::string> rule_names;
  for (const Rule& rule : config.rules) {
    if (!rule_names.insert(rule.name).second) return "rules: duplicate rule \"" + rule.name + "\"";
    if (const auto problem = check_rule(rule, config))
      return "rules." + rule.name + "." + problem->key + ": " + problem->text;
  }
  return {};
}

std::optional<core::Duration> parse_duration(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, double>, 4> kUnits{{
      {"ms", 1.0},
      {"s", 1000.0},
      {"m", 60'000.0},
      {"h", 3'600'000.0},
  }};
  double unit_ms = 1000.0;  // a bare number is seconds, as in the rest of the config
  for (const auto& [suffix, ms] : kUnits) {
    if (text.ends_with(suffix) && text.size() > suffix.size()) {
      const std::string_view number = text.substr(0, text.size() - suffix.size());
      // "5m" must not be read as "5" + "m" of "ms": only accept when the rest is numeric.
      if (!number.empty() &&
          (std::isdigit(static_cast<unsigned char>(number.back())) || number.back() == '.')) {
        text = number;
        unit_ms = ms;
        break;
      }
    }
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value < 0)
    return std::nullopt;
  // Beyond a year nothing in an alert rule makes sense, and time arithmetic could overflow.
  constexpr double kLongestMs = 366.0 * 24 * 3'600'000;
  if (value * unit_ms > kLongestMs) return std::nullopt;
  return core::Duration{static_cast<std::int64_t>(std::llround(value * unit_ms))};
}

std::optional<int> parse_local_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

}  // namespace floorwatch::alerts
