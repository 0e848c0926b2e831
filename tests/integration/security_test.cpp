// CURVE end to end with the real programs: keys from `floorwatchctl keygen`, a floorwatchd that
// admits only the listed keys, collectors and floorwatchctl with and without the right key, an
// ack recorded under the key's name, and every refusal counted in /metrics.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "integration/floor_fixture.h"
#include "support/board_model_wait.h"
#include "support/closed_port.h"
#include "support/wait.h"

#ifdef FLOORWATCH_HAVE_WALLBOARD
#include "security/socket_security.h"
#include "wallboard/feed_client.h"
#endif

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

/// Keys made with the real `floorwatchctl keygen` in DIR/keys; listed ones are copied into
/// DIR/authorized (the daemon's authorized_keys directory).
class KeyRing {
 public:
  explicit KeyRing(const TempDir& dir)
      : keys_(dir.file("keys")), authorized_(dir.file("authorized")) {
    std::filesystem::create_directories(authorized_);
  }
  void make(const std::string& name, bool authorized) {
    auto [status, output] =
        run_command({ctl_binary(), "keygen", name, "--dir", keys_.string()}, 10s);
    INFO(output);
    REQUIRE(status == 0);
    if (authorized) std::filesystem::copy_file(public_key(name), authorized_ / (name + ".key"));
  }
  std::string public_key(const std::string& name) const {
    return (keys_ / (name + ".key")).string();
  }
  std::string secret_key(const std::string& name) const {
    return (keys_ / (name + ".key_secret")).string();
  }
  std::string authorized() const { return authorized_.string(); }
  /// The collector / floorwatchctl options for key `name` against the daemon keyed `server`.
  std::vector<std::string> options(const std::string& name,
                                   const std::string& server = "daemon") const {
    return {"--curve-server-key", public_key(server), "--curve-key", secret_key(name)};
  }

 private:
  std::filesystem::path keys_;
  std::filesystem::path authorized_;
};

std::vector<std::string> concat(std::vector<std::string> first,
                                const std::vector<std::string>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

std::string curve_config(const KeyRing& keys, const std::string& daemon_key = "daemon") {
  return "security:\n  curve:\n    secret_key_file: " + keys.secret_key(daemon_key) +
         "\n    authorized_keys: " + keys.authorized() +
         "\nqueues:\n  support: {}\n"
         "alerts:\n  rules:\n    - name: CallersWaiting\n      expr: calls_waiting > 0\n"
         "      severity: warning\n";
}

double refused(const std::vector<Sample>& samples, const std::string& socket,
               const std::string& reason) {
  return find_sample(samples, "floorwatch_connections_refused_total",
                     {{"socket", socket}, {"reason", reason}})
      .value_or(-1);
}

// A plaintext client counts as `plaintext` when the daemon notices the mismatch first and as
// `bad_handshake` when the client does and hangs up (a race inside the ZMTP greeting).
double refused_plaintext(const std::vector<Sample>& samples, const std::string& socket) {
  return refused(samples, socket, "plaintext") + refused(samples, socket, "bad_handshake");
}

// Scrapes until `condition` holds: refusals are counted on the daemon's ZAP thread.
template <typename Condition>
std::vector<Sample> scrape_until(RunningDaemon& daemon, Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::vector<Sample> samples = daemon.scrape();
  while (!condition(samples) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    samples = daemon.scrape();
  }
  return samples;
}

std::string event_line(const std::string& call) {
  return R"({"ts":1795510800000,"type":"call_enqueued","call":")" + call +
         R"(","queue":"support"})"
         "\n";
}

}  // namespace

