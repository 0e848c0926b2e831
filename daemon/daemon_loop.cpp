#include "daemon/daemon_loop.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <zmq_addon.hpp>

#include "daemon/router_socket.h"

namespace floorwatch::daemon {
namespace {

// Per-socket bounds. An ingest message is a whole batch, so 10k messages is plenty; above it
// ZeroMQ stops reading from that collector (TCP back-pressure), which resends unacked events.
constexpr int kIngestHighWaterMark = 10'000;
constexpr int kControlHighWaterMark = 100;
// Messages handled per socket per wake-up, so neither socket nor the tick starves.
constexpr int kMessagesPerWakeup = 256;
constexpr auto kTickPeriod = std::chrono::milliseconds(100);

std::unique_ptr<core::Clock> make_clock(ClockMode mode) {
  if (mode == ClockMode::Event) return std::make_unique<core::EventClock>();
  return std::make_unique<core::SystemClock>();
}

std::string last_endpoint(const zmq::socket_t& socket) {
  return socket.get(zmq::sockopt::last_endpoint);
}

// Names of the daemon's sockets: their ZAP domains and the `socket` label of refusals.
constexpr const char* kIngestSocket = "ingest";
constexpr const char* kControlSocket = "control";

std::string error_json(const std::string& message) {
  return nlohmann::json{{"error", message}}.dump();
}

}  // namespace

Daemon::Daemon(DaemonConfig config, ClockMode clock_mode)
    : config_(std::move(config)),
      identity_{config_.site, config_.daemon_id},
      clock_(make_clock(clock_mode)),
      event_clock_(clock_mode == ClockMode::Event ? static_cast<core::EventClock*>(clock_.get())
                                                  : nullptr),
      floor_(config_.floor),
      views_(clock_mode == ClockMode::Wall),
      self_metrics_(identity_, FLOORWATCH_VERSION),
      ingest_(floor_, self_metrics_, event_clock_, config_.daemon_id),
      control_(views_, ingest_,
               DaemonInfo{identity_, FLOORWATCH_VERSION,
                          clock_mode == ClockMode::Event ? "event" : "wall"}),
      peer_metrics_(*self_metrics_.registry(), identity_, config_.ha.enabled()),
      context_(1),
      reload_metrics_(*self_metrics_.registry(), identity_),
      report_metrics_(*self_metrics_.registry(), identity_) {
  reload_metrics_.started(static_cast<double>(core::to_epoch_ms(clock_->now())) / 1000.0);
  control_.set_peer_metrics(&peer_metrics_);
  exporter_ = std::make_unique<MetricsExporter>(config_.metrics_listen, views_, identity_,
                                                self_metrics_.registry());
  const security::ServerSecurity security = start_security();
  ingest_socket_ =
      bind_router(context_, config_.ingest_bind, kIngestHighWaterMark, security, kIngestSocket);
  // Hard memory bound (ZeroMQ drops the connection of a peer sending more); frames between
  // max_frame_bytes and this are still read, then dropped and counted by the pipeline's flood
  // bounds.
  ingest_socket_.set(zmq::sockopt::maxmsgsize,
                     static_cast<std::int64_t>(config_.ingest_limits.max_frame_bytes) * 4);
  control_socket_ =
      bind_router(context_, config_.control_bind, kControlHighWaterMark, security, kControlSocket);
  ingest_endpoint_ = last_endpoint(ingest_socket_);
  pipeline_ = std::make_unique<IngestPipeline>(ingest_socket_, ingest_, self_metrics_,
                                               config_.ingest_limits);
  control_endpoint_ = last_endpoint(control_socket_);
  feed_ = std::make_unique<FeedPublisher>(
      context_, config_, views_,
      FeedIdentity{identity_.site, identity_.daemon, clock_mode == ClockMode::Wall}, security);
  if (!config_.alerts.rules.empty()) {
    alerts_ =
        std::make_unique<AlertService>(config_.alerts, config_.floor.time_zone, identity_,
                                       "http://" + exporter_->listening_address() + "/metrics");
    exporter_->add_collectable(alerts_->collectable());
    control_.set_alert_service(alerts_.get());
    feed_->set_alert_provider([service = alerts_.get()] { return service->feed_alerts(); });
  }
  if (config_.ha.enabled()) start_peer_link();
  if (!config_.state.path.empty()) {
    durable_ = std::make_unique<DurableState>(
        config_.state, DurableState::Parts{floor_, ingest_, event_clock_, self_metrics_}, context_);
    durable_->recover(alerts_.get());
    durable_->attach(*pipeline_);
    // Interval history lives next to the journal, in its own file (docs/durability.md).
    auto history = std::make_unique<IntervalHistory>(
        IntervalHistory::Options{config_.state.path + ".history", config_.state.history_days});
    for (const auto& problem : history->problems()) spdlog::error("recovery: {}", problem);
    // SQLite writes and their fsyncs run on the writer's thread, never on the loop.
    history_ = std::make_unique<HistoryWriter>(std::move(history));
    control_.enable_reports(true);
    // Reports read through the worker's own connection, so the loop never waits for one.
    reports_ = std::make_unique<ReportWorker>(context_, history_->path());
    reports_->set_history_writer(history_.get());
    start_forecasts();
  }
  // Read once, after recovery: --clock event is then at its newest event.
  const core::Timestamp now = clock_->now();
  sync_history(now);
  publish_view(now, std::chrono::steady_clock::now());
  if (forecasts_) forecasts_->refresh(now);  // after the view: it reads the calendar
}

void Daemon::start_peer_link() {
  peer_ = std::make_unique<PeerLink>(context_, config_.ha, config_.security, identity_.daemon,
                                     peer_metrics_);
  control_.enable_peer(true);
  if (config_.security.curve()) {
    // The ZAP User-Id of a client is its key file's NAME (docs/security.md).
    control_.set_peer_key_name(std::filesystem::path(config_.ha.peer_key_file).stem().string());
  }
  spdlog::info("ha: sharing acknowledgements and call-back closes with {}", config_.ha.peer);
}

void Daemon::publish_view(core::Timestamp now, std::chrono::steady_clock::time_point steady_now) {
  views_.publish(floor_, now, steady_now);
}

void Daemon::start_forecasts() {
  forecasts_ = std::make_shared<ForecastWorker>(history_->path(), views_);
  auto source = [worker = forecasts_] { return worker->current(); };
  forecast_metrics_ = std::make_shared<ForecastCollectable>(source, identity_);
  exporter_->add_collectable(forecast_metrics_);
  feed_->set_forecast_provider(source);
}

std::uint64_t Daemon::sync_history(core::Timestamp now) {
  if (!history_) return 0;
  return history_->submit(history_changes_.collect(floor_, now));
}

std::chrono::milliseconds Daemon::poll_timeout(const LoopTime& last) const {
  auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kTickPeriod);
  // With the event clock, time moves only with events, which trigger an evaluation anyway.
  if (alerts_ && !event_clock_) {
    if (const auto deadline = alerts_->next_deadline()) {
      // From the time read for the last tick, less what the loop has spent since.
      const auto wait = (*deadline - last.now) - (std::chrono::steady_clock::now() - last.steady);
      timeout = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(wait),
                           std::chrono::milliseconds(0), timeout);
    }
  }
  return timeout;
}

