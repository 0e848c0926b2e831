#pragma once
// A scripted FreeSWITCH event socket for tests: listens on 127.0.0.1 (port chosen by the OS)
// and speaks mod_event_socket's inbound protocol on each accepted connection: auth/request,
// `auth` checked against the password (-ERR invalid, then close, as the module does),
// `event plain ...` acknowledged, `api ...` answered from the session's table, then the
// session's event bytes once the client has read its snapshot. Shared by the unit and the
// integration tests.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "freeswitch/esl_transcript.h"
#include "support/loopback_listener.h"

namespace floorwatch::test::esl {

/// What one connection does. Plain value type.
struct PeerSession {
  std::string password = "ClueCon";
  /// Refuse at once like an event-socket ACL: text/rude-rejection, then close.
  bool rude_rejection = false;
  /// `api` command (without "api ") -> reply body; unknown commands get "-ERR ... not found".
  std::map<std::string, std::string> api;
  /// Sent once the client asked for every queue's members (and, if set, release() was called).
  std::string events;
  bool wait_for_release = false;
  bool close_after_events = false;  ///< hang up after `events`, like a FreeSWITCH restart
  bool answer_pings = true;         ///< false: a dead link that still accepts bytes
};

/// Sessions play in order; the last one repeats for further connections. Thread-safe getters.
class ScriptedEslPeer {
 public:
  explicit ScriptedEslPeer(std::vector<PeerSession> sessions) : sessions_(std::move(sessions)) {
    const auto listener = floorwatch::test::listen_on_loopback("scripted ESL peer");
    listen_fd_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedEslPeer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }

  int port() const { return port_; }
  void release() { released_ = true; }
  int connections() const { return connections_; }
  int accepted_auths() const { return accepted_auths_; }
  int refused_auths() const { return refused_auths_; }
  /// Every session's events went out (and, with close_after_events, the socket closed).
  int sessions_played() const { return sessions_played_; }
  /// Every command received, in order ("auth ClueCon", "api callcenter_config queue list").
  std::vector<std::string> commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
  }

 private:
  void serve() {
    std::size_t index = 0;
    pollfd readable{listen_fd_, POLLIN, 0};
    while (!stop_) {
      if (poll(&readable, 1, 20) <= 0) continue;
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      play(fd, sessions_[std::min(index, sessions_.size() - 1)]);
      close(fd);
      ++index;
    }
  }

  static void send_bytes(int fd, const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  // How many `queue list members` requests the session's queue list will cause.
  static int queues_in(const PeerSession& session) {
    const auto it = session.api.find("callcenter_config queue list");
    if (it == session.api.end()) return 0;
    int lines = 0;
    for (const char c : it->second) lines += c == '\n';
    return lines <= 1 ? 0 : lines - 2;  // minus the header and "+OK"
  }

  // Answers one command; false when the session must end (refused auth).
  bool answer(int fd, const PeerSession& session, const std::string& command, int& members_asked) {
    {
      std::lock_guard lock(mutex_);
      commands_.push_back(command);
    }
    if (command.rfind("auth ", 0) == 0) {
      if (command.substr(5) != session.password) {
        ++refused_auths_;
        send_bytes(fd, "Content-Type: command/reply\nReply-Text: -ERR invalid\n\n");
        return false;
      }
      ++accepted_auths_;
      send_bytes(fd, "Content-Type: command/reply\nReply-Text: +OK accepted\n\n");
    } else if (command.rfind("event ", 0) == 0) {
      send_bytes(fd,
                 "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n");
    } else if (command.rfind("api ", 0) == 0) {
      const std::string api = command.substr(4);
      if (api == "status" && !session.answer_pings) return true;
      if (api.rfind("callcenter_config queue list members ", 0) == 0) ++members_asked;
      const auto it = session.api.find(api);
      send_bytes(fd, api_response(it != session.api.end() ? it->second
                                  : api == "status"       ? "UP 0 years, 0 days\n+OK\n"
                                                    : "-ERR " + api + " Command not found!\n"));
    }
    return true;
  }

  void play(int fd, const PeerSession& session) {
    if (session.rude_rejection) {
      const std::string text = "Access Denied, go away.\n";
      send_bytes(fd, "Content-Type: text/rude-rejection\nContent-Length: " +
                         std::to_string(text.size()) + "\n\n" + text);
      return;
    }
    send_bytes(fd, "Content-Type: auth/request\n\n");
    std::string pending;
    int members_asked = 0;
    bool tiers_asked = false, events_sent = false;
    pollfd readable{fd, POLLIN, 0};
    char chunk[4096];
    while (!stop_) {
      const bool seeded = tiers_asked && members_asked >= queues_in(session);
      if (!events_sent && seeded && (!session.wait_for_release || released_)) {
        send_bytes(fd, session.events);
        events_sent = true;
        if (session.close_after_events) {
          ++sessions_played_;
          return;
        }
        ++sessions_played_;
      }
      if (poll(&readable, 1, 20) <= 0) continue;
      const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return;  // the client hung up
      pending.append(chunk, static_cast<std::size_t>(got));
      std::size_t end;
      while ((end = pending.find("\n\n")) != std::string::npos) {
        const std::string command = pending.substr(0, end);
        pending.erase(0, end + 2);
        if (command == "api callcenter_config tier list") tiers_asked = true;
        if (!answer(fd, session, command, members_asked)) return;
      }
    }
  }

  const std::vector<PeerSession> sessions_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> released_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> accepted_auths_{0};
  std::atomic<int> refused_auths_{0};
  std::atomic<int> sessions_played_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> commands_;
  std::thread thread_;
};

}  // namespace floorwatch::test::esl