TEST_CASE("with CURVE only listed keys deliver events; unknown keys and plaintext are refused",
          "[integration][security]") {
  TempDir dir;
  KeyRing keys(dir);
  keys.make("daemon", false);
  keys.make("pbx-collector", true);
  keys.make("intruder", false);
  RunningDaemon daemon(dir, curve_config(keys));
  const auto file = dir.write("one.jsonl", event_line("c1"));

  auto [status, output] =
      run_command(concat({collector_binary(), "jsonl", "--endpoint", daemon.ingest(), "--file",
                          file, "--source-id", "pbx"},
                         keys.options("pbx-collector")),
                  30s);
  INFO(output);
  REQUIRE(status == 0);

  // Both give up after 2 s without an ack: nothing of theirs reached the floor.
  auto [intruder_status, intruder_output] =
      run_command(concat({collector_binary(), "jsonl", "--endpoint", daemon.ingest(), "--file",
                          file, "--source-id", "intruder", "--wait", "2"},
                         keys.options("intruder")),
                  30s);
  CHECK(intruder_status == 1);
  auto [plain_status, plain_output] =
      run_command({collector_binary(), "jsonl", "--endpoint", daemon.ingest(), "--file", file,
                   "--source-id", "plain", "--wait", "2"},
                  30s);
  CHECK(plain_status == 1);

  const auto samples = scrape_until(daemon, [](const auto& s) {
    return refused(s, "ingest", "unknown_key") >= 1 && refused_plaintext(s, "ingest") >= 1;
  });
  INFO(daemon.process().output());
  CHECK(find_sample(samples, "floorwatch_events_received_total", {{"source", "pbx"}}) == 1);
  CHECK_FALSE(find_sample(samples, "floorwatch_events_received_total", {{"source", "intruder"}}));
  CHECK_FALSE(find_sample(samples, "floorwatch_events_received_total", {{"source", "plain"}}));
  CHECK(refused(samples, "ingest", "unknown_key") >= 1);
  CHECK(refused_plaintext(samples, "ingest") >= 1);
  CHECK(refused(samples, "control", "unknown_key") == 0);  // every series exists from the start
  CHECK(find_sample(samples, "floorwatch_queue_calls_waiting", {{"queue", "support"}}) == 1);
  // The log names the refused key, so an operator can authorize it or hunt it down.
  CHECK_THAT(daemon.process().output(),
             Catch::Contains("connection refused socket=ingest reason=unknown_key"));
  CHECK_THAT(daemon.process().output(), Catch::Contains("security: CURVE on every socket"));
  CHECK(promtool_check(dir, daemon.scrape_text()).first == 0);
}

TEST_CASE("floorwatchctl needs a listed key, and an ack over CURVE records the key's name",
          "[integration][security]") {
  TempDir dir;
  KeyRing keys(dir);
  keys.make("daemon", false);
  keys.make("pbx-collector", true);
  keys.make("maria", true);
  keys.make("intruder", false);
  RunningDaemon daemon(dir, curve_config(keys));

  auto [status, status_output] = run_command(
      concat({ctl_binary(), "status", "--control", daemon.control()}, keys.options("maria")), 10s);
  INFO(status_output);
  CHECK(status == 0);
  CHECK_THAT(status_output, Catch::Contains("site:    testsite"));

  // Refused at the handshake: said at once and in words, not after the 3 s timeout.
  const auto started = std::chrono::steady_clock::now();
  auto [intruder_status, intruder_output] = run_command(
      concat({ctl_binary(), "status", "--control", daemon.control()}, keys.options("intruder")),
      10s);
  CHECK(intruder_status == 1);
  CHECK_THAT(intruder_output, Catch::Contains("refused this client's CURVE key"));
  CHECK(std::chrono::steady_clock::now() - started < 2500ms);
  auto [plain_status, plain_output] =
      run_command({ctl_binary(), "status", "--control", daemon.control()}, 10s);
  CHECK(plain_status == 1);
  CHECK_THAT(plain_output, Catch::Contains("security mismatch"));

  // One caller waiting fires the alert.
  const auto file = dir.write("one.jsonl", event_line("c1"));
  REQUIRE(run_command(concat({collector_binary(), "jsonl", "--endpoint", daemon.ingest(), "--file",
                              file, "--source-id", "pbx"},
                             keys.options("pbx-collector")),
                      30s)
              .first == 0);
  // The rule is evaluated just after the batch is acked (at most 20 ms later): poll briefly.
  nlohmann::json listed;
  std::string list_output;
  const auto list_deadline = std::chrono::steady_clock::now() + 10s;
  do {
    auto [list_status, output] =
        run_command(concat({ctl_binary(), "alerts", "--json", "--control", daemon.control()},
                           keys.options("maria")),
                    10s);
    list_output = output;
    REQUIRE(list_status == 0);
    listed = nlohmann::json::parse(list_output);
  } while (listed["alerts"].empty() && std::chrono::steady_clock::now() < list_deadline);
  INFO(list_output);
  REQUIRE(listed["alerts"].size() == 1);
  const std::string id = std::to_string(listed["alerts"][0]["id"].get<long>());

  // Maria's key cannot sign as someone else...
  auto [forged_status, forged_output] = run_command(
      concat({ctl_binary(), "ack", id, "--by", "the-boss", "--control", daemon.control()},
             keys.options("maria")),
      10s);
  CHECK(forged_status == 1);
  CHECK_THAT(forged_output, Catch::Contains("not this client's CURVE key name \\\"maria\\\""));
  // ...and without --by the daemon records her key's name.
  auto [ack_status, ack_output] = run_command(
      concat({ctl_binary(), "ack", id, "--comment", "on it", "--control", daemon.control()},
             keys.options("maria")),
      10s);
  INFO(ack_output);
  REQUIRE(ack_status == 0);
  CHECK_THAT(ack_output, Catch::Contains("acknowledged by maria"));
  auto [after_status, after_output] =
      run_command(concat({ctl_binary(), "alerts", "--json", "--control", daemon.control()},
                         keys.options("maria")),
                  10s);
  const auto after = nlohmann::json::parse(after_output);
  CHECK(after["alerts"][0]["acknowledged_by"] == "maria");

  const auto samples = scrape_until(daemon, [](const auto& s) {
    return refused(s, "control", "unknown_key") >= 1 && refused_plaintext(s, "control") >= 1;
  });
  CHECK(refused(samples, "control", "unknown_key") >= 1);
  CHECK(refused_plaintext(samples, "control") >= 1);
}

