#include "daemon/report_worker.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "daemon/forecast_report.h"

namespace floorwatch::daemon {
namespace {

constexpr int kWorkerNice = 10;

// A unique inproc name: several workers may share one context (tests).
std::string next_done_endpoint() {
  static std::atomic<std::uint64_t> counter{0};
  return "inproc://floorwatch-report-worker-" + std::to_string(++counter);
}

// Hands the reply's bytes to ZeroMQ without copying them (tens of MB for a month of queues).
zmq::message_t message_of(std::string text) {
  auto* owned = new std::string(std::move(text));
  return zmq::message_t(
      owned->data(), owned->size(),
      [](void*, void* hint) { delete static_cast<std::string*>(hint); }, owned);
}

}  // namespace

ReportMetrics::ReportMetrics(prometheus::Registry& registry, const Identity& identity)
    : family_(prometheus::BuildCounter()
                  .Name("floorwatch_reports_total")
                  .Help("Interval-history reports by result: answered, failed (history "
                        "unreadable), busy (refused: too many in progress), cancelled (shutdown)")
                  .Labels({{"site", identity.site}, {"daemon", identity.daemon}})
                  .Register(registry)),
      answered_(family_.Add({{"result", "answered"}})),
      failed_(family_.Add({{"result", "failed"}})),
      busy_(family_.Add({{"result", "busy"}})),
      cancelled_(family_.Add({{"result", "cancelled"}})) {}

std::string build_report_reply(IntervalHistoryReader& reader, const ReportRequest& request,
                               const std::atomic<bool>* cancel) {
  if (request.forecast) {
    const int weeks = core::kDefaultForecastWeeks;
    const nlohmann::json reply = forecast_report_json(
        reader.query(forecast_report_history_start(request.from, weeks), request.to, request.queue),
        request.from, request.to, request.now, request.calendar, weeks, cancel);
    if (cancel && cancel->load()) throw std::runtime_error("report cancelled");
    return reply.dump();
  }
  const nlohmann::json reply =
      report_json(reader.query(request.from, request.to, request.queue), request.from, request.to,
                  request.now, request.calendar, cancel);
  if (cancel && cancel->load()) throw std::runtime_error("report cancelled");
  return reply.dump();
}

ReportWorker::ReportWorker(zmq::context_t& context, std::string history_path, std::size_t capacity)
    : context_(context),
      history_path_(std::move(history_path)),
      capacity_(capacity),
      done_endpoint_(next_done_endpoint()),
      done_socket_(context, zmq::socket_type::pair) {
  done_socket_.set(zmq::sockopt::linger, 0);
  done_socket_.bind(done_endpoint_);  // before the thread connects
  thread_ = std::thread([this] { run(); });
}

ReportWorker::~ReportWorker() {
  stop();
}

std::optional<std::uint64_t> ReportWorker::submit(ReportRequest request) {
  if (in_progress_ >= capacity_) return std::nullopt;
  const std::uint64_t id = ++last_id_;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return std::nullopt;
    queue_.push_back(Job{id, std::move(request)});
  }
  wake_.notify_one();
  ++in_progress_;
  return id;
}

std::optional<FinishedReport> ReportWorker::take_finished() {
  zmq::message_t id_frame;
  if (!done_socket_.recv(id_frame, zmq::recv_flags::dontwait)) return std::nullopt;
  FinishedReport finished;
  // The first frame: the report's id, then one byte saying whether it failed.
  if (id_frame.size() == sizeof finished.id + 1) {
    std::memcpy(&finished.id, id_frame.data(), sizeof finished.id);
    finished.failed = static_cast<const char*>(id_frame.data())[sizeof finished.id] != 0;
  }
  // Both frames of a multipart message arrive together: the reply is already there.
  (void)done_socket_.recv(finished.reply, zmq::recv_flags::dontwait);
  if (in_progress_ > 0) --in_progress_;
  return finished;
}

void ReportWorker::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  cancel_ = true;
  wake_.notify_one();
}

void ReportWorker::stop() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

std::string ReportWorker::answer(const ReportRequest& request, bool& failed) {
  failed = false;
  try {
    // The rows the engine had when the report was asked, late events and the running interval
    // included, are in the file first.
    if (writer_ && request.history_ticket) writer_->wait_for(request.history_ticket);
    if (!reader_) reader_ = std::make_unique<IntervalHistoryReader>(history_path_, &cancel_);
    return build_report_reply(*reader_, request, &cancel_);
  } catch (const std::exception& error) {
    if (cancel_) return {};  // shutting down: nobody reads the reply
    spdlog::error("report failed: {}", error.what());
    failed = true;
    return nlohmann::json{{"error", std::string("report failed: ") + error.what()}}.dump();
  }
}

void ReportWorker::run() {
  // Background work: when the two cores are contended, the loop (acks, alerts) goes first.
  // Linux applies nice per thread.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kWorkerNice);
  // The worker's end of the PAIR lives and dies on this thread (ZeroMQ sockets are not
  // thread-safe).
  zmq::socket_t done(context_, zmq::socket_type::pair);
  done.set(zmq::sockopt::linger, 0);
  done.connect(done_endpoint_);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    bool failed = false;
    std::string reply = answer(*job.request, failed);
    if (cancel_) break;  // shutting down: the loop no longer reads
    char header[sizeof job.id + 1];
    std::memcpy(header, &job.id, sizeof job.id);
    header[sizeof job.id] = failed ? 1 : 0;
    // At most `capacity` messages are ever queued here, far below the high-water mark.
    done.send(zmq::buffer(header, sizeof header), zmq::send_flags::sndmore);
    done.send(message_of(std::move(reply)), zmq::send_flags::none);
  }
  reader_.reset();
}

}  // namespace floorwatch::daemon
