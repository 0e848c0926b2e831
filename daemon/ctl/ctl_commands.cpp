#include "daemon/ctl/ctl_commands.h"

#include "floorwatch/core/erlang_a.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <zmq.hpp>

namespace floorwatch::ctl {

using nlohmann::json;

namespace {

json optional_seconds(const std::optional<double>& seconds) {
  return seconds ? json(*seconds) : json(nullptr);
}

std::optional<int> required_agents(const ErlangRequest& request) {
  if (!request.patience_seconds) {
    return core::erlang::agents_required(request.workload, request.answer_target_seconds,
                                         request.service_level_target);
  }
  return core::erlang_a::agents_required(
      request.workload, *request.patience_seconds,
      {request.answer_target_seconds, request.service_level_target, std::nullopt});
}

json staffing_row(const ErlangRequest& request, int agents) {
  if (!request.patience_seconds) {
    const auto row =
        core::erlang::evaluate(request.workload, agents, request.answer_target_seconds);
    return {{"agents", row.agents},
            {"probability_of_waiting", row.probability_of_waiting},
            {"service_level", row.service_level},
            {"asa_seconds", optional_seconds(row.average_speed_of_answer_seconds)},
            {"occupancy", row.occupancy}};
  }
  const auto row = core::erlang_a::evaluate(request.workload, *request.patience_seconds, agents,
                                            request.answer_target_seconds);
  return {{"agents", row.agents},
          {"probability_of_waiting", row.probability_of_waiting},
          {"probability_of_abandoning", row.probability_of_abandoning},
          {"service_level", row.service_level},
          {"asa_seconds", optional_seconds(row.average_speed_of_answer_seconds)},
          {"occupancy", row.occupancy}};
}

}  // namespace

json erlang_table(const ErlangRequest& request) {
  const auto required = required_agents(request);
  // Centre the table on the answer; without one (no traffic) start at a single agent.
  const double traffic = request.workload.traffic_erlangs();
  const int centre = required ? *required : std::max(1, static_cast<int>(traffic) + 1);
  json rows = json::array();
  for (int agents = std::max(1, centre - 2); agents <= centre + 3; ++agents)
    rows.push_back(staffing_row(request, agents));
  json table{{"calls", request.workload.calls},
             {"period_seconds", request.workload.period_seconds},
             {"aht_seconds", request.workload.handle_time_seconds},
             {"answer_target_seconds", request.answer_target_seconds},
             {"service_level_target", request.service_level_target},
             {"traffic_erlangs", traffic},
             {"agents_required", required ? json(*required) : json(nullptr)},
             {"rows", std::move(rows)}};
  if (request.patience_seconds) {
    table["model"] = "erlang_a";
    table["patience_seconds"] = *request.patience_seconds;
  }
  return table;
}

std::string format_erlang_table(const json& table) {
  // Erlang A adds a line naming the patience and a P(abandon) column; Erlang C's layout is
  // unchanged.
  const bool with_abandons = table.contains("patience_seconds");
  std::ostringstream out;
  char line[200];
  std::snprintf(line, sizeof line,
                "%.0f calls in %.0f s, AHT %.0f s: %.2f Erlangs; target %.0f%% answered within "
                "%.0f s\n",
                table["calls"].get<double>(), table["period_seconds"].get<double>(),
                table["aht_seconds"].get<double>(), table["traffic_erlangs"].get<double>(),
                table["service_level_target"].get<double>() * 100,
                table["answer_target_seconds"].get<double>());
  out << line;
  if (with_abandons) {
    std::snprintf(line, sizeof line,
                  "Erlang A: callers hang up after %.0f s on average; abandons count against the "
                  "service level\n",
                  table["patience_seconds"].get<double>());
    out << line;
  }
  if (table["agents_required"].is_null())
    out << "agents required: none (no traffic, or the target cannot be met)\n\n";
  else
    out << "agents required: " << table["agents_required"].get<int>() << "\n\n";
  std::snprintf(line, sizeof line, "%7s  %8s%s  %12s  %9s  %9s\n", "agents", "P(wait)",
                with_abandons ? "  P(abandon)" : "", "predicted SL", "ASA", "occupancy");
  out << line;
  for (const json& row : table["rows"]) {
    char asa[32];
    if (row["asa_seconds"].is_null())
      std::snprintf(asa, sizeof asa, "%s", "inf");
    else
      std::snprintf(asa, sizeof asa, "%.1f s", row["asa_seconds"].get<double>());
    char abandon[32] = "";
    if (with_abandons)
      std::snprintf(abandon, sizeof abandon, "  %9.1f%%",
                    row["probability_of_abandoning"].get<double>() * 100);
    const bool is_required = !table["agents_required"].is_null() &&
                             row["agents"].get<int>() == table["agents_required"].get<int>();
    std::snprintf(line, sizeof line, "%7d  %7.1f%%%s  %11.1f%%  %9s  %8.1f%%%s\n",
                  row["agents"].get<int>(), row["probability_of_waiting"].get<double>() * 100,
                  abandon, row["service_level"].get<double>() * 100, asa,
                  row["occupancy"].get<double>() * 100, is_required ? "  <- required" : "");
    out << line;
  }
  return out.str();
}

namespace {

// One request on a fresh DEALER (no stuck REQ state after a timeout). Waits for a connection up
// to `connect_timeout`, then for the reply up to `timeout` from the start.
json request_once(const std::string& endpoint, const json& request,
                  std::chrono::milliseconds timeout, std::chrono::milliseconds connect_timeout,
                  const security::ClientSecurity& security) {
  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  try {
    security::apply_client_security(socket, security);
  } catch (const std::exception& error) {
    throw ControlError(std::string("bad CURVE key: ") + error.what());
  }
  socket.set(zmq::sockopt::linger, 0);
  // Queue the request only on a completed connection, so "cannot reach" is known apart from
  // "reached, answer pending" (a dead daemon's partner is tried after connect_timeout).
  socket.set(zmq::sockopt::immediate, 1);
  // A refused handshake is reported at once and in words, not as a timeout.
  security::HandshakeFailureWatch handshake(context, socket, "ctl", security.curve());
  try {
    socket.connect(endpoint);
  } catch (const zmq::error_t& error) {
    throw ControlError("cannot connect to control endpoint " + endpoint + ": " + error.what());
  }
  const auto started = std::chrono::steady_clock::now();
  const auto no_answer = [&](std::chrono::milliseconds waited) {
    return ControlUnreachable("no answer from floorwatchd at " + endpoint + " within " +
                              std::to_string(waited.count()) + " ms (is it running?)");
  };
  // Waits for `events` on the socket until `deadline`; a handshake failure throws.
  const auto wait_for = [&](short events, std::chrono::steady_clock::time_point deadline) {
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      zmq::pollitem_t items[] = {{socket.handle(), 0, events, 0},
                                 {handshake.socket().handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 2, left);
      if (items[1].revents & ZMQ_POLLIN) {
        const std::string failure = handshake.take_failure();
        if (!failure.empty()) throw ControlUnreachable(endpoint + ": " + failure);
      }
      if (items[0].revents & events) return true;
    }
  };
  const std::string payload = request.dump();
  if (!socket.send(zmq::buffer(payload), zmq::send_flags::dontwait)) {
    // Nothing connected yet: wait for the connection.
    const auto waited = std::min(connect_timeout, timeout);
    if (!wait_for(ZMQ_POLLOUT, started + waited) ||
        !socket.send(zmq::buffer(payload), zmq::send_flags::dontwait))
      throw no_answer(waited);
  }
  zmq::message_t answer;
  if (!wait_for(ZMQ_POLLIN, started + timeout) || !socket.recv(answer, zmq::recv_flags::dontwait))
    throw no_answer(timeout);
  json reply = json::parse(answer.to_string_view(), nullptr, false);
  if (reply.is_discarded()) throw ControlError("unreadable reply from " + endpoint);
  if (reply.is_object() && reply.contains("error"))
    throw ControlError(endpoint + " answered: " + reply["error"].dump());
  return reply;
}

}  // namespace

json control_request(const std::string& endpoint, const json& request,
                     std::chrono::milliseconds timeout, const security::ClientSecurity& security) {
  return request_once(endpoint, request, timeout, timeout, security);
}

json control_request(const std::vector<ControlEndpoint>& daemons, const json& request,
                     std::chrono::milliseconds timeout, std::chrono::milliseconds connect_timeout,
                     std::string* answered_by) {
  std::string failures;
  for (const ControlEndpoint& daemon : daemons) {
    // Alone, a daemon gets the whole timeout to come up; a pair's partner is only a step away.
    const auto connect = daemons.size() == 1 ? timeout : connect_timeout;
    try {
      json reply = request_once(daemon.endpoint, request, timeout, connect, daemon.security);
      if (answered_by) *answered_by = daemon.endpoint;
      return reply;
    } catch (const ControlUnreachable& error) {
      failures += failures.empty() ? error.what() : std::string("; ") + error.what();
    }
  }
  throw ControlUnreachable(failures.empty() ? "no control endpoint given" : failures);
}

std::string format_status(const json& status) {
  std::ostringstream out;
  out << "site:    " << status.value("site", "?") << "\n"
      << "daemon:  " << status.value("daemon", "?") << "\n"
      << "version: " << status.value("version", "?") << "\n"
      << "clock:   " << status.value("clock", "?") << " (now " << status.value("now", "?") << ")\n";
  char uptime[64];
  std::snprintf(uptime, sizeof uptime, "%.0f s", status.value("uptime_seconds", 0.0));
  out << "uptime:  " << uptime << "\n";
  const json streams = status.value("streams", json::array());
  out << "streams: " << streams.size() << "\n";
  for (const json& stream : streams) {
    out << "  " << stream.value("source", "?") << " session " << stream.value("session", 0)
        << ": applied seq " << stream.value("applied_seq", 0) << " (last batch "
        << stream.value("last_batch_at", "?") << ")\n";
  }
  return out.str();
}

}  // namespace floorwatch::ctl