TEST_CASE(
    "a refused collector gets through on its own once its key is listed and the daemon "
    "restarted: every event once",
    "[integration][security]") {
  TempDir dir;
  KeyRing keys(dir);
  keys.make("daemon", false);
  keys.make("pbx-collector", false);  // the operator forgot to list it
  keys.make("maria", true);
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(closed_port());
  auto first_daemon = std::make_unique<RunningDaemon>(dir, curve_config(keys), "event", endpoint);

  std::string lines;
  for (int i = 1; i <= 50; ++i) lines += event_line("c" + std::to_string(i));
  const auto file = dir.write("calls.jsonl", lines);
  ChildProcess collector(
      concat({collector_binary(), "jsonl", "--endpoint", endpoint, "--file", file, "--source-id",
              "pbx", "--spool-dir", dir.file("spool"), "--wait", "120"},
             keys.options("pbx-collector")));
  INFO(collector.output());
  REQUIRE(collector.wait_for(
      "connection refused: the daemon refused this collector's CURVE key \\(ZAP status 400\\)",
      20s));
  const auto refused_samples = scrape_until(
      *first_daemon, [](const auto& s) { return refused(s, "ingest", "unknown_key") >= 1; });
  CHECK(refused(refused_samples, "ingest", "unknown_key") >= 1);
  CHECK_FALSE(
      find_sample(refused_samples, "floorwatch_events_received_total", {{"source", "pbx"}}));

  // The operator lists the key and restarts the daemon; the collector is left alone.
  first_daemon->process().signal(SIGTERM);
  REQUIRE(first_daemon->process().wait_exit(20s));
  first_daemon.reset();
  std::filesystem::copy_file(keys.public_key("pbx-collector"),
                             std::filesystem::path(keys.authorized()) / "pbx-collector.key");
  RunningDaemon second_daemon(dir, curve_config(keys), "event", endpoint);
  INFO(second_daemon.process().output());
  // The jsonl collector exits 0 only once the daemon acknowledged all 50 events.
  REQUIRE(collector.wait_exit(60s) == 0);

  const auto samples = second_daemon.scrape();
  CHECK(find_sample(samples, "floorwatch_events_received_total", {{"source", "pbx"}}) == 50);
  CHECK(find_sample(samples, "floorwatch_queue_calls_waiting", {{"queue", "support"}}) == 50);
  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "duplicate_call"}}) ==
        0);
  auto [status, status_output] =
      run_command(concat({ctl_binary(), "status", "--control", second_daemon.control(), "--json"},
                         keys.options("maria")),
                  10s);
  INFO(status_output);
  REQUIRE(status == 0);
  const auto streams = nlohmann::json::parse(status_output).at("streams");
  REQUIRE(streams.size() == 1);
  CHECK(streams[0].at("source") == "pbx");
  CHECK(streams[0].at("applied_seq") == 50);
  // Said once per refusal streak, then that it is over.
  const std::string log = collector.output();
  const std::regex refusal_line("connection refused");
  CHECK(std::distance(std::sregex_iterator(log.begin(), log.end(), refusal_line),
                      std::sregex_iterator()) == 1);
  CHECK_THAT(log, Catch::Contains("the daemon accepted the connection after"));
}

