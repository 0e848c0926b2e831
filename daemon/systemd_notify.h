#pragma once
// sd_notify(3) without libsystemd: the protocol is one datagram per state change on the unix
// socket named by $NOTIFY_SOCKET, so a few lines replace a library dependency.
#include <chrono>
#include <optional>
#include <string>

namespace floorwatch::daemon {

/// Talks to the service manager when started by systemd with Type=notify; does nothing
/// otherwise. Not thread-safe: the main thread and the loop use it in turn.
class SystemdNotifier {
 public:
  /// `socket_path`: $NOTIFY_SOCKET ("" = not under systemd; "@name" = abstract namespace).
  /// `watchdog_usec`: $WATCHDOG_USEC ("" = no watchdog).
  SystemdNotifier(std::string socket_path, const std::string& watchdog_usec);
  /// Reads NOTIFY_SOCKET and WATCHDOG_USEC from the environment (main() only).
  static SystemdNotifier from_environment();
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool enabled() const { return !socket_path_.empty(); }
  void ready(const std::string& status);
  void reloading();
  void stopping();
  /// Sends WATCHDOG=1 when half the watchdog period has passed since the last one.
  void watchdog(std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::microseconds> watchdog_period() const { return watchdog_period_; }
  /// Sends `state` (lines of KEY=VALUE) as is; false when it could not be sent.
  bool send(const std::string& state);

 private:
  std::string socket_path_;
  int fd_ = -1;
  std::optional<std::chrono::microseconds> watchdog_period_;
  std::chrono::steady_clock::time_point last_watchdog_{};
};

}  // namespace floorwatch::daemon
