#pragma once
// A big `report` against a real floorwatchd while probes time its other answers: a month of
// synthetic interval history written into the daemon's history file before it starts, and
// status requests and ingest batches sent over real ZeroMQ while the report is computed.
// Used by tests/integration/report_offload_test.cpp and bench/report_stall_bench.cpp.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "daemon/interval_history.h"
#include "wire_codec.h"

namespace floorwatch::test {

/// Intervals of 30 minutes from `first` on, per queue; queues are named q00, q01, …
struct SyntheticHistory {
  int queues = 20;
  int days = 31;
  core::Timestamp first = core::from_epoch_ms(1'793'491'200'000);  // 2026-11-01T00:00:00Z
  static constexpr int kIntervalMinutes = 30;

  int intervals_per_queue() const { return days * 24 * 60 / kIntervalMinutes; }
  std::size_t rows() const { return static_cast<std::size_t>(queues) * intervals_per_queue(); }
  core::Timestamp end() const {
    return first + std::chrono::minutes(intervals_per_queue() * kIntervalMinutes);
  }
  static std::string queue_name(int q) {
    return std::string("q") + (q < 10 ? "0" : "") + std::to_string(q);
  }

  /// Interval `i` of queue `q`: varied, self-consistent counters.
  daemon::IntervalRow row(int q, int i) const {
    daemon::IntervalRow row;
    row.queue = queue_name(q);
    row.start = first + std::chrono::minutes(i * kIntervalMinutes);
    row.end = row.start + std::chrono::minutes(kIntervalMinutes);
    core::OutcomeCounters& c = row.counts;
    c.offered = 5 + (q * 7 + i) % 11;
    c.answered = c.offered - 2;
    c.answered_within_target = c.answered - i % 3;
    c.abandoned = 1;
    c.abandoned_within_target = 1;
    c.abandoned_short = i % 2;
    c.exited_by_reason[0] = 1;
    c.answered_wait_sum_ms = c.answered * 12'000;
    c.handled = c.answered;
    c.handle_time_sum_ms = c.handled * 180'000;
    c.max_wait_ms = 30'000 + (i % 60) * 1'000;
    row.settings.answer_target = std::chrono::seconds(20);
    row.settings.short_abandon = std::chrono::seconds(5);
    return row;
  }

  /// Writes every row into the history file at `path` (created if needed).
  void write(const std::string& path) const {
    daemon::IntervalHistory history({path, 400});
    std::vector<daemon::IntervalRow> all;
    all.reserve(rows());
    for (int q = 0; q < queues; ++q)
      for (int i = 0; i < intervals_per_queue(); ++i) all.push_back(row(q, i));
    history.store(all, end());
  }

  /// The `report` request for all of it, every queue.
  std::string report_request() const {
    return R"({"command":"report","from":)" + std::to_string(core::to_epoch_ms(first)) +
           R"(,"to":)" + std::to_string(core::to_epoch_ms(end())) + "}";
  }
};

/// What happened while one report was computed. Latencies in milliseconds.
struct ReportUnderLoad {
  double report_ms = 0;  ///< request sent -> whole reply received
  std::string reply;
  std::vector<double> status_ms;    ///< status round trips sent while the report was running
  std::vector<double> ack_ms;       ///< ingest batch -> its ack, likewise
  std::vector<double> idle_ack_ms;  ///< acks timed before the report was sent, for comparison
  double max_status_ms() const { return max_of(status_ms); }
  double max_ack_ms() const { return max_of(ack_ms); }
  /// The value below which `share` (0..1) of `values` lie; 0 when there are none.
  static double percentile(std::vector<double> values, double share) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(share * static_cast<double>(values.size() - 1))];
  }
  static double max_of(const std::vector<double>& values) {
    double most = 0;
    for (const double v : values) most = std::max(most, v);
    return most;
  }
};

