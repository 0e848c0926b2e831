#include "alerts/notifiers/http_post.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace floorwatch::alerts {
namespace {

using SteadyClock = std::chrono::steady_clock;

int remaining_ms(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Closes the descriptor on every return path.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool wait_for(int fd, short events, SteadyClock::time_point deadline) {
  pollfd descriptor{fd, events, 0};
  while (true) {
    const int ready = ::poll(&descriptor, 1, remaining_ms(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Connects a non-blocking socket to the first address that answers before the deadline.
int connect_to(const HttpUrl& url, SteadyClock::time_point deadline, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (const int status = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &addresses);
      status != 0) {
    error = "cannot resolve " + url.host + ": " + ::gai_strerror(status);
    return -1;
  }
  int connected = -1;
  for (addrinfo* address = addresses; address && connected < 0; address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            address->ai_protocol);
    if (fd < 0) continue;
    int result = ::connect(fd, address->ai_addr, address->ai_addrlen);
    if (result != 0 && errno == EINPROGRESS) {
      if (wait_for(fd, POLLOUT, deadline)) {
        int socket_error = 0;
        socklen_t length = sizeof socket_error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);
        result = socket_error == 0 ? 0 : -1;
        errno = socket_error;
        if (result != 0)
          error = "connect to " + url.host + ":" + url.port + ": " + std::strerror(socket_error);
      } else {
        error = "connect to " + url.host + ":" + url.port + ": timed out";
      }
    } else if (result != 0) {
      error = "connect to " + url.host + ":" + url.port + ": " + std::strerror(errno);
    }
    if (result == 0) {
      connected = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(addresses);
  if (connected >= 0) error.clear();
  return connected;
}

std::optional<std::size_t> content_length(std::string_view headers) {
  // Header names are case-insensitive; scan line by line.
  std::size_t start = 0;
  while (start < headers.size()) {
    std::size_t end = headers.find("\r\n", start);
    if (end == std::string_view::npos) end = headers.size();
    const std::string_view line = headers.substr(start, end - start);
    constexpr std::string_view kName = "content-length:";
    if (line.size() > kName.size()) {
      bool same = true;
      for (std::size_t i = 0; i < kName.size() && same; ++i)
        same = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
      if (same) {
        std::string_view value = line.substr(kName.size());
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        std::size_t length = 0;
        const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
        if (ec == std::errc()) return length;
      }
    }
    start = end + 2;
  }
  return std::nullopt;
}

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  HttpUrl parsed;
  const std::size_t path_at = url.find('/');
  std::string_view authority = url.substr(0, path_at);
  if (path_at != std::string_view::npos) parsed.path = std::string(url.substr(path_at));
  if (authority.empty()) return std::nullopt;
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    parsed.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (authority.front() != ':') return std::nullopt;
      parsed.port = std::string(authority.substr(1));
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) parsed.port = std::string(authority.substr(colon + 1));
  }
  if (parsed.host.empty() || parsed.port.empty()) return std::nullopt;
  for (const char c : parsed.port)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return parsed;
}

HttpResponse http_post(const HttpUrl& url, const std::string& content_type, const std::string& body,
                       std::chrono::milliseconds timeout) {
  HttpResponse response;
  const auto deadline = SteadyClock::now() + timeout;
  const Socket socket(connect_to(url, deadline, response.error));
  if (socket.fd() < 0) return response;

  const bool v6 = url.host.find(':') != std::string::npos;
  const std::string host_header = (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port;
  std::string request = "POST " + url.path + " HTTP/1.1\r\nHost: " + host_header +
                        "\r\nUser-Agent: floorwatch\r\nContent-Type: " + content_type +
                        "\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n\r\n" + body;
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        ::send(socket.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!wait_for(socket.fd(), POLLOUT, deadline)) {
        response.error = "send: timed out";
        return response;
      }
    } else {
      response.error = std::string("send: ") + std::strerror(errno);
      return response;
    }
  }

  std::string raw;
  std::optional<std::size_t> header_end;
  std::optional<std::size_t> expected_body;
  while (true) {
    if (header_end && expected_body && raw.size() >= *header_end + *expected_body) break;
    if (!wait_for(socket.fd(), POLLIN, deadline)) {
      response.error = "response: timed out";
      return response;
    }
    char buffer[8192];
    const ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) {
      response.error = std::string("recv: ") + std::strerror(errno);
      return response;
    }
    if (n == 0) break;  // server closed: the body is what we have
    raw.append(buffer, static_cast<std::size_t>(n));
    if (!header_end) {
      const std::size_t end = raw.find("\r\n\r\n");
      if (end != std::string::npos) {
        header_end = end + 4;
        expected_body = content_length(std::string_view(raw).substr(0, end));
      }
    }
  }
  if (!header_end || raw.size() < 12 || !raw.starts_with("HTTP/1.")) {
    response.error = "response: not HTTP";
    return response;
  }
  const auto [ptr, ec] = std::from_chars(raw.data() + 9, raw.data() + 12, response.status);
  if (ec != std::errc()) {
    response.error = "response: bad status line";
    return response;
  }
  response.body = raw.substr(*header_end);
  return response;
}

}  // namespace floorwatch::alerts
