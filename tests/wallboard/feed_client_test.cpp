// The board's feed client against a real floorwatchd (in-process, loopback, OS-chosen ports):
// it syncs, follows deltas, shows abandons and alerts, handles an ack the daemon cannot take
// yet, and survives the daemon restarting.
#include <catch2/catch.hpp>

#include "alerts/rule_config.h"

#include <mutex>
#include <thread>

#include <zmq.hpp>

#include "daemon/daemon_loop.h"
#include "support/board_model_wait.h"
#include "wallboard/feed_client.h"
#include "wire_codec.h"

using namespace floorwatch;
using namespace std::chrono_literals;

namespace {

const std::int64_t t0_ms = 1'795'510'800'000;  // 2026-11-24T09:00:00Z

daemon::DaemonConfig loopback_config(const std::string& feed_bind = "tcp://127.0.0.1:*",
                                     const std::string& feed_publish = "tcp://127.0.0.1:*") {
  daemon::DaemonConfig config;
  config.site = "testsite";
  config.daemon_id = "fw-feed";
  config.ingest_bind = "tcp://127.0.0.1:*";
  config.control_bind = "tcp://127.0.0.1:*";
  config.metrics_listen = "127.0.0.1:0";
  config.feed_bind = feed_bind;
  config.feed_publish = feed_publish;
  config.floor.queues["sales"].answer_target = core::Duration{20'000};
  return config;
}

// floorwatchd's loop on a thread, with a scripted alert provider.
class InProcessDaemon {
 public:
  /// `scripted_alerts`: alerts come from set_alerts(); otherwise from the daemon's own engine.
  explicit InProcessDaemon(daemon::DaemonConfig config = loopback_config(),
                           bool scripted_alerts = true)
      : daemon_(std::move(config), daemon::ClockMode::Event) {
    if (scripted_alerts) {
      daemon_.set_alert_provider([this] {
        std::lock_guard lock(mutex_);
        return alerts_;
      });
    }
    thread_ = std::thread([this] { daemon_.run(stop_); });
  }
  ~InProcessDaemon() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  void set_alerts(std::vector<daemon::FeedAlert> alerts) {
    std::lock_guard lock(mutex_);
    alerts_ = std::move(alerts);
  }
  daemon::Daemon* operator->() { return &daemon_; }

  wallboard::FeedEndpoints endpoints() {
    return {daemon_.feed_publish_endpoint(), daemon_.feed_endpoint(), daemon_.control_endpoint()};
  }

  // Sends events as one collector batch and waits for the ack (so they are applied).
  void send(const std::vector<core::Event>& events) {
    zmq::context_t context(1);
    zmq::socket_t dealer(context, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::rcvtimeo, 5000);
    dealer.connect(daemon_.ingest_endpoint());
    wire::Batch batch{"test", 1, {}};
    for (const core::Event& event : events) batch.events.push_back({++seq_, event});
    dealer.send(zmq::buffer(wire::encode_batch(batch)), zmq::send_flags::none);
    zmq::message_t ack;
    REQUIRE(dealer.recv(ack));
  }

 private:
  daemon::Daemon daemon_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<daemon::FeedAlert> alerts_;
  std::uint64_t seq_ = 0;
};

core::Event event(core::EventType type, int second, std::string call, std::string queue = "",
                  std::string caller = "") {
  core::Event e;
  e.type = type;
  e.ts = core::from_epoch_ms(t0_ms + second * 1000L);
  e.call = std::move(call);
  e.queue = std::move(queue);
  e.caller = std::move(caller);
  return e;
}

// Polls the client's model until `condition` holds (the feed is asynchronous by nature).
template <typename Condition>
wallboard::BoardModel wait_for(const wallboard::FeedClient& client, Condition condition,
                               std::chrono::milliseconds timeout = 10s) {
  const wallboard::BoardModel model = test::wait_for_model(client, condition, timeout);
  if (condition(model)) return model;
  FAIL("condition not reached; state=" << static_cast<int>(model.feed_state) << " seq=" << model.seq
                                       << " resync=" << model.last_resync_reason);
  return model;
}

const wallboard::QueueView* find_queue(const wallboard::BoardModel& model,
                                       const std::string& name) {
  for (const auto& q : model.queues)
    if (q.name == name) return &q;
  return nullptr;
}

}  // namespace

TEST_CASE("a board follows a real daemon: snapshot, deltas, abandons, alerts, ack",
          "[wallboard][feed][process]") {
  InProcessDaemon daemon;
  wallboard::FeedClient client(daemon.endpoints(), "floor-1");
  auto model =
      wait_for(client, [](const auto& m) { return m.feed_state == wallboard::FeedState::Live; });
  CHECK(model.site == "testsite");
  CHECK_FALSE(model.clock_runs);  // --clock event
  REQUIRE(find_queue(model, "sales"));

  daemon.send({event(core::EventType::CallEnqueued, 0, "c1", "sales", "+46700000001"),
               event(core::EventType::CallEnqueued, 1, "c2", "sales", "+46700000002"),
               event(core::EventType::CallAbandoned, 5, "c1")});
  model = wait_for(client, [](const auto& m) {
    const auto* sales = find_queue(m, "sales");
    return sales && sales->calls_waiting == 1 && !m.abandons.empty();
  });
  const wallboard::AbandonView& abandon = model.abandons.back();
  CHECK(abandon.caller == "+46700000001");
  CHECK(abandon.queue == "sales");
  CHECK(abandon.wait_seconds == Approx(5));
  CHECK(find_queue(model, "sales")->oldest_enqueued_at == t0_ms + 1000);
  CHECK(model.daemon_now == t0_ms + 5000);

  daemon::FeedAlert alert;
  alert.id = "sales-oldest-wait";
  alert.queue = "sales";
  alert.severity = daemon::FeedAlert::Severity::Critical;
  alert.summary = "oldest wait over 20 s";
  daemon.set_alerts({alert});
  model = wait_for(
      client, [](const auto& m) { return !m.alerts.empty(); }, 5s);
  CHECK(model.alerts[0].id == "sales-oldest-wait");
  CHECK(model.alerts[0].severity == wallboard::AlertSeverity::Critical);

  // This daemon has no alert rules, so it refuses the ack: the board says so and why.
  client.acknowledge("sales-oldest-wait");
  model = wait_for(client, [](const auto& m) {
    return m.ack_status.rfind("acknowledge sales-oldest-wait", 0) == 0 &&
           m.ack_status.find(" failed: ") != std::string::npos;
  });
  CHECK(model.feed_state == wallboard::FeedState::Live);
}

// The frame loop swaps the model out instead of copying it: each take must still be the whole
// newest model, never the stale one the previous take left behind.
TEST_CASE("the frame loop takes whole, newest models from the feed client",
          "[wallboard][feed][process]") {
  InProcessDaemon daemon;
  wallboard::FeedClient client(daemon.endpoints(), "floor-1");
  wallboard::BoardModel taken;
  std::uint64_t version = 0;
  auto take_until = [&](auto condition) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!condition(taken) && std::chrono::steady_clock::now() < deadline) {
      client.take_model_if_changed(taken, version);
      std::this_thread::sleep_for(5ms);
    }
    return condition(taken);
  };
  auto waiting = [](std::int64_t calls) {
    return [calls](const wallboard::BoardModel& m) {
      const auto* sales = find_queue(m, "sales");
      return sales && sales->calls_waiting == calls;
    };
  };
  REQUIRE(take_until(waiting(0)));
  const std::uint64_t first_version = version;
  daemon.send({event(core::EventType::CallEnqueued, 0, "c1", "sales", "+46700000001")});
  REQUIRE(take_until(waiting(1)));
  CHECK(version > first_version);
  daemon.send({event(core::EventType::CallEnqueued, 1, "c2", "sales", "+46700000002")});
  REQUIRE(take_until(waiting(2)));
  CHECK(taken.site == "testsite");
  CHECK(find_queue(taken, "sales")->oldest_enqueued_at == t0_ms);
  CHECK(taken.feed_state == wallboard::FeedState::Live);
  // Taken again (nothing new, or a heartbeat's whole model): still the newest figures.
  client.take_model_if_changed(taken, version);
  CHECK(waiting(2)(taken));
}

