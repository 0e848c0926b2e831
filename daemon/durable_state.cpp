#include "daemon/durable_state.h"

#include <spdlog/spdlog.h>

#include "alerts/state_codec.h"
#include "daemon/alert_service.h"
#include "daemon/snapshot_file.h"
#include "floorwatch/core/byte_codec.h"

namespace floorwatch::daemon {
namespace {

constexpr std::string_view kDaemonSnapshotMagic = "floorwatchd-state";
// Version 2 appends the alert engine's state; version 1 snapshots (no alerts) still load.
constexpr std::uint64_t kDaemonSnapshotVersion = 2;
// A failed snapshot is tried again this soon (not only at the next interval): until one is
// written the journal keeps growing, and a recreated journal keeps ingest paused.
constexpr auto kSnapshotRetry = std::chrono::seconds(1);
// A snapshot child this late is stuck, not slow (a 10M-event day takes about a second).
constexpr auto kSnapshotHung = std::chrono::minutes(5);

}  // namespace

DurableState::DurableState(const StateConfig& config, Parts parts, zmq::context_t& context)
    : config_(config),
      parts_(parts),
      context_(context),
      recovering_(std::make_unique<Journal>(Journal::Options{config.path, config.fsync})),
      snapshots_(config.path, config.fsync) {}

DurableState::~DurableState() = default;

std::string DurableState::serialize(core::Timestamp taken_at, AlertService* alerts) const {
  core::ByteWriter out;
  out.string(kDaemonSnapshotMagic);
  out.u64(kDaemonSnapshotVersion);
  out.time(taken_at);
  parts_.ingest.save_positions(out);
  out.string(parts_.floor.save());
  out.boolean(alerts != nullptr);
  if (alerts) alerts::save(out, alerts->engine().state());
  return std::move(out.bytes());
}

void DurableState::restore(const std::string& snapshot, AlertService* alerts) {
  core::ByteReader in(snapshot);
  if (in.string() != kDaemonSnapshotMagic) throw core::SnapshotError("not a floorwatchd snapshot");
  const std::uint64_t version = in.u64();
  if (version < 1 || version > kDaemonSnapshotVersion)
    throw core::SnapshotError("floorwatchd snapshot version " + std::to_string(version) +
                              " not supported");
  const core::Timestamp latest_event = in.time();
  if (parts_.event_clock) parts_.event_clock->observe(latest_event);
  parts_.ingest.load_positions(in);
  const std::string floor_bytes = in.string();
  parts_.floor.load(floor_bytes);
  // Alerts last: a daemon now configured without alerts ignores what it had.
  if (version >= 2 && in.boolean() && alerts) {
    alerts->engine().restore(alerts::load_alert_state(in));
    alerts->refresh();
  }
}

void DurableState::recover(AlertService* alerts) {
  const auto started = std::chrono::steady_clock::now();
  Journal::Recovered recovered = recovering_->recover();
  for (const auto& problem : recovered.problems) spdlog::error("recovery: {}", problem);
  if (recovered.snapshot) {
    try {
      restore(*recovered.snapshot, alerts);
    } catch (const core::SnapshotError& error) {
      spdlog::error("recovery: snapshot of {} unusable ({}); replaying the journal alone",
                    config_.path, error.what());
    }
  }
  std::size_t events = 0;
  for (const auto& frame : recovered.frames) {
    const FrameOutcome outcome = parts_.ingest.handle_frame(frame);
    events += outcome.applied + outcome.rejected;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  spdlog::info("recovered state from {}: snapshot={} journal_frames={} events={} took_ms={}",
               config_.path, recovered.snapshot ? "yes" : "no", recovered.frames.size(), events,
               took.count());
  snapshot_covers_ = recovered.snapshot_covers;
  recovered_through_ = recovered.last_frame_id;
  next_snapshot_ = std::chrono::steady_clock::now() + config_.snapshot_interval;
  writer_ =
      std::make_unique<JournalWriter>(context_, std::move(recovering_), recovered.last_frame_id);
}

void DurableState::attach(IngestPipeline& pipeline) {
  pipeline_ = &pipeline;
  pipeline.set_journal(writer_.get());
  pipeline.set_applied_through_frame_id(recovered_through_);
}

bool DurableState::on_journal_news(std::chrono::steady_clock::time_point now) {
  const JournalWriter::News news = writer_->take_news();
  const std::span<const JournalWriter::Completion> completed(news.completed);
  // In the writer's order: frames committed before a fault are applied while
  // floorwatch_journal_up still reads 1; once it reads 0, nothing is applied until it reads 1.
  bool changed = false;
  std::size_t applied = 0;
  for (const auto& change : news.health) {
    changed =
        apply(completed.subspan(applied, change.completions_before - applied), now) || changed;
    applied = change.completions_before;
    on_health(change, now);
    publish_health();
  }
  return apply(completed.subspan(applied), now) || changed;
}

bool DurableState::apply(std::span<const JournalWriter::Completion> completed,
                         std::chrono::steady_clock::time_point now) {
  return pipeline_ && !completed.empty() && pipeline_->apply_journal_completions(completed, now);
}

void DurableState::on_health(const JournalWriter::HealthChange& change,
                             std::chrono::steady_clock::time_point now) {
  const bool was_up = journal_up();
  if (!change.up) {
    if (journal_down_) {
      spdlog::error("journal fault continues, now: {}", change.problem);
      fault_ = change.problem;
      return;
    }
    journal_down_ = true;
    fault_ = change.problem;
    fault_since_ = now;
    spdlog::error(
        "journal fault: {}; ingest paused: nothing is applied or acknowledged until the disk "
        "takes writes again (collectors keep their events)",
        change.problem);
  } else {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now - fault_since_).count();
    if (journal_down_)
      spdlog::info("journal {} writable again after {} s; ingest resumed", config_.path, seconds);
    journal_down_ = false;
    if (change.recreated) {
      // The frames since the last snapshot went with the old file: until a snapshot holds
      // them, nothing new may be acknowledged on top of them.
      snapshot_owed_ = true;
      snapshot_wanted_ = true;
      fault_ = "journal " + config_.path + " was removed and created anew";
      spdlog::error("journal fault: {}; ingest paused until a snapshot holds the state (seconds)",
                    fault_);
    }
  }
  if (was_up && !journal_up()) parts_.metrics.journal_fault();
}

void DurableState::publish_health() {
  const bool up = journal_up();
  parts_.metrics.journal_up(up);
  if (pipeline_) pipeline_->set_paused(snapshot_owed_);
  if (systemd_)
    systemd_->send(up ? "STATUS=running; journal writable" : "STATUS=ingest paused: " + fault_);
}

void DurableState::request_snapshot(SnapshotDone done) {
  if (done) waiting_.push_back(std::move(done));
  snapshot_wanted_ = true;
}

void DurableState::tick(std::chrono::steady_clock::time_point now, core::Timestamp floor_now,
                        AlertService* alerts, bool alerts_changed) {
  if (auto result = snapshots_.poll()) finish_snapshot(*result);
  if (snapshots_.running_for(now) > kSnapshotHung) {
    spdlog::error("snapshot of {}: the writer has not finished in {} s; killed, trying again",
                  config_.path,
                  std::chrono::duration_cast<std::chrono::seconds>(kSnapshotHung).count());
    snapshots_.kill_running();
    if (auto result = snapshots_.poll()) finish_snapshot(*result);
  }
  if (snapshots_.running()) return;
  const bool due = now >= next_snapshot_ &&
                   (pipeline_->applied_through_frame_id() > snapshot_covers_ || alerts_changed);
  if ((snapshot_wanted_ && now >= next_retry_) || due) start_snapshot(now, floor_now, alerts);
  if (now >= next_snapshot_) next_snapshot_ = now + config_.snapshot_interval;
}

void DurableState::start_snapshot(std::chrono::steady_clock::time_point now,
                                  core::Timestamp floor_now, AlertService* alerts) {
  std::string problem;
  const std::int64_t covers = pipeline_->applied_through_frame_id();
  // Only this thread ever touches the floor state, so the forked child's copy is consistent.
  const bool started =
      snapshots_.start([&] { return serialize(floor_now, alerts); }, covers, problem);
  if (!started) {
    spdlog::error("snapshot of {} not started: {}", config_.path, problem);
    next_retry_ = now + kSnapshotRetry;
    snapshot_wanted_ = true;
    return;
  }
  snapshot_wanted_ = false;
  running_ = std::move(waiting_);
  waiting_.clear();
}

void DurableState::finish_snapshot(const SnapshotWriter::Result& result) {
  parts_.metrics.snapshot_finished(result.written);
  if (result.written) {
    // The previous snapshot stays as the fallback; the frames it covers are not needed.
    if (result.previous_covers > 0) writer_->prune_through(result.previous_covers);
    snapshot_covers_ = result.covers;
    if (!last_snapshot_problem_.empty())
      spdlog::info("snapshot of {} written again ({} ms)", config_.path, result.took.count());
    last_snapshot_problem_.clear();
    if (snapshot_owed_) {
      snapshot_owed_ = false;
      writer_->snapshot_holds_everything();
      spdlog::info("journal {}: snapshot written, ingest resumed", config_.path);
      publish_health();
    }
  } else {
    if (result.problem != last_snapshot_problem_)
      spdlog::error("snapshot of {} failed: {}; the journal keeps every frame meanwhile",
                    config_.path, result.problem);
    last_snapshot_problem_ = result.problem;
    next_retry_ = std::chrono::steady_clock::now() + kSnapshotRetry;
    if (snapshot_owed_) snapshot_wanted_ = true;
  }
  for (auto& done : running_) done(result.written ? std::string{} : result.problem);
  running_.clear();
  if (!waiting_.empty()) snapshot_wanted_ = true;
}

void DurableState::stop(AlertService* alerts, core::Timestamp floor_now) {
  // The final snapshot below supersedes a background one still being written.
  snapshots_.kill_running();
  (void)snapshots_.poll();
  std::unique_ptr<Journal> journal = writer_->stop();
  // The writer made these durable before it stopped: apply and ack them before the last
  // snapshot, which then covers them.
  if (pipeline_) {
    const auto now = std::chrono::steady_clock::now();
    pipeline_->apply_journal_completions(writer_->take_news().completed, now);
    pipeline_->send_acks(now);
  }
  std::string problem;
  try {
    const std::int64_t covers =
        pipeline_ ? pipeline_->applied_through_frame_id() : journal->last_frame_id();
    // The completions just applied moved an event clock on: the snapshot must say so.
    const core::Timestamp taken_at = parts_.event_clock ? parts_.event_clock->now() : floor_now;
    const std::string state = serialize(taken_at, alerts);
    const std::int64_t previous = write_snapshot_files(config_.path, covers, state, config_.fsync);
    if (!journal_down_ && previous > 0) journal->prune_through(previous);
  } catch (const std::exception& error) {
    problem = error.what();
    spdlog::error("final snapshot of {} failed: {}; the journal still holds every frame",
                  config_.path, problem);
  }
  // Whoever waits for a snapshot (an ack's reply) hears how the final one went.
  for (auto& done : running_) done(problem);
  for (auto& done : waiting_) done(problem);
  running_.clear();
  waiting_.clear();
}

}  // namespace floorwatch::daemon
