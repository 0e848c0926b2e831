// The real `floorwatch-collector ami` against a scripted Asterisk Manager Interface peer, feeding
// a real floorwatchd, checked on /metrics against figures derived by hand below.
//
// Transcript source: no real AMI capture with call events exists in ../shared/realdata or
// tests/asterisk/data (the two panoramisk captures hold login, QueueStatus without callers and
// member events; handwritten_ami_asterisk16.txt is hand-written and carries `Timestamp:` keys
// from 2023, which cannot be mixed with QueueStatus seeding stamped at receipt time). So the
// peer speaks Asterisk 16's exact field sets (docs/collectors/asterisk.md, formats reference)
// with timestampevents=no, Asterisk's default: every event is stamped by the collector's clock.
//
// Daemon clock: wall. The seeded caller is enqueued at "receipt time - Wait", and its oldest
// wait must keep growing from 42 s while we look; with --clock event the daemon's now would be
// the newest event (the seed itself) and the wait would read 0. No assertion depends on how
// many milliseconds pass between events, only on counts and on a lower bound of the wait.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "integration/floor_fixture.h"
#include "support/loopback_listener.h"

using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kBanner = "Asterisk Call Manager/5.0.1\r\n";

/// What the peer does on one accepted connection after a successful Login.
struct PeerSession {
  std::string status_events;  ///< QueueStatus list items (without the leading Response)
  std::string events;         ///< sent after the list once release() was called
  bool wait_for_release = false;
  bool drop_after_events = false;  ///< hang up after `events`, like an Asterisk restart
};

/// A scripted AMI server on 127.0.0.1:0, in its own thread. Answers Login by checking the
/// secret (Asterisk closes the session after a failed Login), QueueStatus with the session's
/// list, Ping with Pong. Sessions play in order; the last one repeats for further connections.
class ScriptedAmiServer {
 public:
  ScriptedAmiServer(std::string secret, std::vector<PeerSession> sessions)
      : secret_(std::move(secret)), sessions_(std::move(sessions)) {
    const auto listener = floorwatch::test::listen_on_loopback("scripted AMI server");
    listen_fd_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedAmiServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }

  int port() const { return port_; }
  void release() { released_ = true; }
  int connections() const { return connections_; }
  int successful_logins() const { return successful_logins_; }
  int refused_logins() const { return refused_logins_; }
  /// The first connection's events went out and the connection was closed.
  bool dropped() const { return dropped_; }

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

  // "Key: Value" of one client action block, keys as sent.
  static std::map<std::string, std::string> parse_action(const std::string& block) {
    std::map<std::string, std::string> fields;
    std::size_t at = 0;
    while (at < block.size()) {
      std::size_t end = block.find("\r\n", at);
      if (end == std::string::npos) end = block.size();
      const std::string line = block.substr(at, end - at);
      if (const auto colon = line.find(": "); colon != std::string::npos)
        fields[line.substr(0, colon)] = line.substr(colon + 2);
      at = end + 2;
    }
    return fields;
  }

  static int count_events(const std::string& bytes) {
    int count = 0;
    for (std::size_t at = bytes.find("Event: "); at != std::string::npos;
         at = bytes.find("Event: ", at + 1))
      ++count;
    return count;
  }

  void play(int fd, const PeerSession& session) {
    send_bytes(fd, kBanner);
    std::string pending;
    bool events_due = false;
    pollfd readable{fd, POLLIN, 0};
    char chunk[4096];
    while (!stop_) {
      if (events_due && (!session.wait_for_release || released_)) {
        send_bytes(fd, session.events);
        events_due = false;
        if (session.drop_after_events) {
          dropped_ = true;
          return;
        }
      }
      if (poll(&readable, 1, 20) <= 0) continue;
      const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return;  // the collector hung up
      pending.append(chunk, static_cast<std::size_t>(got));
      std::size_t end;
      while ((end = pending.find("\r\n\r\n")) != std::string::npos) {
        auto action = parse_action(pending.substr(0, end + 2));
        pending.erase(0, end + 4);
        const std::string id = "ActionID: " + action["ActionID"] + "\r\n";
        if (action["Action"] == "Login") {
          if (action["Secret"] != secret_) {
            ++refused_logins_;
            send_bytes(fd, "Response: Error\r\n" + id + "Message: Authentication failed\r\n\r\n");
            return;
          }
          ++successful_logins_;
          send_bytes(fd, "Response: Success\r\n" + id + "Message: Authentication accepted\r\n\r\n");
        } else if (action["Action"] == "QueueStatus") {
          send_bytes(fd, "Response: Success\r\n" + id +
                             "EventList: start\r\nMessage: Queue status will follow\r\n\r\n" +
                             session.status_events + "Event: QueueStatusComplete\r\n" + id +
                             "EventList: Complete\r\nListItems: " +
                             std::to_string(count_events(session.status_events)) + "\r\n\r\n");
          events_due = !session.events.empty();
        } else if (action["Action"] == "Ping") {
          send_bytes(fd, "Response: Success\r\n" + id +
                             "Ping: Pong\r\nTimestamp: 1700001300.000000\r\n\r\n");
        }
      }
    }
  }

