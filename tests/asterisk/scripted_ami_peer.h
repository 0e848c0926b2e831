#pragma once
// A scripted AMI server for tests: listens on 127.0.0.1 (port chosen by the OS), and for each
// accepted connection plays one Session: the greeting (banner), then for every scripted action
// the client sends, the recorded server bytes that answered it in a real capture, byte for byte.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "floorwatch/asterisk/ami_framer.h"
#include "support/loopback_listener.h"

namespace floorwatch::asterisk::testing {

/// One client action and the server bytes sent back when it arrives.
struct ScriptedReply {
  std::string action;  ///< lower case, e.g. "login", "queuestatus"
  std::string bytes;
};

/// What one connection does. Plain value type.
struct ScriptedSession {
  std::string greeting;                ///< sent on accept (the banner)
  std::vector<ScriptedReply> replies;  ///< in order; unscripted actions get no reply
  std::string after_script;            ///< sent once the last reply went out
  std::string pong;                    ///< reply to every Ping; empty = ignore pings (dead link)
  bool close_after_script = true;      ///< drop the connection, or stay silent until stopped
};

/// Splits a recorded client/server transcript (as stored in tests/asterisk/data) into the
/// server bytes before the first client action and one ScriptedReply per client action. A
/// client action is a block whose first line starts with "action:" (any case).
struct SplitTranscript {
  std::string before_first_action;
  std::vector<ScriptedReply> replies;
};
inline SplitTranscript split_transcript(const std::string& bytes) {
  SplitTranscript split;
  std::string* server = &split.before_first_action;
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t end = bytes.find('\n', at);
    end = end == std::string::npos ? bytes.size() : end + 1;
    const std::string line = bytes.substr(at, end - at);
    if (line.size() > 7 &&
        (line.compare(0, 7, "action:") == 0 || line.compare(0, 7, "Action:") == 0 ||
         line.compare(0, 7, "ACTION:") == 0)) {
      std::string name = line.substr(7);
      while (!name.empty() && (name.front() == ' ')) name.erase(0, 1);
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r' || name.back() == ' '))
        name.pop_back();
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      // Skip the client's block up to and including its empty line.
      std::size_t block_end = end;
      while (block_end < bytes.size()) {
        std::size_t next = bytes.find('\n', block_end);
        next = next == std::string::npos ? bytes.size() : next + 1;
        const std::string block_line = bytes.substr(block_end, next - block_end);
        block_end = next;
        if (block_line == "\n" || block_line == "\r\n") break;
      }
      split.replies.push_back(ScriptedReply{name, {}});
      server = &split.replies.back().bytes;
      at = block_end;
      continue;
    }
    *server += line;
    at = end;
  }
  return split;
}

/// The peer. Sessions are played in order, one per accepted connection. Thread-safe accessors.
class ScriptedAmiPeer {
 public:
  explicit ScriptedAmiPeer(std::vector<ScriptedSession> sessions) : sessions_(std::move(sessions)) {
    const auto listener = floorwatch::test::listen_on_loopback("scripted AMI peer", 4);
    listen_fd_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedAmiPeer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }

  int port() const { return port_; }
  /// Every message the client sent, per connection, as "Key: Value" lines.
  std::vector<std::vector<AmiMessage>> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  int connections() const { return connections_; }

 private:
  void serve() {
    for (const ScriptedSession& session : sessions_) {
      const int fd = accept_one();
      if (fd < 0) return;
      ++connections_;
      {
        std::lock_guard lock(mutex_);
        received_.emplace_back();
      }
      play(fd, session);
      close(fd);
    }
  }

  int accept_one() {
    pollfd readable{listen_fd_, POLLIN, 0};
    while (!stop_) {
      if (poll(&readable, 1, 20) > 0) return accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    }
    return -1;
  }

  static void send_bytes(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  void play(int fd, const ScriptedSession& session) {
    send_bytes(fd, session.greeting);
    AmiFramer framer;
    std::size_t next_reply = 0;
    bool script_done = session.replies.empty();
    if (script_done) send_bytes(fd, session.after_script);
    if (script_done && session.close_after_script) return;
    pollfd readable{fd, POLLIN, 0};
    char chunk[4096];
    while (!stop_) {
      if (poll(&readable, 1, 20) <= 0) continue;
      const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return;  // the client hung up
      framer.feed(std::string_view(chunk, static_cast<std::size_t>(got)));
      while (auto message = framer.next()) {
        std::string action(message->get_or("Action", ""));
        for (char& c : action) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        {
          std::lock_guard lock(mutex_);
          received_.back().push_back(*message);
        }
        if (action == "ping" && !session.pong.empty()) send_bytes(fd, session.pong);
        if (!script_done && action == session.replies[next_reply].action) {
          send_bytes(fd, session.replies[next_reply].bytes);
          if (++next_reply == session.replies.size()) {
            script_done = true;
            send_bytes(fd, session.after_script);
            if (session.close_after_script) return;
          }
        }
      }
    }
  }

  std::vector<ScriptedSession> sessions_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::vector<AmiMessage>> received_;
  std::thread thread_;
};

}  // namespace floorwatch::asterisk::testing
