#pragma once
// A listening TCP socket on 127.0.0.1 with a port the OS chose, for the scripted peers that
// stand in for Asterisk AMI and FreeSWITCH ESL: a fixed port would collide between parallel
// test runs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace floorwatch::test {

struct LoopbackListener {
  int fd = -1;
  int port = 0;
};

/// Throws std::runtime_error naming `who` when it cannot listen. The caller closes `fd`.
inline LoopbackListener listen_on_loopback(const std::string& who, int backlog = 8) {
  LoopbackListener listener;
  listener.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  setsockopt(listener.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(listener.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener.fd, backlog) != 0) {
    close(listener.fd);
    throw std::runtime_error(who + ": cannot listen");
  }
  socklen_t length = sizeof address;
  getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length);
  listener.port = ntohs(address.sin_port);
  return listener;
}

}  // namespace floorwatch::test
