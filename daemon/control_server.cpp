#include "daemon/control_server.h"

#include <nlohmann/json.hpp>

#include "daemon/alert_service.h"
#include "daemon/snapshot_json.h"

namespace floorwatch::daemon {
namespace {

using nlohmann::json;

std::string error_reply(const std::string& message) {
  return json{{"error", message}}.dump();
}

}  // namespace

std::string ControlServer::handle(std::string_view request) const {
  try {
    const json parsed = json::parse(request, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object())
      return error_reply("request is not a JSON object");
    const auto command = parsed.find("command");
    if (command == parsed.end() || !command->is_string())
      return error_reply("missing \"command\" (one of: snapshot, status, alerts, ack)");

    if (*command == "snapshot") {
      core::SnapshotOptions options;
      options.include_waiting_calls = true;
      options.include_agents = true;
      json reply = to_json(floor_.snapshot(options));
      reply["site"] = info_.identity.site;
      reply["daemon"] = info_.identity.daemon;
      return reply.dump();
    }
    if (*command == "status") {
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
                  {"now", core::format_timestamp(floor_.clock().now())},
                  {"uptime_seconds",
                   std::chrono::duration_cast<std::chrono::duration<double>>(uptime).count()},
                  {"streams", std::move(streams)}}
          .dump();
    }
    if (*command == "alerts" || *command == "ack") {
      if (!alerts_) return error_reply("no alert rules are configured (alerts: in the config)");
      if (*command == "alerts") return alerts_->list_json().dump();
      return alerts_->acknowledge(parsed, floor_.clock().now()).dump();
    }
    return error_reply("unknown command \"" + command->get<std::string>() +
                       "\" (one of: snapshot, status, alerts, ack)");
  } catch (const std::exception& error) {
    // Never let an exception cross the loop: a bad request must not stop ingestion.
    return error_reply(std::string("internal error: ") + error.what());
  }
}

}  // namespace floorwatch::daemon
