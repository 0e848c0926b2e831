// floorwatchd's config file: what an operator writes, and how a mistake is reported
// (FILE:LINE: key: problem, exit status 2).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "daemon/config.h"
#include "support/binaries.h"
#include "support/process.h"
#include "support/temp_dir.h"

using floorwatch::daemon::ConfigError;
using floorwatch::daemon::parse_config;
using namespace std::chrono_literals;

namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "site.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("an empty config gives the documented defaults", "[daemon][config]") {
  const auto config = parse_config("", "empty.yaml");
  CHECK(config.site == "default");
  CHECK(config.daemon_id == floorwatch::daemon::host_name());
  CHECK(config.ingest_bind == "tcp://127.0.0.1:5570");
  CHECK(config.control_bind == "tcp://127.0.0.1:5571");
  CHECK(config.metrics_listen == "127.0.0.1:9464");
  CHECK(config.floor.time_zone == "UTC");
  CHECK(config.floor.day_start_minutes == 0);
  CHECK(config.floor.interval_minutes == 30);
  CHECK(config.floor.defaults.answer_target == std::chrono::seconds(90));
  CHECK(config.floor.defaults.service_level_target == 0.80);
  CHECK(config.floor.defaults.short_abandon == std::chrono::seconds(5));
  CHECK(config.floor.defaults.formula ==
        floorwatch::core::ServiceLevelFormula::ShortAbandonsExcluded);
  CHECK(config.floor.queues.empty());
}

TEST_CASE("queues fall back to defaults key by key, whatever the key order", "[daemon][config]") {
  // queues: before defaults: on purpose; a queue must still inherit the site defaults.
  const auto config = parse_config(R"(
site: stockholm
daemon_id: fw-a
timezone: Europe/Stockholm
day_starts_at: "06:30"
interval_minutes: 15
queues:
  billing:
    answer_target_seconds: 20
    service_level_formula: answered_only
  sales: {}
  support:
defaults:
  answer_target_seconds: 60
  service_level_target: 0.9
  channel: chat
)",
                                   "site.yaml");
  CHECK(config.site == "stockholm");
  CHECK(config.daemon_id == "fw-a");
  CHECK(config.floor.time_zone == "Europe/Stockholm");
  CHECK(config.floor.day_start_minutes == 6 * 60 + 30);
  CHECK(config.floor.interval_minutes == 15);
  REQUIRE(config.floor.queues.size() == 3);
  const auto& billing = config.floor.queues.at("billing");
  CHECK(billing.answer_target == std::chrono::seconds(20));                       // its own
  CHECK(billing.formula == floorwatch::core::ServiceLevelFormula::AnsweredOnly);  // its own
  CHECK(billing.service_level_target == 0.9);                                     // from defaults
  CHECK(billing.channel == floorwatch::core::Channel::Chat);                      // from defaults
  CHECK(config.floor.queues.at("sales").answer_target == std::chrono::seconds(60));
  CHECK(config.floor.queues.at("support").service_level_target == 0.9);
}

TEST_CASE("the example config in config/ loads", "[daemon][config]") {
  const auto config = floorwatch::daemon::load_config(std::string(FLOORWATCH_SOURCE_DIR) +
                                                      "/config/floorwatch.yaml");
  REQUIRE(config.floor.queues.count("billing") == 1);
  // The example documents billing as Asterisk-style answered-only 20 s.
  CHECK(config.floor.queues.at("billing").formula ==
        floorwatch::core::ServiceLevelFormula::AnsweredOnly);
  CHECK(config.floor.queues.at("billing").answer_target == std::chrono::seconds(20));
  CHECK(config.floor.queues.count("sales") == 1);
  CHECK(config.floor.queues.count("support") == 1);
}

TEST_CASE("every config mistake names the file, the 1-based line and the key", "[daemon][config]") {
  // Line numbers counted by hand in each snippet (the first line is line 1).
  auto [yaml, expected_prefix, expected_words] =
      GENERATE(table<std::string, std::string, std::string>({
          {"site: a\nsiet: b\n", "site.yaml:2: siet:", "unknown key"},
          {"queues:\n  sales:\n    answer_target: 20\n",
           "site.yaml:3: queues.sales.answer_target:", "unknown key"},
          {"queues:\n  sales:\n    service_level_formula: asterisk\n",
           "site.yaml:3: queues.sales.service_level_formula:", "unknown formula \"asterisk\""},
          {"site: x\ntimezone: Mars/Olympus_Mons\n", "site.yaml:2: timezone:", "Mars/Olympus_Mons"},
          {"defaults:\n  answer_target_seconds: twenty\n",
           "site.yaml:2: defaults.answer_target_seconds:", "expected a number"},
          {"defaults:\n  service_level_target: 80\n",
           "site.yaml:2: defaults.service_level_target:", "(0, 1]"},
          {"defaults:\n  short_abandon_seconds: -1\n",
           "site.yaml:2: defaults.short_abandon_seconds:", "negative"},
          // Found by the config fuzz target: 3.7e36 s overflowed the millisecond duration.
          {"queues:\n  sales:\n    answer_target_seconds: 3.7e36\n",
           "site.yaml:3: queues.sales.answer_target_seconds:", "at most 86400"},
          {"defaults:\n  short_abandon_seconds: 1e300\n",
           "site.yaml:2: defaults.short_abandon_seconds:", "at most 86400"},
          {"interval_minutes: 7\n", "site.yaml:1: interval_minutes:", "divide a day"},
          {"day_starts_at: \"25:00\"\n", "site.yaml:1: day_starts_at:", "HH:MM"},
          {"metrics:\n  listen: localhost\n", "site.yaml:2: metrics.listen:", "HOST:PORT"},
          {"ingest:\n  bind: 127.0.0.1:5570\n", "site.yaml:2: ingest.bind:", "ZeroMQ endpoint"},
          {"queues:\n  sales:\n    channel: fax\n", "site.yaml:3: queues.sales.channel:", "fax"},
          {"site: [a, b]\n", "site.yaml:1: site:", "expected a string"},
          {"agents: [anna]\n", "site.yaml:1: agents:", "mapping of agent ids to names"},
          {"agents:\n  SIP/2503: \"\"\n", "site.yaml:2: agents.SIP/2503:", "must not be empty"},
          {"queues: [sales]\n", "site.yaml:1: queues:", "mapping"},
          {"site: [unclosed\n", "site.yaml:", "(syntax)"},
          {"callbacks:\n  max_open: 0\n", "site.yaml:2: callbacks.max_open:", "1..100000"},
          {"callbacks:\n  max_open: lots\n", "site.yaml:2: callbacks.max_open:", "lots"},
          {"callbacks:\n  max_open: 1000001\n", "site.yaml:2: callbacks.max_open:", "1..100000"},
          {"callbacks:\n  max_opne: 5\n", "site.yaml:2: callbacks.max_opne:", "unknown key"},
      }));
  const std::string message = error_of(yaml);
  INFO("yaml:\n" << yaml << "message: " << message);
  CHECK(message.rfind(expected_prefix, 0) == 0);
  CHECK(message.find(expected_words) != std::string::npos);
}