  const std::string secret_;
  const std::vector<PeerSession> sessions_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> released_{false};
  std::atomic<bool> dropped_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> successful_logins_{0};
  std::atomic<int> refused_logins_{0};
  std::thread thread_;
};

// The channel part Asterisk 16 puts in every queue caller event.
std::string caller_channel(const std::string& channel, const std::string& number,
                           const std::string& uniqueid) {
  return "Privilege: agent,all\r\nChannel: " + channel +
         "\r\nChannelState: 6\r\nChannelStateDesc: Up\r\nCallerIDNum: " + number +
         "\r\nCallerIDName: <unknown>\r\nConnectedLineNum: <unknown>\r\n"
         "ConnectedLineName: <unknown>\r\nLanguage: en\r\nAccountCode: \r\nContext: from-trunk\r\n"
         "Exten: 600\r\nPriority: 1\r\nUniqueid: " +
         uniqueid + "\r\nLinkedid: " + uniqueid + "\r\n";
}

std::string join(const std::string& channel, const std::string& number, const std::string& uniqueid,
                 int position) {
  return "Event: QueueCallerJoin\r\n" + caller_channel(channel, number, uniqueid) +
         "Queue: sales\r\nPosition: " + std::to_string(position) +
         "\r\nCount: " + std::to_string(position) + "\r\n\r\n";
}

std::string leave(const std::string& channel, const std::string& number,
                  const std::string& uniqueid, int count) {
  return "Event: QueueCallerLeave\r\n" + caller_channel(channel, number, uniqueid) +
         "Queue: sales\r\nCount: " + std::to_string(count) + "\r\nPosition: 1\r\n\r\n";
}

std::string agent_event(const std::string& name, const std::string& extra) {
  return "Event: " + name + "\r\n" +
         caller_channel("PJSIP/trunk-00000010", "5550201", "1700001100.16") +
         "DestChannel: PJSIP/erin-00000015\r\nDestChannelState: 6\r\nDestChannelStateDesc: Up\r\n"
         "DestCallerIDNum: 6001\r\nDestUniqueid: 1700001160.21\r\nDestLinkedid: 1700001160.21\r\n"
         "Queue: sales\r\nInterface: PJSIP/erin\r\nMemberName: Erin\r\n" +
         extra + "\r\n";
}

std::string queue_params(int calls) {
  return "Event: QueueParams\r\nQueue: sales\r\nMax: 0\r\nStrategy: rrmemory\r\nCalls: " +
         std::to_string(calls) +
         "\r\nHoldtime: 14\r\nTalkTime: 95\r\nCompleted: 12\r\nAbandoned: 3\r\n"
         "ServiceLevel: 20\r\nServicelevelPerf: 75.0\r\nServicelevelPerf2: 73.3\r\nWeight: 0\r\n"
         "\r\n";
}

std::string erin_member(int status, int in_call) {
  return "Event: QueueMember\r\nQueue: sales\r\nName: Erin\r\nLocation: PJSIP/erin\r\n"
         "StateInterface: PJSIP/erin\r\nMembership: dynamic\r\nPenalty: 0\r\nCallsTaken: 7\r\n"
         "LastCall: 1700001000\r\nLastPause: 0\r\nLoginTime: 1699990000\r\nInCall: " +
         std::to_string(in_call) + "\r\nStatus: " + std::to_string(status) +
         "\r\nPaused: 0\r\nPausedReason: \r\nWrapuptime: 0\r\n\r\n";
}

std::string queue_entry(const std::string& channel, const std::string& number,
                        const std::string& uniqueid, int wait_seconds) {
  return "Event: QueueEntry\r\nQueue: sales\r\nPosition: 1\r\nChannel: " + channel +
         "\r\nUniqueid: " + uniqueid + "\r\nCallerIDNum: " + number +
         "\r\nCallerIDName: <unknown>\r\nConnectedLineNum: <unknown>\r\n"
         "ConnectedLineName: <unknown>\r\nWait: " +
         std::to_string(wait_seconds) + "\r\nPriority: 0\r\n\r\n";
}

std::string write_secret(const TempDir& dir, const std::string& secret) {
  const auto path = dir.write("ami.secret", secret + "\n");
  chmod(path.c_str(), 0600);
  return path;
}