bool Daemon::evaluate_alerts(bool ingested, const LoopTime& time) {
  if (!alerts_) return false;
  const auto steady_now = time.steady;
  const core::Timestamp now = time.now;
  const auto deadline = alerts_->next_deadline();
  const bool due = deadline && now >= *deadline;
  const auto since_last = steady_now - last_alert_evaluation_;
  if (!due && !(ingested && since_last >= std::chrono::milliseconds(20)) &&
      since_last < std::chrono::seconds(1)) {
    return false;
  }
  last_alert_evaluation_ = steady_now;
  return alerts_->evaluate(*views_.current(), ingest_);
}

Daemon::~Daemon() = default;

security::ServerSecurity Daemon::start_security() {
  const std::vector<std::pair<std::string, std::string>> sockets{
      {kIngestSocket, config_.ingest_bind},
      {kControlSocket, config_.control_bind},
      {FeedPublisher::kSnapshotSocketName, config_.feed_bind},
      {FeedPublisher::kPublishSocketName, config_.feed_publish}};
  if (!security::is_loopback_endpoint("tcp://" + config_.metrics_listen))
    spdlog::warn(
        "metrics.listen {} is reachable from the network without authentication; keep it on "
        "127.0.0.1 behind a TLS + basic-auth reverse proxy (docs/security.md)",
        config_.metrics_listen);
  if (!config_.security.curve()) {
    for (const auto& [name, endpoint] : sockets)
      if (!security::is_loopback_endpoint(endpoint))
        spdlog::warn(
            "{} socket {} is PLAINTEXT and reachable from the network: anyone can connect; "
            "configure security.curve (docs/security.md)",
            name, endpoint);
    return {};
  }
  security::ServerSecurity server;
  server.server_keys = security::read_key_pair_file(config_.security.curve_secret_key_file);
  security::AuthorizedKeys keys =
      security::load_authorized_keys(config_.security.curve_authorized_keys);
  if (keys.size() == 0)
    spdlog::warn("security: {} authorizes no key: every client will be refused",
                 config_.security.curve_authorized_keys);
  std::vector<std::string> names;
  for (const auto& [name, endpoint] : sockets) {
    names.push_back(name);
    self_metrics_.expect_connection_refusals(name);
  }
  spdlog::info("security: CURVE on every socket, server key {}, {} authorized keys from {}",
               server.server_keys.public_key, keys.size(), config_.security.curve_authorized_keys);
  zap_ = std::make_unique<security::ZapHandler>(
      context_, std::move(keys), std::move(names),
      [this](const security::Refusal& refusal) { on_refusal(refusal); });
  return server;
}