TEST_CASE("the board words the daemon's answer to an acknowledgement", "[wallboard][feed]") {
  CHECK(wallboard::describe_ack_reply("7", R"({"id":7,"state":"acknowledged"})") ==
        "acknowledged 7");
  CHECK(wallboard::describe_ack_reply("7", R"({"error":"alert 7: not_found"})") ==
        "acknowledge 7 failed: alert 7: not_found");
  // A daemon from before the alerts engine.
  CHECK(wallboard::describe_ack_reply(
            "7", R"j({"error":"unknown command \"ack\" (one of: snapshot, status)"})j") ==
        "acknowledge 7: this daemon does not take acknowledgements yet");
  CHECK(wallboard::describe_ack_reply("7", "garbage") == "acknowledge 7: unexpected reply");
}

TEST_CASE("a board survives the daemon restarting", "[wallboard][feed][process]") {
  wallboard::FeedTimings timings;
  timings.silence_limit = 1500ms;
  timings.snapshot_timeout = 500ms;
  auto first = std::make_unique<InProcessDaemon>();
  const auto endpoints = first->endpoints();
  wallboard::FeedClient client(endpoints, "floor-1", timings);
  auto model =
      wait_for(client, [](const auto& m) { return m.feed_state == wallboard::FeedState::Live; });
  const std::uint64_t first_epoch = model.epoch;
  first->send({event(core::EventType::CallEnqueued, 0, "c1", "sales")});
  wait_for(client, [](const auto& m) { return find_queue(m, "sales")->calls_waiting == 1; });

  first->stop();
  first.reset();
  model = wait_for(client, [&](const auto& m) {
    return wallboard::is_stale(m, std::chrono::steady_clock::now(), timings.silence_limit);
  });
  CHECK(model.feed_state != wallboard::FeedState::Live);

  // Same endpoints, new process state: a new epoch, seq from 1, nobody waiting.
  InProcessDaemon second(loopback_config(endpoints.snapshot, endpoints.publish));
  model = wait_for(client, [&](const auto& m) {
    return m.feed_state == wallboard::FeedState::Live && m.epoch != first_epoch;
  });
  CHECK(find_queue(model, "sales")->calls_waiting == 0);
  CHECK(model.resyncs >= 1);
}

