#include "alerts/state_codec.h"

#include <regex>
#include <string>

namespace floorwatch::alerts {
namespace {

// Smallest encoding of one item, so a corrupted count is refused before allocating for it.
constexpr std::size_t kMinLabelBytes = 16;     // two empty strings
constexpr std::size_t kMinValueBytes = 1;      // absent optional
constexpr std::size_t kMinTierBytes = 10;      // two absent optionals + count
constexpr std::size_t kMinAlertBytes = 70;     // fixed fields with empty strings and lists
constexpr std::size_t kMinMatcherBytes = 24;   // two empty strings + operator
constexpr std::size_t kMinSilenceBytes = 56;   // id, matcher count, 3 times, 2 empty strings
constexpr std::size_t kMinCooldownBytes = 24;  // two empty strings + time

// Enums are stored by value; a value past `last` means the bytes are not ours.
template <typename Enum>
Enum read_enum(core::ByteReader& in, Enum last, const char* what) {
  const std::uint64_t raw = in.u64();
  if (raw > static_cast<std::uint64_t>(last))
    throw core::SnapshotError(std::string("alert state corrupted: bad ") + what + " " +
                              std::to_string(raw));
  return static_cast<Enum>(raw);
}

void save_time(core::ByteWriter& out, const std::optional<core::Timestamp>& time) {
  out.boolean(time.has_value());
  if (time) out.time(*time);
}

std::optional<core::Timestamp> load_time(core::ByteReader& in) {
  if (!in.boolean()) return std::nullopt;
  return in.time();
}

void save_labels(core::ByteWriter& out, const Labels& labels) {
  out.u64(labels.size());
  for (const auto& [name, value] : labels) {
    out.string(name);
    out.string(value);
  }
}

Labels load_labels(core::ByteReader& in) {
  Labels labels;
  const std::size_t count = in.count(kMinLabelBytes);
  for (std::size_t i = 0; i < count; ++i) {
    std::string name = in.string();
    labels.emplace(std::move(name), in.string());
  }
  return labels;
}

void save_values(core::ByteWriter& out, const std::vector<std::optional<double>>& values) {
  out.u64(values.size());
  for (const auto& value : values) {
    out.boolean(value.has_value());
    if (value) out.f64(*value);
  }
}

std::vector<std::optional<double>> load_values(core::ByteReader& in) {
  std::vector<std::optional<double>> values(in.count(kMinValueBytes));
  for (auto& value : values)
    if (in.boolean()) value = in.f64();
  return values;
}

void save_alert(core::ByteWriter& out, const Alert& alert) {
  out.u64(alert.id);
  out.string(alert.rule);
  out.string(alert.subject);
  save_labels(out, alert.labels);
  out.u64(static_cast<std::uint64_t>(alert.state));
  out.time(alert.active_since);
  save_time(out, alert.fired_at);
  save_time(out, alert.resolved_at);
  out.boolean(alert.acknowledgement.has_value());
  if (alert.acknowledgement) {
    out.string(alert.acknowledgement->by);
    out.string(alert.acknowledgement->comment);
    out.time(alert.acknowledgement->at);
  }
  out.boolean(alert.resolve_reason.has_value());
  if (alert.resolve_reason) out.u64(static_cast<std::uint64_t>(*alert.resolve_reason));
  save_values(out, alert.values);
  out.u64(alert.tiers.size());
  for (const auto& tier : alert.tiers) {
    save_time(out, tier.first_notified_at);
    save_time(out, tier.last_notified_at);
    out.i64(tier.notifications);
  }
  out.boolean(alert.silenced);
  save_values(out, alert.fired_values);
}

// Version 1 had no fired_values: notices of such alerts show the live figures.
Alert load_alert(core::ByteReader& in, std::uint64_t version) {
  Alert alert;
  alert.id = in.u64();
  alert.rule = in.string();
  alert.subject = in.string();
  alert.labels = load_labels(in);
  alert.state = read_enum(in, AlertState::Resolved, "alert state");
  alert.active_since = in.time();
  alert.fired_at = load_time(in);
  alert.resolved_at = load_time(in);
  if (in.boolean()) {
    Acknowledgement ack;
    ack.by = in.string();
    ack.comment = in.string();
    ack.at = in.time();
    alert.acknowledgement = std::move(ack);
  }
  if (in.boolean())
    alert.resolve_reason = read_enum(in, TransitionReason::Acknowledged, "resolve reason");
  alert.values = load_values(in);
  const std::size_t tiers = in.count(kMinTierBytes);
  alert.tiers.reserve(tiers);
  for (std::size_t i = 0; i < tiers; ++i) {
    TierProgress progress;
    progress.first_notified_at = load_time(in);
    progress.last_notified_at = load_time(in);
    progress.notifications = static_cast<int>(in.i64());
    alert.tiers.push_back(progress);
  }
  alert.silenced = in.boolean();
  if (version >= 2) alert.fired_values = load_values(in);
  return alert;
}

void save_silence(core::ByteWriter& out, const Silence& silence) {
  out.u64(silence.id);
  out.u64(silence.matchers.size());
  for (const auto& matcher : silence.matchers) {
    out.string(matcher.name);
    out.u64(static_cast<std::uint64_t>(matcher.op));
    out.string(matcher.value);
  }
  out.time(silence.starts_at);
  out.time(silence.ends_at);
  out.string(silence.created_by);
  out.string(silence.comment);
  out.time(silence.created_at);
}

Silence load_silence(core::ByteReader& in) {
  Silence silence;
  silence.id = in.u64();
  const std::size_t matchers = in.count(kMinMatcherBytes);
  for (std::size_t i = 0; i < matchers; ++i) {
    Matcher matcher;
    matcher.name = in.string();
    matcher.op = read_enum(in, MatchOperator::NotRegex, "matcher operator");
    matcher.value = in.string();
    if (matcher.op == MatchOperator::Regex || matcher.op == MatchOperator::NotRegex) {
      try {
        matcher.compiled =
            std::make_shared<const std::regex>(matcher.value, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        // Accepted when the silence was added, so this cannot happen with our own bytes; left
        // uncompiled it simply never matches, as a hand-built bad matcher does.
      }
    }
    silence.matchers.push_back(std::move(matcher));
  }
  silence.starts_at = in.time();
  silence.ends_at = in.time();
  silence.created_by = in.string();
  silence.comment = in.string();
  silence.created_at = in.time();
  return silence;
}

}  // namespace

void save(core::ByteWriter& out, const AlertEngineState& state) {
  out.u64(kAlertStateVersion);
  out.u64(state.next_alert_id);
  out.u64(state.next_silence_id);
  out.u64(state.active.size());
  for (const auto& alert : state.active) save_alert(out, alert);
  out.u64(state.history.size());
  for (const auto& alert : state.history) save_alert(out, alert);
  out.u64(state.silences.size());
  for (const auto& silence : state.silences) save_silence(out, silence);
  out.u64(state.cooldown_until.size());
  for (const auto& [key, until] : state.cooldown_until) {
    out.string(key.first);
    out.string(key.second);
    out.time(until);
  }
}

AlertEngineState load_alert_state(core::ByteReader& in) {
  const std::uint64_t version = in.u64();
  if (version < 1 || version > kAlertStateVersion)
    throw core::SnapshotError("alert state version " + std::to_string(version) +
                              " not supported (expected 1 to " +
                              std::to_string(kAlertStateVersion) + ")");
  AlertEngineState state;
  state.next_alert_id = in.u64();
  state.next_silence_id = in.u64();
  const std::size_t active = in.count(kMinAlertBytes);
  state.active.reserve(active);
  for (std::size_t i = 0; i < active; ++i) state.active.push_back(load_alert(in, version));
  const std::size_t history = in.count(kMinAlertBytes);
  for (std::size_t i = 0; i < history; ++i) state.history.push_back(load_alert(in, version));
  const std::size_t silences = in.count(kMinSilenceBytes);
  state.silences.reserve(silences);
  for (std::size_t i = 0; i < silences; ++i) state.silences.push_back(load_silence(in));
  const std::size_t cooldowns = in.count(kMinCooldownBytes);
  for (std::size_t i = 0; i < cooldowns; ++i) {
    std::string rule = in.string();
    std::string subject = in.string();
    state.cooldown_until[{std::move(rule), std::move(subject)}] = in.time();
  }
  return state;
}

}  // namespace floorwatch::alerts