void Daemon::on_refusal(const security::Refusal& refusal) {
  const std::string reason(security::to_string(refusal.reason));
  self_metrics_.connection_refused(refusal.socket, reason);
  // A plaintext client retries ten times a second: the count goes to /metrics, the log stays
  // readable.
  std::size_t suppressed = 0;
  if (!refusal_log_.allow(std::chrono::steady_clock::now(), suppressed)) return;
  spdlog::warn("connection refused socket={} reason={}{}{}{}", refusal.socket, reason,
               refusal.peer_address.empty() ? "" : " peer=" + refusal.peer_address,
               refusal.public_key.empty() ? "" : " key=" + refusal.public_key,
               suppressed > 0 ? " (suppressed=" + std::to_string(suppressed) + " similar)" : "");
}

void Daemon::drain_control(const LoopTime& time) {
  for (int handled = 0; handled < kMessagesPerWakeup; ++handled) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(control_socket_, std::back_inserter(frames),
                             zmq::recv_flags::dontwait))
      return;
    if (frames.size() < 2) continue;
    // With CURVE, the ZAP handler put the client's key name on every message it sends.
    const char* key_name = zap_ ? zmq_msg_gets(frames.back().handle(), "User-Id") : nullptr;
    ControlReply answer =
        control_.handle(frames.back().to_string_view(), time.now, key_name ? key_name : "");
    if (answer.report) {
      // The rows the report reads include late events and the running interval.
      answer.report->history_ticket = sync_history(time.now);
      if (!reports_) {
        answer.reply = error_json("no interval history: it needs state.path (docs/durability.md)");
      } else if (const auto id = reports_->submit(std::move(*answer.report))) {
        report_clients_.emplace(*id, std::move(frames));  // answered by send_finished_reports
        continue;
      } else {
        report_metrics_.busy();
        answer.reply = error_json("busy: " + std::to_string(reports_->in_progress()) +
                                  " reports in progress, try again later");
      }
    }
    if (answer.callback_done) {
      close_callback(std::move(frames), *answer.callback_done, time);
      continue;
    }
    if (answer.peer_callbacks) {
      merge_peer_callbacks(std::move(frames), *answer.peer_callbacks, time);
      continue;
    }
    // An acknowledgement is durable before the supervisor hears "acknowledged", and the
    // boards show it at once.
    if (alerts_ && alerts_->take_changes()) {
      feed_->publish_now();
      if (durable_) {
        reply_when_durable(std::move(frames), std::move(answer.reply));
        continue;
      }
    }
    std::string why_not;
    if (!reply(control_socket_, frames, answer.reply, why_not))
      spdlog::debug("control reply not sent reason={}", why_not);
  }
}

