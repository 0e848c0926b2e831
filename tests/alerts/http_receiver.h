#pragma once
// A real HTTP receiver for notifier tests: a thread with a listening socket on 127.0.0.1:0
// that records each request and answers with scripted statuses, or never answers ("hung").
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/closed_port.h"

namespace floorwatch::test {

struct ReceivedRequest {
  std::string request_line;  ///< "POST /hook HTTP/1.1"
  std::string headers;
  std::string body;
};

/// Thread-safe. Stops and joins on destruction.
class HttpReceiver {
 public:
  enum class Mode { Answer, Hang };

  /// `statuses` are used in order, one per request; after them every request gets
  /// `default_status`.
  explicit HttpReceiver(std::deque<int> statuses = {}, int default_status = 200,
                        Mode mode = Mode::Answer)
      : statuses_(std::move(statuses)), default_status_(default_status), mode_(mode) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket failed");
    const int yes = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0)
      throw std::runtime_error("bind/listen failed");
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;
  ~HttpReceiver() {
    stop_ = true;
    thread_.join();
    for (int fd : hung_) ::close(fd);
    ::close(listen_fd_);
  }

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  /// Waits until at least `count` requests arrived.
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd descriptor{listen_fd_, POLLIN, 0};
      if (::poll(&descriptor, 1, 20) <= 0) continue;
      const int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      handle(client);
    }
  }

  void handle(int client) {
    std::string raw;
    std::size_t header_end = std::string::npos;
    std::size_t body_length = 0;
    while (true) {
      pollfd descriptor{client, POLLIN, 0};
      if (::poll(&descriptor, 1, 2000) <= 0) break;
      char buffer[8192];
      const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      raw.append(buffer, static_cast<std::size_t>(n));
      if (header_end == std::string::npos) {
        header_end = raw.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          const std::string headers = raw.substr(0, header_end);
          std::string lower;
          for (char c : headers)
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          const auto at = lower.find("content-length:");
          if (at != std::string::npos)
            body_length = std::strtoul(lower.c_str() + at + 15, nullptr, 10);
        }
      }
      if (header_end != std::string::npos && raw.size() >= header_end + 4 + body_length) break;
    }
    ReceivedRequest request;
    if (header_end != std::string::npos) {
      const std::size_t line_end = raw.find("\r\n");
      request.request_line = raw.substr(0, line_end);
      request.headers = raw.substr(line_end + 2, header_end - line_end - 2);
      request.body = raw.substr(header_end + 4);
    }
    int status = default_status_;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (!statuses_.empty()) {
        status = statuses_.front();
        statuses_.pop_front();
      }
    }
    arrived_.notify_all();
    if (mode_ == Mode::Hang) {
      hung_.push_back(client);  // keep the connection open and silent until destruction
      return;
    }
    const std::string body = "{}";
    const std::string response = "HTTP/1.1 " + std::to_string(status) +
                                 " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
                                 std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                                 body;
    ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
    ::close(client);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::deque<int> statuses_;
  const int default_status_;
  const Mode mode_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> hung_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace floorwatch::test
