// floorwatchctl: Erlang C / Erlang A staffing calculator, live floor table, daemon status,
// alerts, the interval history report and CURVE key generation.
// Exit status: 0 success, 1 the daemon did not answer (or answered an error), 2 bad arguments.
#include <iostream>
#include <stdexcept>
#include <thread>

#include <CLI/CLI.hpp>

#include "common/string_list.h"
#include "daemon/ctl/agents_report_view.h"
#include "daemon/ctl/callbacks_view.h"
#include "daemon/ctl/ctl_commands.h"
#include "daemon/ctl/duration.h"
#include "daemon/ctl/forecast_report_view.h"
#include "daemon/ctl/report_view.h"
#include "daemon/ctl/top_view.h"
#include "daemon/interval_history.h"
#include "security/curve_keys.h"
#include "security/socket_security.h"

namespace {

using floorwatch::ctl::parse_duration_seconds;

// CLI11 validator for "30m", "1800", "1800s", "1h".
const CLI::Validator kDuration(
    [](std::string& text) {
      return parse_duration_seconds(text) ? std::string()
                                          : "expected a duration such as 1800, 1800s, 30m or 1h";
    },
    "DURATION");

double seconds_of(const std::string& text) {
  return *parse_duration_seconds(text);
}

constexpr const char* kControlHelp =
    "floorwatchd control endpoint; an HA pair: both, comma-separated (the first that answers)";

// A pair's partner is asked when the first daemon cannot even be connected to within this.
constexpr std::chrono::milliseconds kPartnerAfter{1000};

// The daemons named by --control and --curve-server-key (one key for all, or one each).
std::vector<floorwatch::ctl::ControlEndpoint> control_endpoints(const std::string& control,
                                                                const std::string& server_keys,
                                                                const std::string& client_key) {
  const auto endpoints = floorwatch::common::split_list(control);
  const auto securities = floorwatch::security::load_client_securities(
      floorwatch::common::split_list(server_keys), client_key, endpoints.size(),
      "--curve-server-key", "--control endpoint");
  std::vector<floorwatch::ctl::ControlEndpoint> daemons;
  for (std::size_t i = 0; i < endpoints.size(); ++i)
    daemons.push_back({endpoints[i], securities[i]});
  return daemons;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"floorwatchctl: staffing calculator and floorwatchd control client"};
  app.require_subcommand(1);

  auto* erlang =
      app.add_subcommand("erlang", "Erlang C (or Erlang A with --patience): agents needed");
  double calls = 0;
  std::string period = "30m", aht = "180", answer_target = "20", patience;
  double service_level = 0.8;
  bool as_json = false;
  erlang->add_option("--calls", calls, "calls arriving in the period")
      ->required()
      ->check(CLI::NonNegativeNumber);
  erlang->add_option("--period", period, "length of the period (1800, 1800s, 30m, 1h)")
      ->capture_default_str()
      ->check(kDuration);
  erlang->add_option("--aht", aht, "average handle time (talk + wrap-up)")
      ->capture_default_str()
      ->check(kDuration);
  erlang->add_option("--answer-target", answer_target, "answer within this time")
      ->capture_default_str()
      ->check(kDuration);
  erlang->add_option("--service-level", service_level, "target fraction answered within target")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  erlang
      ->add_option("--patience", patience,
                   "callers' mean patience (e.g. 300s): Erlang A, callers hang up")
      ->check(kDuration);
  erlang->add_flag("--json", as_json, "print JSON");