void Daemon::close_callback(std::vector<zmq::message_t> request, const CallbackDoneRequest& done,
                            const LoopTime& time) {
  // Who and when go into the close record the HA partner is sent (docs/ha.md).
  const std::optional<core::CallbackEntry> closed =
      floor_.close_callback(done.id, done.by, time.now);
  const std::string reply_text = callback_done_reply(closed, done, time.now).dump();
  if (closed) {
    spdlog::info("callback {} caller={} queue={} called back by {}", closed->id, closed->caller,
                 closed->queue, done.by);
    publish_view(time.now, time.steady);
    feed_->publish_changes();
    // In the snapshot before the supervisor hears "done": a crash right after cannot reopen it
    // (docs/durability.md).
    if (durable_) {
      reply_when_durable(std::move(request), reply_text);
      return;
    }
  }
  std::string why_not;
  if (!reply(control_socket_, request, reply_text, why_not))
    spdlog::debug("control reply not sent reason={}", why_not);
}

void Daemon::merge_peer_callbacks(std::vector<zmq::message_t> request,
                                  const PeerCallbacksRequest& closes, const LoopTime& time) {
  const std::uint64_t revision = floor_.callbacks().closes_revision();
  const std::uint64_t open_revision = floor_.callbacks().revision();
  int applied = 0;
  for (const core::CallbackClose& close : closes.closes) {
    const core::CallbackMergeResult result = floor_.merge_callback_close(close, time.now);
    if (result != core::CallbackMergeResult::Applied) continue;
    ++applied;
    spdlog::info("callback caller={} called back by {} on the HA peer {}", close.caller, close.by,
                 closes.from);
  }
  // The partner repeats its whole set every second: only a change is shown and snapshotted.
  if (floor_.callbacks().revision() != open_revision) {
    publish_view(time.now, time.steady);
    feed_->publish_changes();
  }
  // Durable like a local close (the snapshot holds the records too, held ones included), but
  // the partner needs no wait: it sends the set again every second until we have it.
  if (durable_ && (floor_.callbacks().closes_revision() != revision ||
                   floor_.callbacks().revision() != open_revision))
    durable_->request_snapshot({});
  const std::string reply_text = nlohmann::json{{"command", "peer_callbacks"},
                                                {"merged", applied},
                                                {"held", floor_.callbacks().counters().closes_held}}
                                     .dump();
  std::string why_not;
  if (!reply(control_socket_, request, reply_text, why_not))
    spdlog::debug("control reply not sent reason={}", why_not);
}

void Daemon::send_finished_reports() {
  while (auto finished = reports_->take_finished()) {
    const auto client = report_clients_.find(finished->id);
    if (client == report_clients_.end()) continue;
    if (finished->failed)
      report_metrics_.failed();
    else
      report_metrics_.answered();
    std::string why_not;
    if (!reply(control_socket_, client->second, finished->reply, why_not))
      spdlog::debug("report reply not sent reason={}", why_not);
    report_clients_.erase(client);
  }
}

void Daemon::reply_when_durable(std::vector<zmq::message_t> request, std::string reply) {
  auto client = std::make_shared<std::vector<zmq::message_t>>(std::move(request));
  durable_->request_snapshot([this, client, reply = std::move(reply)](const std::string& problem) {
    std::string text = reply;
    if (!problem.empty()) {
      // Done in memory and on the boards, but a restart now would forget it: say so.
      nlohmann::json answer = nlohmann::json::parse(reply, nullptr, false);
      if (answer.is_object()) {
        answer["warning"] = "not yet on disk (" + problem +
                            "): a restart before the disk takes writes again would undo it";
        text = answer.dump();
      }
    }
    std::string why_not;
    if (!daemon::reply(control_socket_, *client, text, why_not))
      spdlog::debug("control reply not sent reason={}", why_not);
  });
}