TEST_CASE("without CURVE, sockets reachable from the network are warned about",
          "[integration][security]") {
  TempDir dir;
  // Ingest on every interface, the rest on loopback: only ingest is a risk.
  RunningDaemon daemon(dir, "queues:\n  support: {}\n", "event", "tcp://0.0.0.0:*");
  const std::string log = daemon.process().output();
  CHECK_THAT(log, Catch::Contains("ingest socket tcp://0.0.0.0:* is PLAINTEXT and reachable"));
  CHECK_THAT(log, !Catch::Contains("control socket"));
  // The plaintext demo still works on loopback.
  const auto file = dir.write("one.jsonl", event_line("c1"));
  const std::string port = daemon.ingest().substr(daemon.ingest().rfind(':'));
  CHECK(send_jsonl("tcp://127.0.0.1" + port, file).first == 0);
}

#ifdef FLOORWATCH_HAVE_WALLBOARD
TEST_CASE("a board with a listed key follows the CURVE feed and acks under its key name",
          "[integration][security][wallboard]") {
  namespace wallboard = floorwatch::wallboard;
  namespace security = floorwatch::security;
  TempDir dir;
  KeyRing keys(dir);
  keys.make("daemon", false);
  keys.make("pbx-collector", true);
  keys.make("floor-1", true);
  RunningDaemon daemon(dir, curve_config(keys));
  std::smatch match;
  const std::string ready = daemon.process().output();
  REQUIRE(std::regex_search(ready, match, std::regex(R"(feed=(\S+) feed_publish=(\S+))")));
  wallboard::FeedEndpoints endpoints;
  endpoints.snapshot = match[1];
  endpoints.publish = match[2];
  endpoints.control = daemon.control();

  // A plaintext board never gets data; its attempts are counted on both feed sockets.
  wallboard::FeedClient plaintext_board(endpoints, "plain-board");
  endpoints.security =
      security::load_client_security(keys.public_key("daemon"), keys.secret_key("floor-1"));
  wallboard::FeedClient board(endpoints, "board-name-ignored");

  const auto file = dir.write("one.jsonl", event_line("c1"));
  REQUIRE(run_command(concat({collector_binary(), "jsonl", "--endpoint", daemon.ingest(), "--file",
                              file, "--source-id", "pbx"},
                             keys.options("pbx-collector")),
                      30s)
              .first == 0);
  auto model =
      wait_for_model(board, [](const wallboard::BoardModel& m) { return !m.alerts.empty(); });
  REQUIRE(model.feed_state == wallboard::FeedState::Live);
  REQUIRE(model.alerts.size() == 1);

  board.acknowledge(model.alerts[0].id);
  model = wait_for_model(board, [](const wallboard::BoardModel& m) {
    return !m.alerts.empty() && m.alerts[0].acknowledged_by == "floor-1";
  });
  CHECK(model.alerts[0].acknowledged_by == "floor-1");
  CHECK(model.ack_status == "acknowledged " + model.alerts[0].id);

  wallboard::BoardModel plain_model;
  std::uint64_t plain_version = 0;
  plaintext_board.copy_model_if_changed(plain_model, plain_version);
  CHECK(plain_model.feed_state != wallboard::FeedState::Live);
  const auto samples = scrape_until(daemon, [](const auto& s) {
    return refused_plaintext(s, "feed_snapshot") >= 1 && refused_plaintext(s, "feed_publish") >= 1;
  });
  CHECK(refused_plaintext(samples, "feed_snapshot") >= 1);
  CHECK(refused_plaintext(samples, "feed_publish") >= 1);
}
#endif

