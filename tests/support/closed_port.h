#pragma once
// A loopback TCP port with nothing listening, for a receiver that is down or for a program
// (Alertmanager) that must be told its port before it starts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace floorwatch::test {

/// A loopback port with nothing listening (bound, then closed): connections are refused.
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

/// "tcp://127.0.0.1:PORT": a ZeroMQ endpoint on a port chosen beforehand (a daemon's control
/// bind that its HA partner is told before either starts).
inline std::string loopback_endpoint(int port) {
  return "tcp://127.0.0.1:" + std::to_string(port);
}

}  // namespace floorwatch::test