void Daemon::run(const std::atomic<bool>& stop) {
  enum Item { kIngest, kControl, kFeed, kReports, kJournal };
  std::vector<zmq::pollitem_t> items{{ingest_socket_.handle(), 0, ZMQ_POLLIN, 0},
                                     {control_socket_.handle(), 0, ZMQ_POLLIN, 0},
                                     {feed_->snapshot_socket().handle(), 0, ZMQ_POLLIN, 0},
                                     {nullptr, -1, 0, 0},
                                     {nullptr, -1, 0, 0}};
  // The worker's wake-up: a report is done.
  if (reports_) items[kReports] = {reports_->done_socket().handle(), 0, ZMQ_POLLIN, 0};
  // The journal writer's: frames are durable (apply and ack them), or the disk failed.
  if (durable_) items[kJournal] = {durable_->journal_socket().handle(), 0, ZMQ_POLLIN, 0};
  LoopTime time{std::chrono::steady_clock::now(), clock_->now()};
  auto next_tick = time.steady;
  while (!stop.load()) {
    try {
      // Too much waiting for the disk: leave frames in the socket (ZeroMQ and TCP push back).
      items[kIngest].events = pipeline_->accepting() ? ZMQ_POLLIN : 0;
      zmq::poll(items, poll_timeout(time));
      const auto woke = std::chrono::steady_clock::now();
      if (reload_requested_ && reload_requested_->exchange(false)) reload_from_trigger();
      bool ingested = false;
      if (items[kIngest].revents & ZMQ_POLLIN) ingested = pipeline_->drain(woke);
      if (durable_ && (items[kJournal].revents & ZMQ_POLLIN))
        ingested = durable_->on_journal_news(woke) || ingested;
      // The clock is read once per wake-up, after the events (--clock event: now is theirs),
      // and everything below works at that instant.
      time = LoopTime{woke, clock_->now()};
      ingest_.stamp_arrivals(time.now);
      // One view per wake-up, read by everything below: scrapes, the feed, control, alerts.
      // Publishing advances the rolling windows; live waits move with time.
      if (ingested || time.now != views_.current()->now) publish_view(time.now, woke);
      // After the publish: a collector that has all its acks finds its events on /metrics.
      pipeline_->send_acks(woke);
      if (ingested) feed_->publish_changes();  // one delta per drain: boards see it
      // A new or cleared alert reaches the boards in this wake-up, not at the next heartbeat.
      if (evaluate_alerts(ingested, time)) feed_->publish_now();
      if (items[kControl].revents & ZMQ_POLLIN) drain_control(time);
      // After control and evaluation: an ack taken here reaches the partner in this wake-up.
      if (peer_ && alerts_) peer_->exchange(alerts_->engine().shared_acks(), woke);
      // Call-back closes go with or without alert rules; built only when they changed.
      if (peer_)
        peer_->exchange_callbacks(
            floor_.callbacks().closes_revision(), [this] { return floor_.callbacks().closes(); },
            woke);
      if (items[kFeed].revents & ZMQ_POLLIN) feed_->serve_snapshots();
      if (reports_ && (items[kReports].revents & ZMQ_POLLIN)) send_finished_reports();
      feed_->on_tick(woke);
      if (woke >= next_tick) {
        next_tick = woke + kTickPeriod;
        if (systemd_) systemd_->watchdog(woke);
        if (alerts_) alerts_->release_retired_notifiers(woke);  // notifiers left by a reload
        if (alerts_) alerts_->refresh_alertmanager(time.now);   // keeps firing alerts alive
        // An interval just ended: its final counters go to the history now.
        const bool new_interval = time.now >= history_changes_.next_boundary();
        if (history_ && (new_interval || woke >= next_history_sync_)) {
          sync_history(time.now);
          if (new_interval && forecasts_) forecasts_->refresh(time.now);  // on its own thread
          next_history_sync_ = woke + config_.state.snapshot_interval;
        }
        if (durable_) {
          const bool alerts_changed = alerts_ && alerts_->take_changes();
          durable_->tick(woke, time.now, alerts_.get(), alerts_changed);
        }
      }
    } catch (const zmq::error_t& error) {
      if (error.num() == EINTR) continue;  // a signal: the stop flag says whether to leave
      spdlog::error("loop error: {}", error.what());
    } catch (const std::exception& error) {
      // Never let an exception end ingestion; log and keep serving.
      spdlog::error("loop error: {}", error.what());
    }
  }
  // SIGTERM: a report still waiting is cancelled (a month may take a second) and its client
  // told so, rather than left to time out.
  if (reports_) {
    reports_->request_stop();  // joined below, after the final snapshot
    for (auto& [id, client] : report_clients_) {
      report_metrics_.cancelled();
      std::string why_not;
      reply(control_socket_, client, error_json("report cancelled: floorwatchd is shutting down"),
            why_not);
    }
    report_clients_.clear();
  }
  // SIGTERM: intake stops here; what the journal made durable is applied, acked and
  // snapshotted before exit.
  try {
    if (durable_) {
      durable_->stop(alerts_.get(), time.now);
      sync_history(time.now);
    }
  } catch (const std::exception& error) {
    spdlog::error("final snapshot failed: {}", error.what());
  }
  if (history_) history_->stop();  // writes what it was handed; a report waiting on it goes on
  if (reports_) reports_->stop();
  if (forecasts_) forecasts_->stop();
  ingest_socket_.close();
  control_socket_.close();
  feed_->close();
}

