#include "wallboard/feed_client.h"

#include <deque>
#include <optional>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "floorwatch/v1/feed.pb.h"

namespace floorwatch::wallboard {
namespace {

constexpr auto kPollPeriod = std::chrono::milliseconds(100);
constexpr auto kAckTimeout = std::chrono::seconds(3);

zmq::socket_t connect_dealer(zmq::context_t& context, const std::string& endpoint,
                             const security::ClientSecurity& security) {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  security::apply_client_security(socket, security);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  return socket;
}

zmq::socket_t subscribe(zmq::context_t& context, const FeedEndpoints& daemon) {
  zmq::socket_t subscriber(context, zmq::socket_type::sub);
  security::apply_client_security(subscriber, daemon.security);
  subscriber.set(zmq::sockopt::linger, 0);
  subscriber.set(zmq::sockopt::subscribe, "");
  subscriber.connect(daemon.publish);
  return subscriber;
}

std::string& status_of(BoardModel& model, bool callback) {
  return callback ? model.callback_status : model.ack_status;
}

}  // namespace

std::string describe_callback_reply(const std::string& callback_id, const std::string& reply) {
  const auto parsed = nlohmann::json::parse(reply, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object())
    return "call-back " + callback_id + ": unexpected reply";
  const auto error = parsed.find("error");
  if (error == parsed.end()) return "\u2713 called back " + callback_id;
  const std::string text = error->is_string() ? error->get<std::string>() : error->dump();
  if (text.find("unknown command") != std::string::npos)
    return "call-back " + callback_id + ": this daemon does not keep a call-back list yet";
  return "call-back " + callback_id + " failed: " + text;
}

std::string describe_ack_reply(const std::string& alert_id, const std::string& reply) {
  const auto parsed = nlohmann::json::parse(reply, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object())
    return "acknowledge " + alert_id + ": unexpected reply";
  const auto error = parsed.find("error");
  if (error == parsed.end()) return "acknowledged " + alert_id;
  const std::string text = error->is_string() ? error->get<std::string>() : error->dump();
  // Daemons without the alerts engine do not know the command yet: say so plainly.
  if (text.find("unknown command") != std::string::npos)
    return "acknowledge " + alert_id + ": this daemon does not take acknowledgements yet";
  return "acknowledge " + alert_id + " failed: " + text;
}

FeedClient::FeedClient(std::vector<FeedEndpoints> daemons, std::string board_name,
                       FeedTimings timings, std::function<void()> on_change)
    : daemons_(std::move(daemons)),
      board_name_(std::move(board_name)),
      timings_(timings),
      on_change_(std::move(on_change)) {
  if (daemons_.empty()) daemons_.emplace_back();
  if (daemons_.size() > 1 && timings_.failover_after.count() == 0)
    timings_.failover_after = default_failover_after(timings_.silence_limit);
  if (daemons_.size() == 1) timings_.failover_after = std::chrono::milliseconds(0);
  thread_ = std::thread([this] { run(); });
}

FeedClient::FeedClient(FeedEndpoints endpoints, std::string board_name, FeedTimings timings,
                       std::function<void()> on_change)
    : FeedClient(std::vector<FeedEndpoints>{std::move(endpoints)}, std::move(board_name), timings,
                 std::move(on_change)) {}

FeedClient::~FeedClient() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool FeedClient::copy_model_if_changed(BoardModel& out, std::uint64_t& seen_version) const {
  std::lock_guard lock(mutex_);
  if (shared_version_ == seen_version) return false;
  out = shared_model_;
  seen_version = shared_version_;
  return true;
}

bool FeedClient::take_model_if_changed(BoardModel& out, std::uint64_t& seen_version) {
  std::lock_guard lock(mutex_);
  if (shared_version_ == seen_version) return false;
  std::swap(out, shared_model_);
  seen_version = shared_version_;
  return true;
}

void FeedClient::acknowledge(const std::string& alert_id) {
  std::lock_guard lock(mutex_);
  pending_acks_.push_back(alert_id);
}

void FeedClient::callback_done(std::uint64_t callback_id) {
  std::lock_guard lock(mutex_);
  pending_callbacks_.push_back(callback_id);
}

void FeedClient::set_model_observer(std::function<void(const BoardModel&)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

void FeedClient::run() {
  zmq::context_t context(1);
  std::size_t followed = 0;
  // Subscribe first, then ask for the snapshot: deltas published meanwhile are buffered.
  zmq::socket_t subscriber = subscribe(context, daemons_[followed]);
  std::optional<zmq::socket_t> snapshot_socket;
  std::optional<zmq::socket_t> control_socket;
  // Acks and call-backs share the control socket; replies come back in request order.
  struct AckInFlight {
    std::string id;
    SteadyTime deadline;
    bool callback = false;  ///< a `callback_done` (its outcome goes to callback_status)
  };
  std::deque<AckInFlight> acks_in_flight;

  FeedSync sync(timings_);
  sync.mutable_model().daemons_configured = daemons_.size();
  sync.start(std::chrono::steady_clock::now());
  std::uint64_t published_version = ~std::uint64_t{0};

  while (!stop_.load()) {
    try {
      if (sync.take_switch_request()) {
        // Nothing of the old daemon may reach the new sync: its sockets go with it.
        followed = (followed + 1) % daemons_.size();
        subscriber = subscribe(context, daemons_[followed]);
        snapshot_socket.reset();
        control_socket.reset();
        for (const AckInFlight& request : acks_in_flight)
          status_of(sync.mutable_model(), request.callback) =
              (request.callback ? "call-back " : "acknowledge ") + request.id +
              ": the daemon went away; try again";
        acks_in_flight.clear();
      }
      const FeedEndpoints& daemon = daemons_[followed];
      if (sync.take_snapshot_request()) {
        // A fresh socket per request: a late answer to an earlier one can never be mistaken
        // for this one, and a dead daemon's queued request is dropped with the old socket.
        snapshot_socket = connect_dealer(context, daemon.snapshot, daemon.security);
        v1::SnapshotRequest request;
        request.set_protocol_version(1);
        request.set_board(board_name_);
        snapshot_socket->send(zmq::buffer(request.SerializeAsString()), zmq::send_flags::dontwait);
      }
      std::vector<std::string> acks;
      std::vector<std::uint64_t> callbacks_done;
      {
        std::lock_guard lock(mutex_);
        acks.swap(pending_acks_);
        callbacks_done.swap(pending_callbacks_);
      }
      for (const std::uint64_t id : callbacks_done) {
        if (!control_socket)
          control_socket = connect_dealer(context, daemon.control, daemon.security);
        nlohmann::json request{{"command", "callback_done"}, {"id", id}};
        // With CURVE the daemon records the board's key name, as for acks.
        if (!daemon.security.curve()) request["by"] = board_name_;
        control_socket->send(zmq::buffer(request.dump()), zmq::send_flags::dontwait);
        acks_in_flight.push_back(
            {std::to_string(id), std::chrono::steady_clock::now() + kAckTimeout, true});
        sync.mutable_model().callback_status = "call-back " + std::to_string(id) + " …";
        sync.touch();
      }
      for (const std::string& id : acks) {
        if (!control_socket)
          control_socket = connect_dealer(context, daemon.control, daemon.security);
        nlohmann::json request{{"command", "ack"}, {"id", id}};
        // With CURVE the daemon records the board's key name; claiming a name would be refused.
        if (!daemon.security.curve()) request["by"] = board_name_;
        control_socket->send(zmq::buffer(request.dump()), zmq::send_flags::dontwait);
        acks_in_flight.push_back({id, std::chrono::steady_clock::now() + kAckTimeout});
        sync.mutable_model().ack_status = "acknowledging " + id + " …";
        sync.touch();
      }

      std::vector<zmq::pollitem_t> items{{subscriber.handle(), 0, ZMQ_POLLIN, 0}};
      if (snapshot_socket) items.push_back({snapshot_socket->handle(), 0, ZMQ_POLLIN, 0});
      if (control_socket) items.push_back({control_socket->handle(), 0, ZMQ_POLLIN, 0});
      zmq::poll(items, kPollPeriod);
      const SteadyTime now = std::chrono::steady_clock::now();

      // Everything queued is applied before the model is handed over (one copy per wake-up).
      zmq::message_t message;
      while (subscriber.recv(message, zmq::recv_flags::dontwait))
        sync.on_published(message.to_string_view(), now);
      if (snapshot_socket && snapshot_socket->recv(message, zmq::recv_flags::dontwait)) {
        sync.on_snapshot(message.to_string_view(), now);
        snapshot_socket.reset();
      }
      if (control_socket) {
        while (!acks_in_flight.empty() &&
               control_socket->recv(message, zmq::recv_flags::dontwait)) {
          const AckInFlight& answered = acks_in_flight.front();
          if (answered.callback)
            sync.mutable_model().callback_status =
                describe_callback_reply(answered.id, message.to_string());
          else
            sync.mutable_model().ack_status = describe_ack_reply(answered.id, message.to_string());
          acks_in_flight.pop_front();
          sync.touch();
        }
        if (!acks_in_flight.empty() && now > acks_in_flight.front().deadline) {
          const AckInFlight& late = acks_in_flight.front();
          status_of(sync.mutable_model(), late.callback) =
              (late.callback ? "call-back " : "acknowledge ") + late.id +
              ": no answer from the daemon";
          acks_in_flight.clear();
          control_socket.reset();  // late replies must not be matched to later requests
          sync.touch();
        }
      }
      sync.on_tick(now);

      if (sync.version() != published_version) {
        published_version = sync.version();
        std::function<void(const BoardModel&)> observer;
        {
          std::lock_guard lock(mutex_);
          observer = observer_;
        }
        if (observer) observer(sync.model());
        std::lock_guard lock(mutex_);
        // Wake the frame loop before copying: its wake-up (about 0.3 ms) overlaps the copy (0.1 ms
        // at 2,000 agents), and it waits on this lock for the new model.
        if (on_change_) on_change_();
        shared_model_ = sync.model();
        ++shared_version_;
      }
    } catch (const zmq::error_t& error) {
      if (error.num() == ETERM) return;
      // Anything else (a bad endpoint, EINTR) must not end the board: start over shortly.
      std::this_thread::sleep_for(kPollPeriod);
    }
  }
}

}  // namespace floorwatch::wallboard
