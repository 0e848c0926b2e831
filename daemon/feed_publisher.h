#pragma once
// The wallboard live feed (docs/feed.md), ZeroMQ "clone" pattern: versioned protobuf deltas and
// heartbeats on a PUB socket, full snapshots on request from a ROUTER socket. Everything runs on
// the daemon loop; a slow board only loses PUB messages (high-water mark) and re-syncs itself.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <zmq.hpp>

#include "daemon/config.h"
#include "daemon/floor_view.h"
#include "daemon/forecast_set.h"
#include "daemon/self_metrics.h"
#include "floorwatch/core/site_calendar.h"
#include "security/socket_security.h"

namespace floorwatch::v1 {
class FeedDelta;
}

namespace floorwatch::daemon {

/// One alert as wallboards see it. The alerts engine fills these through an AlertProvider.
struct FeedAlert {
  enum class Severity { Info, Warning, Critical };
  enum class State { Pending, Firing, Acknowledged, Resolved };
  std::string id;  ///< what a board sends back in {"command":"ack","id":...}
  std::string rule;
  std::string queue;  ///< empty when the alert is not about one queue
  Severity severity = Severity::Warning;
  State state = State::Firing;
  core::Timestamp since{};
  std::string summary;
  std::string acknowledged_by;
};

/// Returns the alerts to show now; called on the daemon loop at every publish. Must be cheap.
using AlertProvider = std::function<std::vector<FeedAlert>()>;
/// The newest forecasts (null: none yet).
using ForecastProvider = std::function<std::shared_ptr<const ForecastSet>()>;

/// What the feed says about the daemon. Plain value type.
struct FeedIdentity {
  std::string site;
  std::string daemon;
  bool clock_runs = true;  ///< false with --clock event: boards must not extrapolate `now`
};

/// The feed's model and message builder, without sockets: keeps the last published version of
/// every queue, agent and alert, turns a new FloorSnapshot into a delta holding only what
/// changed, and builds snapshots that match `seq` exactly.
/// Not thread-safe (daemon loop).
class FeedModel {
 public:
  static constexpr std::size_t kMaxWaitingTimestamps = 1000;
  static constexpr std::chrono::milliseconds kHeartbeatInterval{1000};

  FeedModel(FeedIdentity identity, std::uint64_t epoch);

  /// What the next picture must hold so that update() leaves the model complete: the queues
  /// and agents changed since those last folded in (every one after a new epoch, for new site
  /// settings — `calendar` — or for new forecasts), the agents only when they moved, the
  /// call-backs only when the worklist did. Waiting calls, intervals and abandons always.
  core::SnapshotOptions picture_options(std::uint64_t agents_revision,
                                        std::uint64_t callbacks_revision,
                                        const std::shared_ptr<const core::SiteCalendar>& calendar,
                                        bool forecasts_changed) const;

  /// Folds in `floor` (taken with waiting calls, today's intervals and abandons; with agents
  /// when `agents_included`, with the open call-backs when `callbacks_included`) and the
  /// current alerts and forecasts. Returns a serialized FeedMessage delta when anything changed
  /// (seq + 1), nullopt otherwise.
  std::optional<std::string> update(const core::FloorSnapshot& floor, bool agents_included,
                                    const std::vector<FeedAlert>& alerts,
                                    const ForecastSet* forecasts = nullptr,
                                    bool callbacks_included = false);
  /// Serialized heartbeat carrying the current seq.
  std::string heartbeat(core::Timestamp now) const;
  /// Serialized snapshot of everything published up to seq (the state a board needs).
  std::string snapshot(core::Timestamp now) const;

  std::uint64_t seq() const { return seq_; }
  std::uint64_t epoch() const { return epoch_; }

 private:
  struct Published {
    std::string bytes;  // serialized message, compared to detect a change
  };
  /// Forgets what was published: the next update() is complete, under a new epoch.
  void start_new_epoch();
  /// Adds the agents that changed (and, from a picture of every agent, those gone) to `delta`.
  bool update_agents(const core::FloorSnapshot& floor, v1::FeedDelta& delta);
  /// Adds the groups that changed (and those a reload removed) to `delta`; true if any did.
  bool update_groups(const std::vector<core::GroupSnapshot>& groups, v1::FeedDelta& delta);