void Daemon::set_reload_trigger(std::atomic<bool>* requested, std::function<DaemonConfig()> load) {
  reload_requested_ = requested;
  load_config_ = std::move(load);
}

void Daemon::reload_from_trigger() {
  if (!load_config_) return;
  if (systemd_) systemd_->reloading();
  try {
    const ReloadPlan plan = reload(load_config_());
    // Counted before the log lines, so whoever reads the log can already scrape it.
    reload_metrics_.succeeded(static_cast<double>(core::to_epoch_ms(clock_->now())) / 1000.0);
    std::string applied, restart;
    for (const auto& key : plan.applied) applied += (applied.empty() ? "" : ",") + key;
    for (const auto& key : plan.needs_restart) restart += (restart.empty() ? "" : ",") + key;
    spdlog::info("config reloaded applied={} needs_restart={}", applied,
                 restart.empty() ? "none" : restart);
    if (!restart.empty())
      spdlog::warn(
          "config reload: {} changed but only take effect after a restart; the running "
          "values stay in force",
          restart);
  } catch (const std::exception& error) {
    // A bad file never replaces a good config: the daemon keeps running on the old one.
    reload_metrics_.failed();
    spdlog::error("config reload rejected, the previous config stays in force: {}", error.what());
  }
  if (systemd_) systemd_->ready("config reloaded");
}

ReloadPlan Daemon::reload(const DaemonConfig& next) {
  ReloadPlan plan = plan_reload(config_, next);
  DaemonConfig in_force = config_in_force(config_, next);
  // Build the new alert service before touching anything, so a failure changes nothing. It is
  // built even for a config without rules when alerts ran: they must end and stay listed.
  std::unique_ptr<AlertService> new_alerts;
  if (!in_force.alerts.rules.empty() || alerts_) {
    new_alerts =
        std::make_unique<AlertService>(in_force.alerts, in_force.floor.time_zone, identity_,
                                       "http://" + exporter_->listening_address() + "/metrics");
  }
  // The loop owns the floor: the new calendar reaches every agent's day here, at once.
  floor_.reconfigure(in_force.floor, clock_->now());
  if (alerts_) {
    exporter_->remove_collectable(alerts_->collectable());
    // Alerts keep their lifecycle (and acks) by rule name; those of removed rules resolve, and
    // the old notifiers, which told their tiers, say so while they retire off the loop.
    new_alerts->take_over(*alerts_, clock_->now(), std::chrono::steady_clock::now());
  }
  alerts_ = std::move(new_alerts);
  control_.set_alert_service(alerts_.get());
  if (alerts_) {
    exporter_->add_collectable(alerts_->collectable());
    alerts_->refresh();
    feed_->set_alert_provider([service = alerts_.get()] { return service->feed_alerts(); });
  } else {
    feed_->set_alert_provider({});
  }
  config_ = std::move(in_force);
  // The snapshot records the new settings' effects; the next evaluation uses the new rules.
  last_alert_evaluation_ = {};
  if (durable_) durable_->request_snapshot({});
  const core::Timestamp now = clock_->now();  // a reload is its own event, outside a tick
  publish_view(now, std::chrono::steady_clock::now());
  feed_->publish_now();
  if (forecasts_) forecasts_->refresh(now);  // new targets or calendar: agents needed anew
  return plan;
}

}  // namespace floorwatch::daemon