namespace floorwatch::ctl {

std::string format_alerts(const nlohmann::json& reply, bool with_resolved) {
  std::string out;
  char line[512];
  // With resolved alerts, a last column says why each ended (e.g. rule_removed by a reload).
  const auto last_columns = [&](std::string acknowledged_by, const std::string& ended) {
    if (!with_resolved) return acknowledged_by;
    acknowledged_by.resize(std::max<std::size_t>(acknowledged_by.size(), 16), ' ');
    return acknowledged_by + " " + ended;
  };
  std::snprintf(line, sizeof line, "%-6s %-13s %-9s %-28s %-14s %-24s %s\n", "ID", "STATE",
                "SEVERITY", "RULE", "QUEUE", "SINCE",
                last_columns("ACKNOWLEDGED BY", "RESOLVED (REASON)").c_str());
  out += line;
  auto add = [&](const nlohmann::json& alert) {
    const auto labels = alert.value("labels", nlohmann::json::object());
    const std::string since = alert.contains("fired_at") ? alert["fired_at"].get<std::string>()
                                                         : alert.value("active_since", "");
    std::string subject = labels.value("queue", labels.value("source", ""));
    std::string ended;
    if (alert.contains("resolved_at"))
      ended = alert.value("resolved_at", "") + " (" + alert.value("resolve_reason", "?") + ")";
    std::snprintf(line, sizeof line, "%-6s %-13s %-9s %-28s %-14s %-24s %s\n",
                  std::to_string(alert.value("id", 0)).c_str(), alert.value("state", "").c_str(),
                  labels.value("severity", "").c_str(), alert.value("rule", "").c_str(),
                  subject.c_str(), since.c_str(),
                  last_columns(alert.value("acknowledged_by", ""), ended).c_str());
    out += line;
  };
  for (const auto& alert : reply.value("alerts", nlohmann::json::array())) add(alert);
  if (with_resolved) {
    for (const auto& alert : reply.value("resolved", nlohmann::json::array())) add(alert);
  }
  if (reply.value("alerts", nlohmann::json::array()).empty()) out += "(no active alerts)\n";
  return out;
}

}  // namespace floorwatch::ctl