namespace {

// The alerts `maria` reads on a CURVE daemon keyed `server`, once `done` holds (10 s at most).
template <typename Done>
nlohmann::json alerts_when(const KeyRing& keys, const RunningDaemon& daemon,
                           const std::string& server, Done done) {
  nlohmann::json listed;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    auto [status, output] =
        run_command(concat({ctl_binary(), "alerts", "--json", "--control", daemon.control()},
                           keys.options("maria", server)),
                    10s);
    if (status != 0) throw std::runtime_error(output);
    listed = nlohmann::json::parse(output);
  } while (!done(listed) && std::chrono::steady_clock::now() < deadline);
  return listed;
}

}  // namespace

TEST_CASE("with CURVE an HA pair shares acks and call-back closes over the authenticated link",
          "[integration][security][ha]") {
  TempDir dir, dir_a, dir_b;
  KeyRing keys(dir);
  for (const char* name : {"fw-a", "fw-b", "maria", "pbx"}) keys.make(name, true);
  const int control_a = closed_port(), control_b = closed_port();
  const auto config = [&](const std::string& self, const std::string& partner, int port) {
    return "security:\n  curve:\n    secret_key_file: " + keys.secret_key(self) +
           "\n    authorized_keys: " + keys.authorized() +
           "\nha:\n  peer: tcp://127.0.0.1:" + std::to_string(port) +
           "\n  peer_key_file: " + keys.public_key(partner) +
           "\nqueues:\n  support: {}\n  sales: {}\n"
           "alerts:\n  rules:\n    - name: CallersWaiting\n      expr: calls_waiting > 0\n"
           "      queues: [support]\n";
  };
  RunningDaemon fw_a(dir_a, DaemonIdentity{"testsite", "fw-a", loopback_endpoint(control_a)},
                     config("fw-a", "fw-b", control_b), "event");
  RunningDaemon fw_b(dir_b, DaemonIdentity{"testsite", "fw-b", loopback_endpoint(control_b)},
                     config("fw-b", "fw-a", control_a), "event");
  // c1 waits in support (the alert); +461 hangs up in sales (a call-back on both). Another queue:
  // a rule on plain figures dates its episode by the queue's latest event (docs/ha.md, Limits).
  const auto file = dir.write(
      "one.jsonl",
      event_line("c1") +
          R"({"ts":1795510801000,"type":"call_enqueued","call":"c2","queue":"sales","caller":"+461"})"
          "\n"
          R"({"ts":1795510802000,"type":"call_abandoned","call":"c2"})"
          "\n");
  for (auto* daemon : {&fw_a, &fw_b}) {
    const std::string server = daemon == &fw_a ? "fw-a" : "fw-b";
    REQUIRE(run_command(concat({collector_binary(), "jsonl", "--endpoint", daemon->ingest(),
                                "--file", file, "--source-id", "pbx"},
                               keys.options("pbx", server)),
                        30s)
                .first == 0);
  }
  const auto firing = [](const nlohmann::json& listed) { return !listed["alerts"].empty(); };
  const auto on_a = alerts_when(keys, fw_a, "fw-a", firing);
  REQUIRE(on_a["alerts"].size() == 1);
  auto [ack_status, ack_output] =
      run_command(concat({ctl_binary(), "ack", std::to_string(on_a["alerts"][0]["id"].get<long>()),
                          "--control", fw_a.control()},
                         keys.options("maria", "fw-a")),
                  10s);
  INFO(ack_output);
  REQUIRE(ack_status == 0);

  const auto on_b = alerts_when(keys, fw_b, "fw-b", [](const nlohmann::json& listed) {
    return !listed["alerts"].empty() && listed["alerts"][0]["state"] == "acknowledged";
  });
  INFO(on_b.dump() << "\n" << fw_a.process().output() << "\n" << fw_b.process().output());
  REQUIRE(on_b["alerts"].size() == 1);
  CHECK(on_b["alerts"][0]["acknowledged_by"] == "maria");
  CHECK(on_b["alerts"][0]["fingerprint"] == on_a["alerts"][0]["fingerprint"]);

  // maria calls +461 back and says so on fw-a (her key is the name); fw-b closes it too.
  const auto callbacks = [&](RunningDaemon& daemon, const std::string& server) {
    auto [status, output] =
        run_command(concat({ctl_binary(), "callbacks", "--json", "--control", daemon.control()},
                           keys.options("maria", server)),
                    10s);
    INFO(output);
    REQUIRE(status == 0);
    return nlohmann::json::parse(output);
  };
  const auto open_on_a = callbacks(fw_a, "fw-a");
  REQUIRE(open_on_a["open"] == 1);
  REQUIRE(callbacks(fw_b, "fw-b")["open"] == 1);
  auto [done_status, done_output] =
      run_command(concat({ctl_binary(), "callback", "done",
                          std::to_string(open_on_a["callbacks"][0]["id"].get<long>()), "--control",
                          fw_a.control()},
                         keys.options("maria", "fw-a")),
                  10s);
  INFO(done_output);
  REQUIRE(done_status == 0);
  CHECK(wait_until([&] { return callbacks(fw_b, "fw-b")["open"] == 0; }, 3s));
  CHECK(fw_b.metric("floorwatch_ha_peer_requests_rejected_total",
                    {{"command", "peer_callbacks"}}) == 0);
}

