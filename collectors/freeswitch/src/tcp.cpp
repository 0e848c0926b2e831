#include "tcp.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace floorwatch::freeswitch::tcp {

int poll_timeout_ms(core::Duration wait) {
  return static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, 60'000));
}

namespace {

// Finishes a non-blocking connect; 0 on success, else errno set.
int finish_connect(int fd, core::Duration timeout, std::string& error) {
  pollfd writable{fd, POLLOUT, 0};
  if (poll(&writable, 1, poll_timeout_ms(timeout)) == 0) {
    error = "connect timed out";
    return -1;
  }
  int socket_error = 0;
  socklen_t length = sizeof socket_error;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);
  if (socket_error != 0) error = std::strerror(socket_error);
  return socket_error == 0 ? 0 : -1;
}

}  // namespace

int connect_to(const std::string& host, int port, core::Duration timeout, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (const int status =
          getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &addresses);
      status != 0) {
    error = std::string("cannot resolve: ") + gai_strerror(status);
    return -1;
  }
  int connected = -1;
  for (addrinfo* a = addresses; a != nullptr && connected < 0; a = a->ai_next) {
    const int fd =
        socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    int status = connect(fd, a->ai_addr, a->ai_addrlen);
    if (status != 0 && errno == EINPROGRESS) {
      status = finish_connect(fd, timeout, error);
    } else if (status != 0) {
      error = std::strerror(errno);
    }
    if (status != 0) {
      close(fd);
      continue;
    }
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    connected = fd;
  }
  freeaddrinfo(addresses);
  return connected;
}

bool send_all(int fd, std::string_view bytes, core::Duration timeout) {
  while (!bytes.empty()) {
    const ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd writable{fd, POLLOUT, 0};
      if (poll(&writable, 1, poll_timeout_ms(timeout)) <= 0) return false;
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace floorwatch::freeswitch::tcp
