#pragma once
// Everything that makes floorwatchd's state survive a crash, in one place: recovery at start
// (snapshot + journal replay), the journal writer thread, background snapshots in a forked
// child, pruning, and the journal's health (metric, one log line per fault streak, systemd
// STATUS). docs/durability.md.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "daemon/config.h"
#include "daemon/ingest_pipeline.h"
#include "daemon/journal_writer.h"
#include "daemon/self_metrics.h"
#include "daemon/snapshot_writer.h"
#include "daemon/systemd_notify.h"
#include "floorwatch/core/clock.h"
#include "floorwatch/core/floor_state.h"

namespace floorwatch::daemon {

class AlertService;

/// Loop thread only (recover() on the thread that then runs the loop).
class DurableState {
 public:
  /// What a snapshot holds and recovery restores.
  struct Parts {
    core::FloorState& floor;
    IngestProcessor& ingest;
    core::EventClock* event_clock;  ///< set in --clock event mode
    SelfMetrics& metrics;
  };
  /// Called once a requested snapshot ended: empty `problem` when it is on disk.
  using SnapshotDone = std::function<void(const std::string& problem)>;

  DurableState(const StateConfig& config, Parts parts, zmq::context_t& context);
  ~DurableState();

  /// Loads the newest readable snapshot and replays the journal after it, then starts the
  /// journal writer. `alerts` (may be null) gets its saved state back.
  void recover(AlertService* alerts);
  /// The pipeline sends frames through the journal from now on.
  void attach(IngestPipeline& pipeline);
  /// Poll this with the loop's sockets: the journal writer has news.
  zmq::socket_t& journal_socket() { return writer_->done_socket(); }
  /// The writer's news in its order: durable frames applied, health changes logged and exported
  /// (metrics, systemd STATUS). True when the floor changed.
  bool on_journal_news(std::chrono::steady_clock::time_point now);
  /// Every tick: collects a finished snapshot, starts the periodic one when due. `floor_now`:
  /// the loop's clock for this tick, saved in the snapshot.
  void tick(std::chrono::steady_clock::time_point now, core::Timestamp floor_now,
            AlertService* alerts, bool alerts_changed);
  /// A snapshot as soon as possible (an ack, a reload); `done` runs when it ended.
  void request_snapshot(SnapshotDone done);
  /// SIGTERM: stops the writer (acking what it made durable), then a final snapshot taken at
  /// `floor_now` (with --clock event, at the newest event applied).
  void stop(AlertService* alerts, core::Timestamp floor_now);

  void set_systemd_notifier(SystemdNotifier* systemd) { systemd_ = systemd; }
  bool journal_up() const { return !journal_down_ && !snapshot_owed_; }
  const std::string& path() const { return config_.path; }

 private:
  /// The snapshot bytes, on the loop thread or in the forked child.
  std::string serialize(core::Timestamp taken_at, AlertService* alerts) const;
  void restore(const std::string& snapshot, AlertService* alerts);
  void start_snapshot(std::chrono::steady_clock::time_point now, core::Timestamp floor_now,
                      AlertService* alerts);
  void finish_snapshot(const SnapshotWriter::Result& result);
  bool apply(std::span<const JournalWriter::Completion> completed,
             std::chrono::steady_clock::time_point now);
  void on_health(const JournalWriter::HealthChange& change,
                 std::chrono::steady_clock::time_point now);
  void publish_health();

  StateConfig config_;
  Parts parts_;
  zmq::context_t& context_;
  std::unique_ptr<JournalWriter> writer_;
  std::unique_ptr<Journal> recovering_;  // between construction and recover()
  SnapshotWriter snapshots_;
  IngestPipeline* pipeline_ = nullptr;
  SystemdNotifier* systemd_ = nullptr;
  std::int64_t snapshot_covers_ = 0;
  std::int64_t recovered_through_ = 0;  // the last frame id recovery applied
  std::chrono::steady_clock::time_point next_snapshot_{};
  std::chrono::steady_clock::time_point next_retry_{};
  bool snapshot_wanted_ = false;       // requested, or owed: start at the next tick
  std::vector<SnapshotDone> waiting_;  // for a snapshot not yet started
  std::vector<SnapshotDone> running_;  // for the one being written
  bool journal_down_ = false;
  bool snapshot_owed_ = false;  // the journal was recreated: frames since the last snapshot
                                // are only in memory until the next one is written
  std::string fault_;
  std::chrono::steady_clock::time_point fault_since_{};
  std::string last_snapshot_problem_;
};

}  // namespace floorwatch::daemon