TEST_CASE("acknowledging on the board reaches the daemon's alerts engine with the board's name",
          "[wallboard][feed][process]") {
  daemon::DaemonConfig config = loopback_config();
  config.alerts = alerts::parse_alerts_config_text(
      "notifiers:\n  log: {type: log}\n"
      "escalation_policies:\n  default:\n    - {name: floor-lead, after: 0s, notifiers: [log]}\n"
      "rules:\n  - {name: CallersWaiting, expr: calls_waiting > 0, severity: critical}\n",
      "test.yaml");
  InProcessDaemon daemon(config, /*scripted_alerts=*/false);
  wallboard::FeedClient client(daemon.endpoints(), "floor-1");
  wait_for(client, [](const auto& m) { return m.feed_state == wallboard::FeedState::Live; });

  daemon.send({event(core::EventType::CallEnqueued, 0, "c1", "sales", "+46700000001")});
  auto model = wait_for(client, [](const auto& m) {
    return !m.alerts.empty() && m.alerts[0].state == wallboard::AlertState::Firing;
  });
  const std::string id = model.alerts[0].id;
  CHECK(model.alerts[0].queue == "sales");
  CHECK(model.alerts[0].severity == wallboard::AlertSeverity::Critical);

  client.acknowledge(id);
  model = wait_for(client, [&](const auto& m) {
    return m.ack_status == "acknowledged " + id && !m.alerts.empty() &&
           m.alerts[0].state == wallboard::AlertState::Acknowledged;
  });
  CHECK(model.alerts[0].acknowledged_by == "floor-1");  // the board's configured name
}
