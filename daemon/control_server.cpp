#include "daemon/control_server.h"

#include <nlohmann/json.hpp>

#include "daemon/agent_json.h"
#include "daemon/alert_service.h"
#include "daemon/interval_history.h"
#include "daemon/snapshot_json.h"

namespace floorwatch::daemon {
namespace {

using nlohmann::json;

std::string error_reply(const std::string& message) {
  return json{{"error", message}}.dump();
}

ControlReply error_of(const std::string& message) {
  ControlReply reply;
  reply.reply = error_reply(message);
  return reply;
}

// `report`, the cheap part on the loop: validates and resolves from/to in the site's calendar;
// the ReportWorker reads the rows and builds the reply.
ControlReply resolve_report(const core::SiteCalendar& calendar, const json& request,
                            core::Timestamp now) {
  std::optional<ReportTime> times[2];
  const char* names[2] = {"from", "to"};
  for (int i = 0; i < 2; ++i) {
    const auto field = request.find(names[i]);
    if (field == request.end())
      return error_of(std::string("report needs \"") + names[i] +
                      "\": " + std::string(kReportTimeFormats));
    const std::string text = field->is_string()            ? field->get<std::string>()
                             : field->is_number_unsigned() ? field->dump()
                                                           : std::string();
    times[i] = parse_report_time(text);
    if (!times[i])
      return error_of(std::string(names[i]) + ": expected " + std::string(kReportTimeFormats) +
                      ", got " + field->dump());
  }
  std::string queue;
  if (const auto field = request.find("queue"); field != request.end() && !field->is_null()) {
    if (!field->is_string()) return error_of("queue: expected a queue name");
    queue = field->get<std::string>();
  }
  bool forecast = false;
  if (const auto field = request.find("forecast"); field != request.end() && !field->is_null()) {
    if (!field->is_boolean()) return error_of("forecast: expected true or false");
    forecast = field->get<bool>();
  }
  const core::Timestamp from = resolve_report_time(*times[0], calendar, false);
  const core::Timestamp to = resolve_report_time(*times[1], calendar, true);
  if (to <= from)
    return error_of("to: must be after from (from " + format_local_time(from, calendar) + ", to " +
                    format_local_time(to, calendar) + ")");
  ControlReply reply;
  reply.report = ReportRequest{from, to, std::move(queue), now, calendar, forecast};
  return reply;
}

}  // namespace

ControlReply ControlServer::handle(std::string_view request, core::Timestamp now,
                                   const std::string& key_name) const {
  try {
    const json parsed = json::parse(request, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object())
      return error_of("request is not a JSON object");
    const auto command = parsed.find("command");
    if (command == parsed.end() || !command->is_string())
      return error_of(
          "missing \"command\" (one of: snapshot, status, alerts, ack, report, agents, callbacks, "
          "callback_done)");
    if (*command == "report") {
      if (!reports_enabled_)
        return error_of("no interval history: it needs state.path (docs/durability.md)");
      return resolve_report(*views_.current()->calendar, parsed, now);
    }
    if (*command == "callback_done") {
      auto done = parse_callback_done(parsed, key_name);
      if (const auto* problem = std::get_if<std::string>(&done)) return error_of(*problem);
      ControlReply reply;
      reply.callback_done = std::get<CallbackDoneRequest>(std::move(done));
      return reply;
    }
    if (*command == "peer_callbacks") {
      // The same rule as peer_acks: with CURVE only the partner's key speaks for closes made
      // on the other daemon; and a daemon without `ha:` has no partner to hear from.
      auto refuse = [&](const std::string& problem) {
        if (peer_metrics_) peer_metrics_->rejected("peer_callbacks");
        return error_of(problem);
      };
      if (!peer_enabled_)
        return refuse("peer_callbacks: this daemon has no HA partner (ha: in the config)");
      if (!key_name.empty() && key_name != peer_key_name_)
        return refuse("peer_callbacks: client key \"" + key_name +
                      "\" is not this daemon's HA peer");
      auto closes = parse_peer_callbacks(parsed);
      if (const auto* problem = std::get_if<std::string>(&closes)) return refuse(*problem);
      ControlReply reply;
      reply.peer_callbacks = std::get<PeerCallbacksRequest>(std::move(closes));
      return reply;
    }
    ControlReply reply;
    reply.reply = answer(parsed, command->get<std::string>(), now, key_name);
    if (*command == "peer_acks" && peer_metrics_ && reply.reply.rfind("{\"error\"", 0) == 0)
      peer_metrics_->rejected("peer_acks");
    return reply;
  } catch (const std::exception& error) {
    // Never let an exception cross the loop: a bad request must not stop ingestion.
    return error_of(std::string("internal error: ") + error.what());
  }
}

std::string ControlServer::answer(const nlohmann::json& parsed, const std::string& command,
                                  core::Timestamp now, const std::string& key_name) const {
  if (command == "snapshot") {
    core::SnapshotOptions options;
    options.include_waiting_calls = true;
    options.include_agents = true;
    const std::shared_ptr<const FloorView> view = views_.current();
    json reply = to_json(view->snapshot(view->published_at, options));
    reply["site"] = info_.identity.site;
    reply["daemon"] = info_.identity.daemon;
    return reply.dump();
  }
  if (command == "agents") {
    core::SnapshotOptions options;
    options.include_agents = true;
    options.include_predictions = false;
    const std::shared_ptr<const FloorView> view = views_.current();
    json reply = agents_report_json(view->snapshot(view->published_at, options));
    reply["site"] = info_.identity.site;
    reply["daemon"] = info_.identity.daemon;
    return reply.dump();
  }
  if (command == "status") {
    json streams = json::array();
    for (const auto& [key, position] : ingest_.streams()) {
      streams.push_back({{"source", key.first},
                         {"session", key.second},
                         {"applied_seq", position.applied_seq},
                         {"last_batch_at", core::format_timestamp(position.last_batch_at)}});
    }
    const auto uptime = std::chrono::steady_clock::now() - info_.started_at;
    return json{{"site", info_.identity.site},
                {"daemon", info_.identity.daemon},
                {"version", info_.version},
                {"clock", info_.clock_mode},
                {"now", core::format_timestamp(now)},
                {"uptime_seconds",
                 std::chrono::duration_cast<std::chrono::duration<double>>(uptime).count()},
                {"streams", std::move(streams)}}
        .dump();
  }
  if (command == "callbacks") {
    core::SnapshotOptions options;
    options.include_callbacks = true;
    options.include_predictions = false;
    const std::shared_ptr<const FloorView> view = views_.current();
    return callbacks_json(view->snapshot(view->published_at, options)).dump();
  }
  if (command == "alerts" || command == "ack") {
    if (!alerts_) return error_reply("no alert rules are configured (alerts: in the config)");
    if (command == "alerts") return alerts_->list_json().dump();
    if (key_name.empty()) return alerts_->acknowledge(parsed, now).dump();
    // CURVE: the key says who acks, so a board or a script cannot sign as someone else.
    json signed_request = parsed;
    const auto by = parsed.find("by");
    if (by != parsed.end() && !(by->is_string() && (by->get<std::string>().empty() ||
                                                    by->get<std::string>() == key_name)))
      return error_reply("ack \"by\": " + by->dump() + " is not this client's CURVE key name \"" +
                         key_name + "\" (omit --by, or give the key's name)");
    signed_request["by"] = key_name;
    return alerts_->acknowledge(signed_request, now).dump();
  }
  if (command == "peer_acks") {
    if (!alerts_) return error_reply("no alert rules are configured (alerts: in the config)");
    // CURVE: only the partner's key may speak for acks taken on the other daemon.
    if (!key_name.empty() && key_name != peer_key_name_)
      return error_reply("peer_acks: client key \"" + key_name + "\" is not this daemon's HA peer");
    return alerts_->merge_peer_acks(parsed, now).dump();
  }
  return error_reply(
      "unknown command \"" + command +
      "\" (one of: snapshot, status, alerts, ack, report, agents, callbacks, callback_done)");
}

}  // namespace floorwatch::daemon