TEST_CASE("callbacks.max_open bounds the open call-backs; 1,000 by default",
          "[daemon][config][callbacks]") {
  CHECK(parse_config("site: a\n", "site.yaml").floor.callbacks_max_open == 1000);
  CHECK(parse_config("callbacks:\n  max_open: 250\n", "site.yaml").floor.callbacks_max_open == 250);
}

TEST_CASE("agents: maps agent ids to the names people know", "[daemon][config][agents]") {
  const auto config = floorwatch::daemon::parse_config(
      "agents:\n  \"SIP/2503\": Maria Lopez\n  agent-007: James\n", "site.yaml");
  CHECK(config.floor.agent_names ==
        std::map<std::string, std::string>{{"SIP/2503", "Maria Lopez"}, {"agent-007", "James"}});
}

TEST_CASE("a missing config file is a ConfigError naming it", "[daemon][config]") {
  CHECK_THROWS_WITH(floorwatch::daemon::load_config("/nonexistent/floorwatch.yaml"),
                    Catch::Contains("/nonexistent/floorwatch.yaml"));
}

TEST_CASE("floorwatchd exits with status 2 and prints FILE:LINE on a bad config",
          "[daemon][config][process]") {
  const std::string& binary = floorwatch::test::daemon_binary();
  REQUIRE(std::filesystem::exists(binary));
  const floorwatch::test::TempDir dir;
  const std::string path =
      dir.write("bad.yaml", "site: test\nqueues:\n  sales:\n    service_level_formula: nope\n");
  auto [status, output] = floorwatch::test::run_command({binary, "--config", path}, 10s);
  INFO(output);
  CHECK(status == 2);
  CHECK(output.find(path + ":4: queues.sales.service_level_formula:") != std::string::npos);
}

// security.curve (docs/security.md)

TEST_CASE("without security: the daemon is plaintext", "[daemon][config][security]") {
  CHECK_FALSE(parse_config("site: s\n", "site.yaml").security.curve());
}

TEST_CASE("security.curve names the daemon's secret key and the authorized keys",
          "[daemon][config][security]") {
  const auto config = parse_config(R"(
security:
  curve:
    secret_key_file: /etc/floorwatch/keys/floorwatchd.key_secret
    authorized_keys: /etc/floorwatch/authorized
)",
                                   "site.yaml");
  CHECK(config.security.curve());
  CHECK(config.security.curve_secret_key_file == "/etc/floorwatch/keys/floorwatchd.key_secret");
  CHECK(config.security.curve_authorized_keys == "/etc/floorwatch/authorized");
}

TEST_CASE("half a CURVE setup is an error naming the missing key", "[daemon][config][security]") {
  CHECK_THAT(error_of("security:\n  curve:\n    secret_key_file: d.key_secret\n"),
             Catch::StartsWith("site.yaml:3: security.curve.authorized_keys: required with CURVE"));
  CHECK_THAT(error_of("security:\n  curve:\n    authorized_keys: keys/\n"),
             Catch::StartsWith("site.yaml:3: security.curve.secret_key_file: required with CURVE"));
  CHECK_THAT(error_of("security:\n  curve:\n    secret_key: x\n"),
             Catch::StartsWith("site.yaml:3: security.curve.secret_key") &&
                 Catch::Contains("authorized_keys"));
  CHECK_THAT(error_of("security:\n  tls: {}\n"), Catch::StartsWith("site.yaml:2: security.tls"));
}

TEST_CASE("ha: names the partner daemon; without it the daemon runs alone",
          "[daemon][config][ha]") {
  CHECK_FALSE(parse_config("site: s\n", "site.yaml").ha.enabled());
  const auto config =
      parse_config("ha:\n  peer: tcp://fw-b:5571\n  peer_key_file: /etc/floorwatch/keys/fw-b.key\n",
                   "site.yaml");
  CHECK(config.ha.enabled());
  CHECK(config.ha.peer == "tcp://fw-b:5571");
  CHECK(config.ha.peer_key_file == "/etc/floorwatch/keys/fw-b.key");
  CHECK(error_of("ha:\n  pier: tcp://fw-b:5571\n").rfind("site.yaml:2: ha.pier: unknown key", 0) ==
        0);
  CHECK(error_of("ha:\n  peer_key_file: k\n").find("ha.peer: is required") != std::string::npos);
}
