// The assembled daemon on loopback with OS-chosen ports: a collector's batch is acked, the
// control socket answers, /metrics passes promtool, and signals stop it cleanly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <zmq.hpp>

#include "daemon/ctl/ctl_commands.h"
#include "daemon/daemon_loop.h"
#include "daemon/journal.h"
#include "floorwatch/v1/ingest.pb.h"
#include "support/binaries.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/prometheus_text.h"
#include "support/promtool.h"
#include "support/temp_dir.h"
#include "wire_codec.h"

using namespace floorwatch;
using namespace std::chrono_literals;

namespace {

daemon::DaemonConfig loopback_config() {
  daemon::DaemonConfig config;
  config.site = "testsite";
  config.daemon_id = "fw-unit";
  config.ingest_bind = "tcp://127.0.0.1:*";
  config.control_bind = "tcp://127.0.0.1:*";
  config.feed_bind = "tcp://127.0.0.1:*";
  config.feed_publish = "tcp://127.0.0.1:*";
  config.metrics_listen = "127.0.0.1:0";
  config.floor.queues["sales"] = core::QueueSettings{};
  return config;
}

int port_of(const std::string& address) {
  return std::stoi(address.substr(address.rfind(':') + 1));
}

// Runs the daemon loop on a thread for the test's lifetime.
class InProcessDaemon {
 public:
  explicit InProcessDaemon(daemon::DaemonConfig config = loopback_config())
      : daemon_(std::move(config), daemon::ClockMode::Event) {
    thread_ = std::thread([this] { daemon_.run(stop_); });
  }
  ~InProcessDaemon() {
    stop_ = true;
    thread_.join();
  }
  daemon::Daemon& operator*() { return daemon_; }
  daemon::Daemon* operator->() { return &daemon_; }