  std::string control = "tcp://127.0.0.1:5571";
  double timeout_seconds = 3;
  auto* top = app.add_subcommand(
      "top", "live table of the floor: a row per queue, then per queue group (groups:)");
  double interval = 1;
  bool once = false;
  top->add_option("--control", control, kControlHelp)->capture_default_str();
  top->add_option("--interval", interval, "refresh every N seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  top->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  top->add_flag("--once", once, "print once and exit");

  auto* status = app.add_subcommand("status", "daemon identity, uptime and collector streams");
  status->add_option("--control", control, kControlHelp)->capture_default_str();
  status->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  status->add_flag("--json", as_json, "print the raw JSON reply");

  auto* alerts =
      app.add_subcommand("alerts", "alerts pending, firing and acknowledged (and resolved)");
  bool with_resolved = false;
  alerts->add_option("--control", control, kControlHelp)->capture_default_str();
  alerts->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  alerts->add_flag("--resolved", with_resolved, "also list resolved alerts");
  alerts->add_flag("--json", as_json, "print the raw JSON reply");

  auto* ack = app.add_subcommand("ack", "acknowledge an alert: stops its escalation");
  std::string alert_id, by, comment;
  ack->add_option("id", alert_id, "alert id (from floorwatchctl alerts)")->required();
  ack->add_option("--by", by,
                  "who takes ownership (recorded and sent to notified tiers); with CURVE the "
                  "daemon records the key's name");
  ack->add_option("--comment", comment, "free text, e.g. \"calling in two agents\"");
  ack->add_option("--control", control, kControlHelp)->capture_default_str();
  ack->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* callbacks =
      app.add_subcommand("callbacks", "open call-backs: callers who hung up, not yet called back");
  callbacks->add_option("--control", control, kControlHelp)->capture_default_str();
  callbacks->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  callbacks->add_flag("--json", as_json, "print the raw JSON reply");

  auto* callback = app.add_subcommand("callback", "close an open call-back");
  callback->require_subcommand(1);
  auto* callback_done = callback->add_subcommand("done", "the caller was called back");
  std::uint64_t callback_id = 0;
  callback_done->add_option("id", callback_id, "call-back id (from floorwatchctl callbacks)")
      ->required()
      ->check(CLI::PositiveNumber);
  callback_done->add_option(
      "--by", by,
      "who called the caller back (recorded); with CURVE the daemon records the key's name");
  callback_done->add_option("--control", control, kControlHelp)->capture_default_str();
  callback_done->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* report = app.add_subcommand(
      "report", "interval history: one row per queue per interval, with totals per queue");
  std::string report_from, report_to, report_queue, report_format;
  bool as_csv = false, report_forecast = false, report_agents = false;
  report->add_option("--from", report_from,
                     "first day YYYY-MM-DD or local time YYYY-MM-DDTHH:MM (site time zone), or "
                     "epoch ms (required but with --agents)");
  report->add_option("--to", report_to,
                     "last day YYYY-MM-DD (included), or local time / epoch ms (excluded)");
  auto* agents_flag = report->add_flag(
      "--agents", report_agents,
      "today per agent: calls handled, AHT, occupancy, time paused by reason (live, no history)");
  report->add_option("--format", report_format, "table (default), csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  report->get_option("--from")->excludes(agents_flag);
  report->get_option("--to")->excludes(agents_flag);
  report->add_option("--queue", report_queue, "only this queue");
  report->add_flag("--forecast", report_forecast,
                   "forecast vs actual offered calls per interval, with the MAPE per queue");
  auto* report_csv = report->add_flag("--csv", as_csv, "CSV with a header row (spreadsheets)");
  report->add_flag("--json", as_json, "print the raw JSON reply")->excludes(report_csv);
  report->add_option("--control", control, kControlHelp)->capture_default_str();
  report->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  auto* keygen = app.add_subcommand(
      "keygen", "make a CURVE key pair: DIR/NAME.key (public) and DIR/NAME.key_secret (0600)");
  std::string key_name, key_dir = ".";
  keygen
      ->add_option("name", key_name, "the key's name (what the daemon records, e.g. by of an ack)")
      ->required();
  keygen->add_option("--dir", key_dir, "where to write the two files")->capture_default_str();

  // Every subcommand that talks to the daemon takes the same CURVE keys (docs/security.md).
  std::string curve_server_key, curve_key;
  for (CLI::App* command : {top, status, alerts, ack, report, callbacks, callback_done}) {
    command->add_option("--curve-server-key", curve_server_key,
                        "the daemon's public certificate (NAME.key): turns CURVE on; a list "
                        "when the daemons of a pair have their own keys");
    command->add_option("--curve-key", curve_key,
                        "this client's secret certificate (NAME.key_secret)");
  }

  CLI11_PARSE(app, argc, argv);
  const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));

  if (keygen->parsed()) {
    try {
      const auto paths = floorwatch::security::write_key_files(
          floorwatch::security::generate_key_pair(), key_dir, key_name);
      std::cout << "public key (share, authorize): " << paths.public_file.string() << "\n"
                << "secret key (keep, mode 0600):  " << paths.secret_file.string() << "\n";
      return 0;
    } catch (const std::exception& error) {
      std::cerr << "floorwatchctl keygen: " << error.what() << "\n";
      return 1;
    }
  }
  std::vector<floorwatch::ctl::ControlEndpoint> daemons;
  try {
    daemons = control_endpoints(control, curve_server_key, curve_key);
  } catch (const floorwatch::security::KeyFileError& error) {
    std::cerr << "floorwatchctl: " << error.what() << "\n";
    return 2;
  }
  const auto ask = [&](const nlohmann::json& request) {
    return floorwatch::ctl::control_request(daemons, request, timeout, kPartnerAfter);
  };
  if (ack->parsed() && by.empty() && (daemons.empty() || !daemons.front().security.curve())) {
    std::cerr << "floorwatchctl ack: --by NAME is required (with CURVE keys the daemon records "
                 "the key's name)\n";
    return 2;
  }

  if (callback_done->parsed() && by.empty() &&
      (daemons.empty() || !daemons.front().security.curve())) {
    std::cerr << "floorwatchctl callback done: --by NAME is required (with CURVE keys the daemon "
                 "records the key's name)\n";
    return 2;
  }