/// Sends `report_request` on the control socket, then alternates a `status` request and an
/// ingest batch (one agent_state event, event time `probe_time` + n s) every `spacing` until
/// the report's reply arrives. Each probe waits for its own answer; probes sent before the
/// report's reply arrived count; `idle_probes` acks are timed before it is sent. Throws when
/// anything stays unanswered for `timeout`.
inline ReportUnderLoad run_report_under_load(
    const std::string& ingest_endpoint, const std::string& control_endpoint,
    const std::string& report_request, core::Timestamp probe_time,
    std::chrono::milliseconds spacing, std::chrono::milliseconds timeout, int idle_probes = 0) {
  using clock = std::chrono::steady_clock;
  auto ms_since = [](clock::time_point start) {
    return std::chrono::duration<double, std::milli>(clock::now() - start).count();
  };
  zmq::context_t context;
  auto dealer = [&](const std::string& endpoint) {
    zmq::socket_t socket(context, zmq::socket_type::dealer);
    socket.set(zmq::sockopt::linger, 0);
    socket.connect(endpoint);
    return socket;
  };
  zmq::socket_t reporter = dealer(control_endpoint);
  zmq::socket_t prober = dealer(control_endpoint);
  zmq::socket_t collector = dealer(ingest_endpoint);

  ReportUnderLoad result;
  std::optional<clock::time_point> report_done;
  zmq::message_t report_reply;  // copied out at the end: a copy mid-probe would inflate it
  clock::time_point report_sent = clock::now();
  // Waits for a message on `socket`, noticing the report's reply if it comes first.
  auto await = [&](zmq::socket_t& socket) {
    const auto deadline = clock::now() + timeout;
    for (;;) {
      zmq::pollitem_t items[] = {{socket.handle(), 0, ZMQ_POLLIN, 0},
                                 {reporter.handle(), 0, ZMQ_POLLIN, 0}};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      if (left.count() <= 0) throw std::runtime_error("no answer from floorwatchd in time");
      zmq::poll(items, 2, left);
      if (!report_done && (items[1].revents & ZMQ_POLLIN)) {
        (void)reporter.recv(report_reply);
        report_done = clock::now();
        result.report_ms =
            std::chrono::duration<double, std::milli>(*report_done - report_sent).count();
      }
      if (items[0].revents & ZMQ_POLLIN) {
        zmq::message_t message;
        (void)socket.recv(message);
        return message;
      }
    }
  };

  std::uint64_t seq = 0;
  auto probe_ack = [&]() -> double {
    ++seq;
    wire::Batch batch{"report-load-probe", 1, {}, {}};
    core::Event event;
    event.type = core::EventType::AgentState;
    event.ts = probe_time + std::chrono::seconds(seq);
    event.agent = "probe";
    event.state = core::AgentStatus::Available;
    batch.events.push_back({seq, event});
    const auto sent = clock::now();
    collector.send(zmq::buffer(wire::encode_batch(batch)));
    const zmq::message_t ack = await(collector);
    const auto decoded = wire::decode_ack(ack.to_string_view());
    if (!decoded.ok() || decoded.value().applied_seq != seq)
      throw std::runtime_error("unexpected ingest ack");
    return ms_since(sent);
  };
  auto probe_status = [&]() -> double {
    const auto sent = clock::now();
    prober.send(zmq::str_buffer(R"({"command":"status"})"));
    const zmq::message_t reply = await(prober);
    if (reply.to_string_view().find("\"uptime_seconds\"") == std::string_view::npos)
      throw std::runtime_error("unexpected status reply: " + reply.to_string());
    return ms_since(sent);
  };

  // Connections are up and the event clock is at probe_time before the report starts.
  probe_ack();
  probe_status();
  for (int i = 0; i < idle_probes; ++i) {
    result.idle_ack_ms.push_back(probe_ack());
    std::this_thread::sleep_for(spacing);
  }
  report_sent = clock::now();
  reporter.send(zmq::buffer(report_request));
  while (!report_done) {
    result.status_ms.push_back(probe_status());
    if (report_done) break;
    result.ack_ms.push_back(probe_ack());
    if (report_done) break;
    std::this_thread::sleep_for(spacing);
    if (ms_since(report_sent) > static_cast<double>(timeout.count()))
      throw std::runtime_error("the report did not arrive in time");
  }
  result.reply = report_reply.to_string();
  return result;
}

}  // namespace floorwatch::test
