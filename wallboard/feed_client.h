#pragma once
// The wallboard's connection to floorwatchd: a thread that owns the feed sockets (SUB for
// deltas and heartbeats, a DEALER per snapshot request) and a control DEALER for
// acknowledgements, runs FeedSync, and hands the model to the frame loop.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "security/socket_security.h"
#include "wallboard/board_model.h"
#include "wallboard/feed_sync.h"

namespace floorwatch::wallboard {

/// Where one daemon is and how to prove who we are. Plain value type.
struct FeedEndpoints {
  std::string publish = "tcp://127.0.0.1:5573";   ///< the daemon's feed PUB
  std::string snapshot = "tcp://127.0.0.1:5572";  ///< the daemon's feed ROUTER
  std::string control = "tcp://127.0.0.1:5571";   ///< the daemon's control ROUTER (acks)
  /// CURVE keys for all three sockets (docs/security.md); empty = plaintext.
  security::ClientSecurity security;
};

/// Runs the feed on its own thread from construction to destruction. Thread-safe: the frame
/// loop copies the model and queues acknowledgements; `on_change` runs on the feed thread
/// (e.g. glfwPostEmptyEvent, so the frame loop wakes within a frame of a delta), just before the
/// new model is handed over and with the client's lock held: it must not call the client.
/// With several daemons (an HA pair) it follows one at a time, the first at start, and moves to
/// the next when the one followed goes silent (FeedTimings::failover_after, defaulted from the
/// silence limit when zero); acknowledgements go to the daemon followed.
class FeedClient {
 public:
  FeedClient(std::vector<FeedEndpoints> daemons, std::string board_name, FeedTimings timings = {},
             std::function<void()> on_change = {});
  FeedClient(FeedEndpoints endpoints, std::string board_name, FeedTimings timings = {},
             std::function<void()> on_change = {});
  ~FeedClient();
  FeedClient(const FeedClient&) = delete;
  FeedClient& operator=(const FeedClient&) = delete;

  /// Copies the model into `out` when its version differs from `seen_version` (then updates
  /// it); true when copied.
  bool copy_model_if_changed(BoardModel& out, std::uint64_t& seen_version) const;
  /// As copy_model_if_changed, for the client's one reader (the frame loop): the model is
  /// swapped into `out`, no copy of 2,000 agents on the way to the screen.
  /// `out`'s old content is left behind and overwritten with the next change, so a client that
  /// is taken from must not also be copied from.
  bool take_model_if_changed(BoardModel& out, std::uint64_t& seen_version);
  /// Sends {"command":"ack","id":...,"by":<board name>} to the control socket (with CURVE
  /// without `by`: the daemon records the key's name); the outcome appears in
  /// BoardModel::ack_status.
  void acknowledge(const std::string& alert_id);
  /// Sends {"command":"callback_done","id":...,"by":<board name>} (with CURVE the daemon
  /// records the key's name); the outcome lands in BoardModel::callback_status.
  void callback_done(std::uint64_t callback_id);

  /// Lets a caller watch every applied change on the feed thread (benchmarks): called with the
  /// model after each change, before on_change. Set before the first message matters.
  void set_model_observer(std::function<void(const BoardModel&)> observer);

 private:
  void run();

  std::vector<FeedEndpoints> daemons_;
  std::string board_name_;
  FeedTimings timings_;
  std::function<void()> on_change_;
  std::function<void(const BoardModel&)> observer_;

  mutable std::mutex
      mutex_;  // guards shared_model_, shared_version_, pending_acks_/_callbacks_, observer_
  BoardModel shared_model_;
  std::uint64_t shared_version_ = 0;
  std::vector<std::string> pending_acks_;
  std::vector<std::uint64_t> pending_callbacks_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// What a control-socket reply to an ack means for the people looking at the board.
/// `reply` is the JSON text; never throws.
/// What a reply to `callback_done` means for the people looking at the board.
std::string describe_callback_reply(const std::string& callback_id, const std::string& reply);
std::string describe_ack_reply(const std::string& alert_id, const std::string& reply);

}  // namespace floorwatch::wallboard
