#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

#include <spdlog/spdlog.h>

namespace floorwatch::daemon {

SystemdNotifier::SystemdNotifier(std::string socket_path, const std::string& watchdog_usec)
    : socket_path_(std::move(socket_path)) {
  if (socket_path_.size() >= sizeof(sockaddr_un{}.sun_path) ||
      (!socket_path_.empty() && socket_path_[0] != '/' && socket_path_[0] != '@')) {
    spdlog::warn("NOTIFY_SOCKET \"{}\" is not a unix socket path; not notifying systemd",
                 socket_path_);
    socket_path_.clear();
  }
  if (!socket_path_.empty()) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) socket_path_.clear();
  }
  char* end = nullptr;
  const unsigned long long usec = std::strtoull(watchdog_usec.c_str(), &end, 10);
  if (!watchdog_usec.empty() && end && *end == '\0' && usec > 0)
    watchdog_period_ = std::chrono::microseconds(usec);
}

SystemdNotifier SystemdNotifier::from_environment() {
  const char* socket_path = std::getenv("NOTIFY_SOCKET");
  const char* watchdog_usec = std::getenv("WATCHDOG_USEC");
  return SystemdNotifier(socket_path ? socket_path : "", watchdog_usec ? watchdog_usec : "");
}

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) ::close(fd_);
}

bool SystemdNotifier::send(const std::string& state) {
  if (!enabled()) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  const ssize_t sent = ::sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  return sent == static_cast<ssize_t>(state.size());
}

void SystemdNotifier::ready(const std::string& status) {
  send("READY=1\nSTATUS=" + status);
}

void SystemdNotifier::reloading() {
  // systemd >= 253 wants MONOTONIC_USEC with RELOADING=1; older ones ignore it.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::stopping() {
  send("STOPPING=1");
}

void SystemdNotifier::watchdog(std::chrono::steady_clock::time_point now) {
  if (!enabled() || !watchdog_period_) return;
  if (now - last_watchdog_ < *watchdog_period_ / 2) return;
  last_watchdog_ = now;
  send("WATCHDOG=1");
}

}  // namespace floorwatch::daemon
