// floorwatchctl: Erlang C staffing calculator, live floor table and daemon status.
// Exit status: 0 success, 1 the daemon did not answer (or answered an error), 2 bad arguments.
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "daemon/ctl/ctl_commands.h"
#include "daemon/ctl/duration.h"
#include "daemon/ctl/top_view.h"

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"floorwatchctl: staffing calculator and floorwatchd control client"};
  app.require_subcommand(1);

  auto* erlang = app.add_subcommand("erlang", "Erlang C: agents needed for a workload");
  double calls = 0;
  std::string period = "30m", aht = "180", answer_target = "20";
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
  erlang->add_flag("--json", as_json, "print JSON");

  std::string control = "tcp://127.0.0.1:5571";
  double timeout_seconds = 3;
  auto* top = app.add_subcommand("top", "live table of the floor");
  double interval = 1;
  bool once = false;
  top->add_option("--control", control, "floorwatchd control endpoint")->capture_default_str();
  top->add_option("--interval", interval, "refresh every N seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  top->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  top->add_flag("--once", once, "print once and exit");

  auto* status = app.add_subcommand("status", "daemon identity, uptime and collector streams");
  status->add_option("--control", control, "floorwatchd control endpoint")->capture_default_str();
  status->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  status->add_flag("--json", as_json, "print the raw JSON reply");

  auto* alerts =
      app.add_subcommand("alerts", "alerts pending, firing and acknowledged (and resolved)");
  bool with_resolved = false;
  alerts->add_option("--control", control, "floorwatchd control endpoint")->capture_default_str();
  alerts->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  alerts->add_flag("--resolved", with_resolved, "also list resolved alerts");
  alerts->add_flag("--json", as_json, "print the raw JSON reply");

  auto* ack = app.add_subcommand("ack", "acknowledge an alert: stops its escalation");
  std::string alert_id, by, comment;
  ack->add_option("id", alert_id, "alert id (from floorwatchctl alerts)")->required();
  ack->add_option("--by", by, "who takes ownership (recorded and sent to notified tiers)")
      ->required();
  ack->add_option("--comment", comment, "free text, e.g. \"calling in two agents\"");
  ack->add_option("--control", control, "floorwatchd control endpoint")->capture_default_str();
  ack->add_option("--timeout", timeout_seconds, "seconds to wait for the daemon")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  CLI11_PARSE(app, argc, argv);
  const auto timeout = std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));

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
      const auto table = floorwatch::ctl::erlang_table(request);
      std::cout << (as_json ? table.dump(2) + "\n" : floorwatch::ctl::format_erlang_table(table));
      return 0;
    }
    if (status->parsed()) {
      const auto reply =
          floorwatch::ctl::control_request(control, {{"command", "status"}}, timeout);
      std::cout << (as_json ? reply.dump(2) + "\n" : floorwatch::ctl::format_status(reply));
      return 0;
    }
    if (alerts->parsed()) {
      const auto reply =
          floorwatch::ctl::control_request(control, {{"command", "alerts"}}, timeout);
      std::cout << (as_json ? reply.dump(2) + "\n"
                            : floorwatch::ctl::format_alerts(reply, with_resolved));
      return 0;
    }
    if (ack->parsed()) {
      const auto reply = floorwatch::ctl::control_request(
          control, {{"command", "ack"}, {"id", alert_id}, {"by", by}, {"comment", comment}},
          timeout);
      std::cout << "alert " << alert_id << " acknowledged by " << by << "\n";
      return 0;
    }
    if (top->parsed()) {
      while (true) {
        const auto snapshot =
            floorwatch::ctl::control_request(control, {{"command", "snapshot"}}, timeout);
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