TEST_CASE("an HA pair with a key each: one collector and floorwatchctl reach both daemons",
          "[integration][security][ha]") {
  TempDir dir;
  KeyRing keys(dir);
  keys.make("fw-a", false);
  keys.make("fw-b", false);
  keys.make("pbx-collector", true);
  keys.make("maria", true);
  RunningDaemon fw_a(dir, DaemonIdentity{"testsite", "fw-a"}, curve_config(keys, "fw-a"), "event");
  TempDir dir_b;
  RunningDaemon fw_b(dir_b, DaemonIdentity{"testsite", "fw-b"}, curve_config(keys, "fw-b"),
                     "event");
  const auto file = dir.write("one.jsonl", event_line("c1"));

  // Each --curve-server-key goes with the --endpoint in the same place.
  auto [status, output] =
      run_command({collector_binary(), "jsonl", "--endpoint", fw_a.ingest(), "--curve-server-key",
                   keys.public_key("fw-a"), "--endpoint", fw_b.ingest(), "--curve-server-key",
                   keys.public_key("fw-b"), "--curve-key", keys.secret_key("pbx-collector"),
                   "--file", file, "--source-id", "pbx", "--wait", "20"},
                  30s);
  INFO(output);
  REQUIRE(status == 0);
  for (RunningDaemon* daemon : {&fw_a, &fw_b})
    CHECK(find_sample(daemon->scrape(), "floorwatch_events_received_total", {{"source", "pbx"}}) ==
          1);

  // floorwatchctl with both daemons and both keys; fw-a gone, fw-b answers under its own key.
  fw_a.process().signal(SIGKILL);
  auto [ctl_status, ctl_output] = run_command(
      {ctl_binary(), "status", "--json", "--control", fw_a.control() + "," + fw_b.control(),
       "--curve-server-key", keys.public_key("fw-a") + "," + keys.public_key("fw-b"), "--curve-key",
       keys.secret_key("maria")},
      15s);
  INFO(ctl_output);
  REQUIRE(ctl_status == 0);
  CHECK(nlohmann::json::parse(ctl_output).value("daemon", "") == "fw-b");

  // Three keys for two daemons is a mistake said plainly, before anything is sent.
  auto [bad_status, bad_output] =
      run_command({collector_binary(), "jsonl", "--endpoint", fw_b.ingest(), "--curve-server-key",
                   keys.public_key("fw-a"), "--curve-server-key", keys.public_key("fw-b"),
                   "--curve-key", keys.secret_key("pbx-collector"), "--file", file},
                  10s);
  CHECK(bad_status == 2);
  CHECK(bad_output.find("one per --endpoint") != std::string::npos);
}