  FeedIdentity identity_;
  // The settings in force: the engine's calendar as of the last update(), so a reload's time
  // zone or interval reaches the boards with the next picture.
  std::shared_ptr<const core::SiteCalendar> calendar_;
  std::uint64_t epoch_;
  std::uint64_t seq_ = 0;
  bool agents_dirty_ = true;           // a new epoch: the next picture must carry every agent
  std::uint64_t agents_revision_ = 0;  // of the last picture whose agents were folded in
  bool queues_dirty_ = true;           // a new epoch: the next picture must carry every queue
  std::uint64_t queues_revision_ = 0;  // FloorSnapshot::revision of the last picture folded in
  std::vector<core::AbandonedCall> abandons_;  // as last published, oldest first
  std::uint64_t abandons_published_ = 0;       // the number of the newest one published
  // The call-back worklist as last published (a board replaces its whole list on a change).
  std::vector<core::CallbackEntry> callbacks_;
  std::string callbacks_bytes_;  // their wire form, to publish only a real change
  std::uint64_t callbacks_revision_ = 0;
  bool callbacks_dirty_ = true;              // a new epoch: the next picture carries the worklist
  std::map<std::string, Published> queues_;  // by name
  std::map<std::string, Published> agents_;  // by id
  std::map<std::string, Published> groups_;  // by name
  std::string alerts_bytes_;                 // serialized alert list as last published
  std::vector<std::string> alert_messages_;  // serialized FeedAlert, as last published
};

/// Counters of the feed, for logs and tests. Plain value type.
struct FeedCounters {
  std::uint64_t deltas = 0;
  std::uint64_t heartbeats = 0;
  std::uint64_t snapshots_served = 0;
  std::uint64_t snapshot_replies_unsent = 0;
  std::uint64_t bad_requests = 0;
};

/// FeedModel behind its two sockets. Binds in the constructor (throws zmq::error_t). Not
/// thread-safe: the daemon loop calls everything.
class FeedPublisher {
 public:
  FeedPublisher(zmq::context_t& context, const DaemonConfig& config,
                const FloorViewPublisher& views, FeedIdentity identity,
                const security::ServerSecurity& security);
  /// The sockets' names: their ZAP domains and `socket` labels of refused connections.
  static constexpr const char* kSnapshotSocketName = "feed_snapshot";
  static constexpr const char* kPublishSocketName = "feed_publish";

  /// Endpoints actually bound (`*` resolved).
  const std::string& snapshot_endpoint() const { return snapshot_endpoint_; }
  const std::string& publish_endpoint() const { return publish_endpoint_; }
  zmq::socket_t& snapshot_socket() { return snapshot_socket_; }

  void set_alert_provider(AlertProvider provider) { alert_provider_ = std::move(provider); }
  /// Where queue forecasts come from (the forecast worker); none by default.
  void set_forecast_provider(ForecastProvider provider) {
    forecast_provider_ = std::move(provider);
  }
  /// Everything below reads the loop's newest FloorView and works at its instant.
  /// After an ingest drain: publishes a delta if the floor changed since the last one.
  void publish_changes();
  /// Publishes whatever changed now, events or not (e.g. right after an alert evaluation that
  /// changed an alert, so boards do not wait for the next heartbeat tick).
  void publish_now() { update_and_publish(); }
  /// Every loop wake-up: once per heartbeat interval, publishes time-driven changes (rolling
  /// windows, alerts) and a heartbeat.
  void on_tick(std::chrono::steady_clock::time_point steady_now);
  /// Answers queued snapshot requests.
  void serve_snapshots();
  void close();

  const FeedCounters& counters() const { return counters_; }
  std::uint64_t seq() const { return model_.seq(); }

 private:
  void update_and_publish();
  void send(const std::string& message);

  const FloorViewPublisher& views_;
  std::uint64_t revision_published_ = 0;  // of the last view folded in
  // The forecasts last folded in, held so a new set is never mistaken for it: new forecasts
  // change every queue's message.
  std::shared_ptr<const ForecastSet> forecasts_folded_;
  FeedModel model_;
  AlertProvider alert_provider_;
  ForecastProvider forecast_provider_;
  zmq::socket_t snapshot_socket_;
  zmq::socket_t publish_socket_;
  std::string snapshot_endpoint_;
  std::string publish_endpoint_;
  std::chrono::steady_clock::time_point next_heartbeat_{};
  FeedCounters counters_;
};

/// A random, non-zero epoch for this daemon run.
std::uint64_t new_feed_epoch();

}  // namespace floorwatch::daemon
