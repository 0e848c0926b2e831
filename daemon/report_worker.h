#pragma once
// `report`s off the daemon loop (docs/control.md "report"): the loop validates the request and
// hands the history writer what changed; this worker thread waits for those rows, reads the
// history through its own read-only SQLite connection and builds the JSON reply; an inproc
// socket wakes the loop to send it.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>
#include <zmq.hpp>

#include "daemon/history_writer.h"
#include "daemon/interval_history.h"
#include "daemon/self_metrics.h"

namespace floorwatch::daemon {

/// A `report` as the loop resolved it: everything its reply needs except the rows. Plain value.
struct ReportRequest {
  core::Timestamp from{};
  core::Timestamp to{};
  std::string queue;      ///< empty: every queue
  core::Timestamp now{};  ///< the daemon clock when asked (marks running intervals partial)
  core::SiteCalendar calendar;
  /// `report --forecast`: forecast vs actual per interval (daemon/forecast_report.h).
  bool forecast = false;
  /// The HistoryWriter ticket of the changes handed over when it was asked: the worker reads
  /// once those are written (0: nothing to wait for).
  std::uint64_t history_ticket = 0;
};

/// The heavy part of `report`: reads the rows through `reader` and builds the JSON reply text.
/// Throws what the reader throws, and once `*cancel` is true.
std::string build_report_reply(IntervalHistoryReader& reader, const ReportRequest& request,
                               const std::atomic<bool>* cancel = nullptr);

/// A report the worker has answered, for the loop to send to the client that asked.
struct FinishedReport {
  std::uint64_t id = 0;
  bool failed = false;   ///< the reply is {"error": ...}: the history could not be read
  zmq::message_t reply;  ///< the JSON reply (or {"error": ...}); sent on without a copy
};

/// floorwatch_reports_total{result}: how `report` requests ended (docs/control.md). Every
/// result exists at 0 from start-up, so a rate() of "busy" is defined before the first one.
class ReportMetrics {
 public:
  ReportMetrics(prometheus::Registry& registry, const Identity& identity);
  void answered() { answered_.Increment(); }
  void failed() { failed_.Increment(); }
  void busy() { busy_.Increment(); }
  void cancelled() { cancelled_.Increment(); }

 private:
  prometheus::Family<prometheus::Counter>& family_;
  prometheus::Counter& answered_;
  prometheus::Counter& failed_;
  prometheus::Counter& busy_;
  prometheus::Counter& cancelled_;
};

/// One thread answering reports in order. submit / take_finished / done_socket / stop belong to
/// the loop's thread; nothing here blocks it.
class ReportWorker {
 public:
  static constexpr std::size_t kDefaultCapacity = 4;

  /// Binds the inproc wake-up socket on `context` and starts the thread, which opens
  /// `history_path` read-only when the first report comes (and again after a failed open).
  ReportWorker(zmq::context_t& context, std::string history_path,
               std::size_t capacity = kDefaultCapacity);
  /// stop()
  ~ReportWorker();
  /// Before the first submit: reports wait for their ReportRequest::history_ticket here.
  void set_history_writer(HistoryWriter* writer) { writer_ = writer; }
  ReportWorker(const ReportWorker&) = delete;
  ReportWorker& operator=(const ReportWorker&) = delete;

  /// Queues a report unless `capacity` reports are already in progress (queued, running, or
  /// finished but not yet taken); nullopt then, or after stop(). Returns the report's id.
  std::optional<std::uint64_t> submit(ReportRequest request);
  /// Readable (ZMQ_POLLIN) when a report has finished: poll it with the loop's other sockets.
  zmq::socket_t& done_socket() { return done_socket_; }
  /// The next finished report, if any; never waits.
  std::optional<FinishedReport> take_finished();
  /// Reports submitted and not yet taken.
  std::size_t in_progress() const { return in_progress_; }
  std::size_t capacity() const { return capacity_; }
  /// Drops queued reports and cancels the running one (reading rows or building the reply);
  /// returns at once: the loop does its own shutdown meanwhile. Idempotent.
  void request_stop();
  /// request_stop(), then joins the thread. Idempotent.
  void stop();

 private:
  struct Job {
    std::uint64_t id = 0;
    std::optional<ReportRequest> request;
  };
  void run();
  std::string answer(const ReportRequest& request, bool& failed);

  zmq::context_t& context_;
  const std::string history_path_;
  const std::size_t capacity_;
  const std::string done_endpoint_;
  zmq::socket_t done_socket_;  // loop side of the inproc PAIR
  std::size_t in_progress_ = 0;
  std::uint64_t last_id_ = 0;

  std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};  // read by SQLite's progress handler on the worker thread
  std::unique_ptr<IntervalHistoryReader> reader_;  // worker thread only
  HistoryWriter* writer_ = nullptr;
  std::thread thread_;
};

}  // namespace floorwatch::daemon
