#include "daemon/callback_commands.h"

#include <algorithm>

namespace floorwatch::daemon {

using nlohmann::json;

namespace {

std::optional<std::uint64_t> id_of(const json& field) {
  if (field.is_number_unsigned()) return field.get<std::uint64_t>();
  if (field.is_number_integer()) {  // a signed JSON integer (e.g. from a script)
    const auto value = field.get<std::int64_t>();
    if (value <= 0) return std::nullopt;
    return static_cast<std::uint64_t>(value);
  }
  if (!field.is_string()) return std::nullopt;
  const std::string text = field.get<std::string>();
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {  // out of range
    return std::nullopt;
  }
}

}  // namespace

std::variant<CallbackDoneRequest, std::string> parse_callback_done(const json& request,
                                                                   const std::string& key_name) {
  const auto id_field = request.find("id");
  const auto id = id_field == request.end() ? std::nullopt : id_of(*id_field);
  if (!id || *id == 0)
    return std::string("callback_done needs \"id\": a call-back id from `floorwatchctl callbacks`");
  const auto by = request.find("by");
  const bool by_given = by != request.end() && by->is_string() && !by->get<std::string>().empty();
  if (by != request.end() && !by->is_null() && !by->is_string())
    return std::string("callback_done \"by\": expected a name");
  if (!key_name.empty()) {
    // CURVE: the key says who called back, so nobody signs as someone else.
    if (by_given && by->get<std::string>() != key_name)
      return "callback_done \"by\": " + by->dump() + " is not this client's CURVE key name \"" +
             key_name + "\" (omit --by, or give the key's name)";
    return CallbackDoneRequest{*id, key_name};
  }
  if (!by_given) return std::string("callback_done needs \"by\": who called the caller back");
  return CallbackDoneRequest{*id, by->get<std::string>()};
}

std::variant<PeerCallbacksRequest, std::string> parse_peer_callbacks(const json& request) {
  PeerCallbacksRequest parsed;
  if (const auto from = request.find("from"); from != request.end() && from->is_string())
    parsed.from = from->get<std::string>();
  const auto closes = request.find("closes");
  if (closes == request.end() || !closes->is_array())
    return std::string("peer_callbacks needs \"closes\": a list");
  parsed.closes.reserve(closes->size());
  for (std::size_t i = 0; i < closes->size(); ++i) {
    const json& entry = (*closes)[i];
    const std::string where = "peer_callbacks: closes[" + std::to_string(i) + "]";
    if (!entry.is_object()) return where + ": expected an object";
    auto text = [&](const char* field, std::string& out) -> std::optional<std::string> {
      const auto it = entry.find(field);
      if (it == entry.end() || !it->is_string() || it->get<std::string>().empty())
        return where + "." + field + ": expected a non-empty string";
      out = it->get<std::string>();
      return std::nullopt;
    };
    auto time = [&](const char* field, core::Timestamp& out) -> std::optional<std::string> {
      const auto it = entry.find(field);
      if (it == entry.end() || !it->is_number_integer())
        return where + "." + field + ": expected an integer (epoch ms)";
      out = core::from_epoch_ms(it->get<std::int64_t>());
      return std::nullopt;
    };
    core::CallbackClose close;
    for (auto problem :
         {text("caller", close.caller), text("by", close.by),
          time("first_abandoned_at_ms", close.first_abandoned_at),
          time("last_abandoned_at_ms", close.last_abandoned_at), time("at_ms", close.at)})
      if (problem) return *problem;
    if (close.first_abandoned_at > close.last_abandoned_at)
      return where + ".first_abandoned_at_ms: after last_abandoned_at_ms";
    parsed.closes.push_back(std::move(close));
  }
  return parsed;
}

json callback_json(const core::CallbackEntry& entry, core::Timestamp now) {
  return json{{"id", entry.id},
              {"caller", entry.caller},
              {"queue", entry.queue},
              {"call", entry.call},
              {"attempts", entry.attempts},
              {"first_abandoned_at", core::format_timestamp(entry.first_abandoned_at)},
              {"last_abandoned_at", core::format_timestamp(entry.last_abandoned_at)},
              {"age_seconds", std::max(0.0, core::to_seconds(now - entry.first_abandoned_at))},
              {"last_wait_seconds", core::to_seconds(entry.last_wait)}};
}

json callbacks_json(const core::FloorSnapshot& snapshot) {
  json entries = json::array();
  for (const auto& entry : snapshot.callbacks)
    entries.push_back(callback_json(entry, snapshot.now));
  const auto& counters = snapshot.callback_counters;
  json closed = json::object();
  for (std::size_t i = 0; i < core::kCallbackCloseReasonCount; ++i) {
    const auto reason = static_cast<core::CallbackCloseReason>(i);
    closed[std::string(core::to_string(reason))] = counters.closed_by(reason);
  }
  return json{{"now", core::format_timestamp(snapshot.now)},
              {"open", snapshot.callbacks.size()},
              {"callbacks", std::move(entries)},
              {"without_number", counters.without_number},
              {"closed", std::move(closed)}};
}

json callback_done_reply(const std::optional<core::CallbackEntry>& closed,
                         const CallbackDoneRequest& request, core::Timestamp now) {
  if (!closed)
    return json{{"error", "no open call-back " + std::to_string(request.id) +
                              " (unknown, or already closed: see floorwatchctl callbacks)"}};
  json entry = callback_json(*closed, now);
  entry["by"] = request.by;
  entry["closed_at"] = core::format_timestamp(now);
  return json{{"called_back", std::move(entry)}};
}

}  // namespace floorwatch::daemon
