// The ZAP handler on real ZeroMQ sockets over TCP: a listed CURVE key gets in with its name as
// User-Id; an unknown key and a plaintext client are refused, and each refusal is reported.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <vector>

#include <zmq_addon.hpp>

#include "security/zap_handler.h"

using namespace floorwatch::security;
using namespace std::chrono_literals;

namespace {

/// Collects refusals from the ZAP thread; the test waits for them (never sleeps).
class RefusalLog {
 public:
  void add(const Refusal& refusal) {
    std::lock_guard lock(mutex_);
    refusals_.push_back(refusal);
    changed_.notify_all();
  }
  std::vector<Refusal> wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return refusals_.size() >= count; });
    return refusals_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Refusal> refusals_;
};

/// A CURVE ROUTER guarded by a ZapHandler, as the daemon sets up each socket.
struct GuardedServer {
  explicit GuardedServer(AuthorizedKeys keys)
      : server_keys(generate_key_pair()),
        zap(context, std::move(keys), {"ingest"}, [this](const Refusal& r) { refusals.add(r); }),
        router(context, zmq::socket_type::router) {
    apply_server_security(router, ServerSecurity{server_keys}, "ingest");
    router.set(zmq::sockopt::linger, 0);
    router.bind("tcp://127.0.0.1:*");
    endpoint = router.get(zmq::sockopt::last_endpoint);
  }

  /// The next message's payload and the User-Id ZAP gave its sender; nullopt on timeout.
  std::optional<std::pair<std::string, std::string>> receive(std::chrono::milliseconds timeout) {
    zmq::pollitem_t item{router.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, timeout);
    if (!(item.revents & ZMQ_POLLIN)) return std::nullopt;
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(router, std::back_inserter(frames))) return std::nullopt;
    const char* user_id = zmq_msg_gets(frames.back().handle(), "User-Id");
    return std::pair{frames.back().to_string(), std::string(user_id ? user_id : "")};
  }

  zmq::context_t context{1};
  KeyPair server_keys;
  RefusalLog refusals;
  ZapHandler zap;
  zmq::socket_t router;
  std::string endpoint;
};

zmq::socket_t client(zmq::context_t& context, const ClientSecurity& security,
                     const std::string& endpoint, const std::string& hello) {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  apply_client_security(socket, security);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  socket.send(zmq::buffer(hello), zmq::send_flags::dontwait);
  return socket;
}

}  // namespace

TEST_CASE("a listed CURVE key is admitted and its name travels with every message",
          "[security][zap]") {
  const KeyPair alice = generate_key_pair();
  AuthorizedKeys keys;
  keys.add(alice.public_key, "alice");
  GuardedServer server(keys);

  zmq::context_t client_context(1);
  auto socket = client(client_context, ClientSecurity{server.server_keys.public_key, alice},
                       server.endpoint, "hello from alice");
  const auto received = server.receive(5s);
  REQUIRE(received);
  CHECK(received->first == "hello from alice");
  CHECK(received->second == "alice");
  CHECK(server.zap.admitted() == 1);
}

TEST_CASE("an unknown CURVE key is refused and reported with its key", "[security][zap]") {
  AuthorizedKeys keys;
  keys.add(generate_key_pair().public_key, "alice");
  GuardedServer server(keys);

  zmq::context_t client_context(1);
  const KeyPair mallory = generate_key_pair();
  zmq::socket_t socket(client_context, zmq::socket_type::dealer);
  apply_client_security(socket, ClientSecurity{server.server_keys.public_key, mallory});
  socket.set(zmq::sockopt::linger, 0);
  HandshakeFailureWatch client_side(client_context, socket, "mallory", true);
  socket.connect(server.endpoint);
  socket.send(zmq::str_buffer("let me in"), zmq::send_flags::dontwait);

  const auto refusals = server.refusals.wait_for(1, 5s);
  REQUIRE(!refusals.empty());
  CHECK(refusals.front().socket == "ingest");
  CHECK(refusals.front().reason == RefusalReason::UnknownKey);
  CHECK(refusals.front().public_key == mallory.public_key);
  CHECK(refusals.front().peer_address == "127.0.0.1");
  CHECK_FALSE(server.receive(300ms));
  CHECK(server.zap.admitted() == 0);

  // The client learns why, in words (floorwatchctl prints this instead of a timeout).
  zmq::pollitem_t item{client_side.socket().handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, 5s);
  CHECK_THAT(client_side.take_failure(), Catch::Contains("refused this client's CURVE key"));
}

TEST_CASE("a plaintext client is refused by a CURVE socket and reported", "[security][zap]") {
  GuardedServer server(AuthorizedKeys{});
  zmq::context_t client_context(1);
  auto socket = client(client_context, ClientSecurity{}, server.endpoint, "plain hello");

  const auto refusals = server.refusals.wait_for(1, 5s);
  REQUIRE(!refusals.empty());
  CHECK(refusals.front().socket == "ingest");
  // The daemon sees the mechanism mismatch, unless the client saw it first and hung up.
  CHECK((refusals.front().reason == RefusalReason::Plaintext ||
         refusals.front().reason == RefusalReason::BadHandshake));
  CHECK_FALSE(server.receive(300ms));
}

TEST_CASE("a client holding the wrong server key fails the handshake", "[security][zap]") {
  const KeyPair alice = generate_key_pair();
  AuthorizedKeys keys;
  keys.add(alice.public_key, "alice");
  GuardedServer server(keys);
  zmq::context_t client_context(1);
  // Alice is listed, but talks to an impostor's public key: the server cannot read her hello.
  auto socket = client(client_context, ClientSecurity{generate_key_pair().public_key, alice},
                       server.endpoint, "hello");
  const auto refusals = server.refusals.wait_for(1, 5s);
  REQUIRE(!refusals.empty());
  CHECK(refusals.front().reason == RefusalReason::BadHandshake);
  CHECK_FALSE(server.receive(300ms));
}