 private:
  daemon::Daemon daemon_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("a batch sent by a DEALER is applied and acked", "[daemon][loop]") {
  InProcessDaemon daemon;
  // `*` and port 0 were resolved to real ports.
  CHECK(daemon->ingest_endpoint().find('*') == std::string::npos);
  CHECK(port_of(daemon->metrics_address()) > 0);

  zmq::context_t context;
  zmq::socket_t collector(context, zmq::socket_type::dealer);
  collector.set(zmq::sockopt::linger, 0);
  collector.connect(daemon->ingest_endpoint());

  wire::Batch batch{"pbx1", 42, {}};
  core::Event event;
  event.type = core::EventType::CallEnqueued;
  event.ts = core::from_epoch_ms(1'795'510'800'000);
  event.call = "c1";
  event.queue = "sales";
  batch.events.push_back({1, event});
  event.call = "c2";
  event.ts += 10s;
  batch.events.push_back({2, event});
  collector.send(zmq::buffer(wire::encode_batch(batch)));
  collector.send(zmq::buffer(std::string("garbage")));  // must not stop anything

  zmq::pollitem_t item{collector.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, 5s);
  REQUIRE(item.revents & ZMQ_POLLIN);
  zmq::message_t reply;
  REQUIRE(collector.recv(reply));
  auto ack = wire::decode_ack(reply.to_string_view());
  REQUIRE(ack);
  CHECK(ack.value().source == "pbx1");
  CHECK(ack.value().session == 42);
  CHECK(ack.value().applied_seq == 2);
  CHECK(ack.value().daemon == "fw-unit");

  const auto status = ctl::control_request(daemon->control_endpoint(), {{"command", "status"}}, 5s);
  CHECK(status["clock"] == "event");
  REQUIRE(status["streams"].size() == 1);
  CHECK(status["streams"][0]["applied_seq"] == 2);

  const auto snapshot =
      ctl::control_request(daemon->control_endpoint(), {{"command", "snapshot"}}, 5s);
  CHECK(snapshot["queues"][0]["calls_waiting"] == 2);

  // The garbage frame is processed after the batch; poll the counter until it shows.
  const int port = port_of(daemon->metrics_address());
  std::optional<double> malformed;
  std::string text;
  for (int attempt = 0; attempt < 50 && malformed != 1.0; ++attempt) {
    text = test::http_get("127.0.0.1", port, "/metrics").body;
    malformed = test::find_sample(test::parse_exposition(text), "floorwatch_events_rejected_total",
                                  {{"reason", "malformed"}});
    if (malformed != 1.0) std::this_thread::sleep_for(20ms);
  }
  INFO(text);
  CHECK(malformed == 1.0);
  const auto samples = test::parse_exposition(text);
  // Event clock: now = c2's time, so c1 has waited 10 s.
  CHECK(test::find_sample(samples, "floorwatch_queue_oldest_wait_seconds", {{"queue", "sales"}}) ==
        Approx(10));
  CHECK(test::find_sample(samples, "floorwatch_events_received_total", {{"source", "pbx1"}}) == 2);
  CHECK(test::find_sample(samples, "floorwatch_source_last_event_timestamp_seconds",
                          {{"source", "pbx1"}}) == Approx(1'795'510'810.0));

  const test::TempDir dir;
  auto [status_code, promtool_output] = test::promtool_check(dir, text);
  INFO(promtool_output);
  CHECK(status_code == 0);
}

TEST_CASE("floorwatchd prints the real endpoints and stops cleanly on SIGTERM and SIGINT",
          "[daemon][process]") {
  const std::string& binary = test::daemon_binary();
  REQUIRE(std::filesystem::exists(binary));
  const test::TempDir dir;
  const std::string path =
      dir.write("ok.yaml",
                "site: t\ndaemon_id: d\ningest:\n  bind: tcp://127.0.0.1:*\n"
                "control:\n  bind: tcp://127.0.0.1:*\nmetrics:\n  listen: 127.0.0.1:0\n"
                "feed:\n  bind: tcp://127.0.0.1:*\n  publish: tcp://127.0.0.1:*\n");
  const int signal_number = GENERATE(SIGTERM, SIGINT);
  test::ChildProcess process({binary, "--config", path});
  auto ready = process.wait_for(
      R"(ready ingest=tcp://127\.0\.0\.1:(\d+) control=tcp://127\.0\.0\.1:(\d+) metrics=127\.0\.0\.1:(\d+))",
      10s);
  INFO(process.output());
  REQUIRE(ready);
  CHECK(std::stoi((*ready)[1]) > 0);
  CHECK(std::stoi((*ready)[3]) > 0);
  // It really serves on the port it printed.
  CHECK(test::http_get("127.0.0.1", std::stoi((*ready)[3]), "/metrics").status == 200);

  const auto signalled_at = std::chrono::steady_clock::now();
  process.signal(signal_number);
  const auto status = process.wait_exit(5s);
  REQUIRE(status);
  CHECK(*status == 0);
  // "Within a few seconds": the HTTP server (civetweb) takes up to ~2 s to join its workers.
  CHECK(std::chrono::steady_clock::now() - signalled_at < 3s);
}

namespace {

std::string enqueue_frame(std::string_view call, std::uint64_t first_seq, int count) {
  v1::EventBatch message;
  message.set_protocol_version(1);
  message.set_source("pbx1");
  message.set_session(7);
  for (int i = 0; i < count; ++i) {
    v1::Event* event = message.add_events();
    event->set_seq(first_seq + static_cast<std::uint64_t>(i));
    event->set_ts_ms(1'795'510'800'000 + i);
    event->set_type(v1::CALL_ENQUEUED);
    event->set_call(std::string(call) + std::to_string(i));
    event->set_queue("sales");
  }
  return message.SerializeAsString();
}

}  // namespace

TEST_CASE("a frame that fails to decode after its journal commit holds nothing back",
          "[daemon][journal]") {
  // The daemon journals a frame on its outline (header and seqs) and decodes it after the
  // commit. A call id that is not UTF-8 passes the outline but not protobuf: that frame is
  // rejected, and the stream's next frame, taking the same seqs, must still be journaled
  // before it is applied and acked.
  test::TempDir dir;
  daemon::DaemonConfig config = loopback_config();
  config.state.path = dir.file("journal.db");
  config.state.fsync = false;
  InProcessDaemon daemon(config);
  zmq::context_t context;
  zmq::socket_t collector(context, zmq::socket_type::dealer);
  collector.set(zmq::sockopt::linger, 0);
  collector.connect(daemon->ingest_endpoint());

  const std::string bad = enqueue_frame("\xff\xfe", 1, 2);
  const std::string good = enqueue_frame("c", 1, 1);
  collector.send(zmq::buffer(bad));
  std::optional<wire::Ack> ack;
  // Resent until acked, as a collector does: it may come while the bad frame is in flight.
  for (int attempt = 0; attempt < 20 && !ack; ++attempt) {
    collector.send(zmq::buffer(good));
    zmq::pollitem_t item{collector.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, 500ms);
    zmq::message_t reply;
    if ((item.revents & ZMQ_POLLIN) && collector.recv(reply))
      if (auto decoded = wire::decode_ack(reply.to_string_view())) ack = decoded.value();
  }
  REQUIRE(ack);
  CHECK(ack->applied_seq == 1);

  // What was acknowledged is in the journal (a second connection reads it, WAL).
  daemon::Journal journal({config.state.path, false});
  const auto recovered = journal.recover();
  CHECK(std::count(recovered.frames.begin(), recovered.frames.end(), good) >= 1);
}