ChildProcess start_collector(const ScriptedAmiServer& peer, const std::string& secret_file,
                             const RunningDaemon& daemon) {
  return ChildProcess({collector_binary(),
                       "ami",
                       "--host",
                       "127.0.0.1",
                       "--port",
                       std::to_string(peer.port()),
                       "--user",
                       "floorwatch",
                       "--secret-file",
                       secret_file,
                       "--endpoint",
                       daemon.ingest(),
                       "--source-id",
                       "ami-test",
                       "--backoff-initial-ms",
                       "100",
                       "--backoff-max-ms",
                       "400",
                       "--ping-interval-ms",
                       "500",
                       "--ping-timeout-ms",
                       "2000"});
}

// Polls the daemon until `done` holds for a scrape (events arrive asynchronously).
template <typename Predicate>
std::vector<Sample> scrape_until(const RunningDaemon& daemon, Predicate done,
                                 std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto samples = daemon.scrape();
  while (!done(samples) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    samples = daemon.scrape();
  }
  return samples;
}

template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

const std::map<std::string, std::string> kSales{{"queue", "sales"}};

}  // namespace

TEST_CASE("ami collector seeds a waiting caller, follows a call's life, survives a dropped link",
          "[integration][asterisk][ami]") {
  TempDir dir;
  RunningDaemon daemon(dir, "timezone: UTC\nqueues:\n  sales:\n    answer_target_seconds: 20\n",
                       "wall");

  // Connection 1. QueueStatus lists one caller, .16, waiting 42 s already. After release:
  //   QueueCallerJoin .18, .19, .20                      -> offered +3
  //   AgentCalled/QueueCallerLeave/AgentConnect .16 (Erin, HoldTime 43)  -> answered, wait >= 42
  //   QueueCallerAbandon .18 (HoldTime 0 is a duration), QueueCallerLeave .18 -> abandoned
  //   AgentComplete .16                                   -> completed
  //   QueueCallerJoin .19 again (AMI duplicate)           -> ignored as duplicate
  // then the peer hangs up.
  PeerSession first;
  first.status_events = queue_params(1) + erin_member(1, 0) +
                        queue_entry("PJSIP/trunk-00000010", "5550201", "1700001100.16", 42);
  first.events = join("PJSIP/trunk-00000012", "5550203", "1700001150.18", 2) +
                 join("PJSIP/trunk-00000013", "5550204", "1700001151.19", 3) +
                 join("PJSIP/trunk-00000014", "5550205", "1700001152.20", 4) +
                 agent_event("AgentCalled", "") +
                 leave("PJSIP/trunk-00000010", "5550201", "1700001100.16", 3) +
                 agent_event("AgentConnect", "HoldTime: 43\r\nRingTime: 1\r\n") +
                 "Event: QueueCallerAbandon\r\n" +
                 caller_channel("PJSIP/trunk-00000012", "5550203", "1700001150.18") +
                 "Queue: sales\r\nPosition: 1\r\nOriginalPosition: 2\r\nHoldTime: 0\r\n\r\n" +
                 leave("PJSIP/trunk-00000012", "5550203", "1700001150.18", 2) +
                 agent_event("AgentComplete", "HoldTime: 43\r\nTalkTime: 0\r\nReason: agent\r\n") +
                 join("PJSIP/trunk-00000013", "5550204", "1700001151.19", 3);
  first.wait_for_release = true;
  first.drop_after_events = true;
  // Connection 2 (the reconnect): only .19 is still waiting; .20 ended while the link was down
  // (outcome unknown), so the collector closes it as exited(transfer) at the list's end.
  PeerSession second;
  second.status_events = queue_params(1) + erin_member(1, 0) +
                         queue_entry("PJSIP/trunk-00000013", "5550204", "1700001151.19", 2);
  ScriptedAmiServer peer("s3cret", {first, second});

  ChildProcess collector = start_collector(peer, write_secret(dir, "s3cret"), daemon);
  const std::string where = "127.0.0.1:" + std::to_string(peer.port());
  REQUIRE(collector.wait_for("ami: logged in to Asterisk Call Manager/5.0.1 at " + where, 15s));

  // Seed only: offered 1, one caller waiting whose wait started 42 s before we connected.
  auto samples = scrape_until(daemon, [](const auto& s) {
    return find_sample(s, "floorwatch_queue_calls_waiting", kSales).value_or(0) == 1;
  });
  INFO(collector.output());
  CHECK(find_sample(samples, "floorwatch_queue_calls_waiting", kSales) == 1);
  CHECK(find_sample(samples, "floorwatch_queue_offered_total", kSales) == 1);
  const auto seeded_wait = find_sample(samples, "floorwatch_queue_oldest_wait_seconds", kSales);
  REQUIRE(seeded_wait);
  CHECK(*seeded_wait >= 42);
  CHECK(*seeded_wait < 42 + 15);  // not some other origin: at most the time this test took

  peer.release();
  REQUIRE(eventually([&] { return peer.dropped(); }));
  REQUIRE(collector.wait_for(
      "ami: link to " + where + R"( lost \(closed_by_peer: connection closed by Asterisk\))", 15s));
  REQUIRE(
      collector.wait_for("ami: link to " + where + R"( back after [0-9.]+ s disconnected)", 15s));
  CHECK(peer.connections() == 2);
  CHECK(peer.successful_logins() == 2);
  // The stats line written when the gap closed counts it.
  REQUIRE(collector.wait_for(R"(logins=2 gaps=1 gap_seconds=)", 5s));

  // Final figures for `sales`, by hand from the two connections above:
  //   offered   .16 (seeded), .18, .19, .20 = 4 (the repeated .19 join is a duplicate)
  //   answered  .16 = 1, its wait >= 42 s so not within the 20 s target
  //   abandoned .18 = 1, after ~0 s (HoldTime 0), so within the target
  //   exited    .20 = 1, reason transfer (closed by the reconnect's QueueStatus)
  //   waiting   .19 = 1, joined during this test: its wait is far below the seeded 42 s
  samples = scrape_until(daemon, [](const auto& s) {
    return find_sample(s, "floorwatch_queue_exited_total",
                       {{"queue", "sales"}, {"reason", "transfer"}})
               .value_or(0) == 1;
  });
  CHECK(find_sample(samples, "floorwatch_queue_offered_total", kSales) == 4);
  CHECK(find_sample(samples, "floorwatch_queue_answered_total", kSales) == 1);
  CHECK(find_sample(samples, "floorwatch_queue_answered_within_target_total", kSales) == 0);
  CHECK(find_sample(samples, "floorwatch_queue_abandoned_total", kSales) == 1);
  CHECK(find_sample(samples, "floorwatch_queue_abandoned_within_target_total", kSales) == 1);
  CHECK(find_sample(samples, "floorwatch_queue_exited_total",
                    {{"queue", "sales"}, {"reason", "transfer"}}) == 1);
  CHECK(find_sample(samples, "floorwatch_queue_calls_waiting", kSales) == 1);
  const auto final_wait = find_sample(samples, "floorwatch_queue_oldest_wait_seconds", kSales);
  REQUIRE(final_wait);
  CHECK(*final_wait < 42);
  CHECK(find_sample(samples, "floorwatch_events_rejected_total", {{"reason", "unknown_call"}})
            .value_or(0) == 0);
  // The gap is a metric on the daemon too, not only a collector log line: the next batch
  // header after the reconnect carries it (EventBatch.health).
  samples = scrape_until(daemon, [](const auto& s) {
    return find_sample(s, "floorwatch_source_gaps_total", {{"source", "ami-test"}}).value_or(0) ==
           1;
  });
  CHECK(find_sample(samples, "floorwatch_source_gaps_total", {{"source", "ami-test"}}) == 1);
  CHECK(find_sample(samples, "floorwatch_source_gap_seconds_total", {{"source", "ami-test"}})
            .value_or(0) > 0);
  CHECK(daemon.process().wait_for(R"(source ami-test reports 1 gap\(s\))", 5s));

  collector.signal(SIGTERM);
  const auto status = collector.wait_exit(15s);
  INFO(collector.output());
  CHECK(status == 0);
  // Final stats: one seeded caller, two duplicates (the repeated join and .19's QueueEntry on
  // reconnect), one call closed by the reconnect's status list.
  CHECK_THAT(collector.output(), Catch::Contains("seeded_calls=1 calls_closed_after_gap=1"));
  CHECK_THAT(collector.output(), Catch::Contains("duplicate=2"));
}

TEST_CASE("ami collector with a wrong secret logs the refused login and keeps retrying",
          "[integration][asterisk][ami]") {
  TempDir dir;
  RunningDaemon daemon(dir, "timezone: UTC\nqueues:\n  sales:\n    answer_target_seconds: 20\n",
                       "wall");
  ScriptedAmiServer peer("s3cret", {PeerSession{}});
  ChildProcess collector = start_collector(peer, write_secret(dir, "not-the-secret"), daemon);
  const std::string where = R"(127\.0\.0\.1:)" + std::to_string(peer.port());

  REQUIRE(collector.wait_for(
      "ami: " + where + R"(: login_refused: Authentication failed; retrying in [0-9.]+ s)", 15s));
  // Backoff is 100 ms doubling to 400 ms: three attempts come within a couple of seconds.
  CHECK(eventually([&] { return peer.refused_logins() >= 3; }));
  INFO(collector.output());
  CHECK(collector.running());
  CHECK(peer.successful_logins() == 0);
  CHECK(find_sample(daemon.scrape(), "floorwatch_queue_offered_total", kSales).value_or(0) == 0);

  collector.signal(SIGTERM);
  CHECK(collector.wait_exit(15s) == 0);
}