  try {
    if (erlang->parsed()) {
      floorwatch::ctl::ErlangRequest request;
      request.workload.calls = calls;
      request.workload.period_seconds = seconds_of(period);
      request.workload.handle_time_seconds = seconds_of(aht);
      request.answer_target_seconds = seconds_of(answer_target);
      request.service_level_target = service_level;
      if (request.workload.period_seconds <= 0) {
        std::cerr << "--period must be longer than 0\n";
        return 2;
      }
      if (!patience.empty()) request.patience_seconds = seconds_of(patience);
      if (request.patience_seconds && *request.patience_seconds <= 0) {
        std::cerr << "--patience must be longer than 0\n";
        return 2;
      }
      nlohmann::json table;
      try {
        table = floorwatch::ctl::erlang_table(request);
      } catch (const std::invalid_argument& error) {  // Erlang A: an AHT of 0, patience of years
        std::cerr << "floorwatchctl erlang: " << error.what() << "\n";
        return 2;
      }
      std::cout << (as_json ? table.dump(2) + "\n" : floorwatch::ctl::format_erlang_table(table));
      return 0;
    }
    if (status->parsed()) {
      const auto reply = ask({{"command", "status"}});
      std::cout << (as_json ? reply.dump(2) + "\n" : floorwatch::ctl::format_status(reply));
      return 0;
    }
    if (alerts->parsed()) {
      const auto reply = ask({{"command", "alerts"}});
      std::cout << (as_json ? reply.dump(2) + "\n"
                            : floorwatch::ctl::format_alerts(reply, with_resolved));
      return 0;
    }
    if (ack->parsed()) {
      nlohmann::json request{{"command", "ack"}, {"id", alert_id}, {"comment", comment}};
      if (!by.empty()) request["by"] = by;
      const auto reply = ask(request);
      // The daemon says who it recorded (with CURVE: the key's name).
      const auto acknowledged = reply.value("acknowledged", nlohmann::json::object());
      const std::string recorded_by =
          acknowledged.is_object() ? acknowledged.value("acknowledged_by", by) : by;
      std::cout << "alert " << alert_id << " acknowledged by " << recorded_by << "\n";
      return 0;
    }
    if (callbacks->parsed()) {
      const auto reply = ask({{"command", "callbacks"}});
      std::cout << (as_json ? reply.dump(2) + "\n" : floorwatch::ctl::format_callbacks(reply));
      return 0;
    }
    if (callback_done->parsed()) {
      nlohmann::json request{{"command", "callback_done"}, {"id", callback_id}};
      if (!by.empty()) request["by"] = by;
      const auto reply = ask(request);
      const auto done = reply.value("called_back", nlohmann::json::object());
      if (reply.contains("warning")) std::cerr << "warning: " << reply["warning"] << "\n";
      std::cout << "call-back " << callback_id << " (" << done.value("caller", "?") << ") done by "
                << done.value("by", by) << "\n";
      return 0;
    }
    if (report->parsed() && report_agents) {
      const auto reply = ask({{"command", "agents"}});
      const std::string format = !report_format.empty() ? report_format
                                 : as_json              ? "json"
                                 : as_csv               ? "csv"
                                                        : "table";
      if (format == "json")
        std::cout << reply.dump(2) << "\n";
      else if (format == "csv")
        std::cout << floorwatch::ctl::format_agents_report_csv(reply);
      else
        std::cout << floorwatch::ctl::format_agents_report_table(reply);
      return 0;
    }
    if (report->parsed()) {
      if (report_format == "csv") as_csv = true;
      if (report_format == "json") as_json = true;
      if (report_from.empty() || report_to.empty()) {
        std::cerr << "floorwatchctl report: --from and --to are required (or --agents)\n";
        return 2;
      }
      // Check the shape here so a typo names its option; the daemon resolves the time zone.
      for (const auto& [option, text] : {std::pair{"--from", report_from}, {"--to", report_to}}) {
        if (!floorwatch::daemon::parse_report_time(text)) {
          std::cerr << "floorwatchctl report: " << option << ": expected "
                    << floorwatch::daemon::kReportTimeFormats << ", got \"" << text << "\"\n";
          return 2;
        }
      }
      nlohmann::json request{{"command", "report"}, {"from", report_from}, {"to", report_to}};
      if (!report_queue.empty()) request["queue"] = report_queue;
      if (report_forecast) request["forecast"] = true;
      const auto reply = ask(request);
      if (as_json)
        std::cout << reply.dump(2) << "\n";
      else if (report_forecast)
        std::cout << (as_csv ? floorwatch::ctl::format_forecast_report_csv(reply)
                             : floorwatch::ctl::format_forecast_report_table(reply));
      else if (as_csv)
        std::cout << floorwatch::ctl::format_report_csv(reply);
      else
        std::cout << floorwatch::ctl::format_report_table(reply);
      return 0;
    }
    if (top->parsed()) {
      while (true) {
        const auto snapshot = ask({{"command", "snapshot"}});
        // ANSI: cursor home + clear screen, so the table redraws in place.
        if (!once) std::cout << "\x1b[H\x1b[2J";
        std::cout << floorwatch::ctl::render_top(snapshot) << std::flush;
        if (once) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(interval * 1000)));
      }
    }
  } catch (const floorwatch::ctl::ControlError& error) {
    std::cerr << "floorwatchctl: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
