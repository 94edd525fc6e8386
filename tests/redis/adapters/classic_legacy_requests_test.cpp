// The requester side of the classic adapter's legacy requests (socket.io-redis 6's
// sockets(rooms), remoteJoin, remoteLeave, remoteDisconnect) between two C++ nodes on a real
// redis-server: the union of socket ids over the nodes, a remote socket joining, leaving and
// being disconnected by the node that has it, local sockets handled at once, and the timeout
// errors when nobody answers; and the same requests answered by a Node.js node running the
// official @socket.io/redis-adapter 8.3.0 (node_peer.cjs).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "classic_node.hpp"
#include "sio/redis/connection.hpp"
#include "sio/redis/subscriber.hpp"
#include "sio/redis/url.hpp"
#include "support/redis_processes.hpp"

namespace {

using namespace sio;
using namespace std::chrono_literals;
using sio::redis_test::EventLoop;
using sio::redis_test::RedisServer;

using sio::adapter_test::Node;

struct LegacyRequests : ::testing::Test {
  RedisServer server;
  EventLoop loop;
  std::unique_ptr<Node> a, b;

  void SetUp() override { start(2000ms); }
  void start(std::chrono::milliseconds timeout) {
    adapters::RedisAdapterOptions options;
    options.requestsTimeout = timeout;
    a = std::make_unique<Node>(loop, server, options);
    b = std::make_unique<Node>(loop, server, options);
    int ready = 0;
    a->adapter->whenReady([&] { ++ready; });
    b->adapter->whenReady([&] { ++ready; });
    ASSERT_TRUE(loop.runUntil([&] { return ready == 2; }));
    a->connect("a1", {"r1"});
    a->connect("a2");
    b->connect("b1", {"r1"});
    b->connect("b2", {"r2"});
  }
  void TearDown() override {
    a.reset();
    b.reset();
    loop.runFor(20ms);
  }
  // Waits for a DoneCallback and returns its error message ("" on success).
  template <class Call>
  std::string wait(Call call) {
    std::optional<std::string> result;
    call([&](std::optional<Error> error) { result = error ? error->message : ""; });
    EXPECT_TRUE(loop.runUntil([&] { return result.has_value(); }));
    return result.value_or("no answer");
  }
  std::set<SocketId> socketsOf(Node& node, std::set<Room> rooms, std::string* error = nullptr) {
    std::optional<std::set<SocketId>> result;
    node.api().sockets(std::move(rooms), [&](std::set<SocketId> ids, std::optional<Error> e) {
      if (error && e) *error = e->message;
      result = std::move(ids);
    });
    EXPECT_TRUE(loop.runUntil([&] { return result.has_value(); }));
    return result.value_or(std::set<SocketId>{});
  }
};

using Ids = std::set<SocketId>;
using Rooms = std::vector<Room>;

TEST_F(LegacyRequests, SocketsIsTheUnionOverTheNodes) {
  EXPECT_EQ(socketsOf(*a, {"r1"}), (Ids{"a1", "b1"}));
  EXPECT_EQ(socketsOf(*b, {"r1"}), (Ids{"a1", "b1"}));
  EXPECT_EQ(socketsOf(*a, {"r2"}), (Ids{"b2"}));
  EXPECT_EQ(socketsOf(*a, {"r1", "r2"}), (Ids{"a1", "b1", "b2"}));
  EXPECT_EQ(socketsOf(*a, {}), (Ids{"a1", "a2", "b1", "b2"}));
  EXPECT_EQ(socketsOf(*b, {"nobody"}), Ids{});
}

TEST_F(LegacyRequests, RemoteJoinAndLeaveOfASocketOfTheOtherNode) {
  EXPECT_EQ(wait([&](auto done) { a->api().remoteJoin("b2", "x", done); }), "");
  EXPECT_EQ(b->roomsOf("b2"), (Rooms{"b2", "r2", "x"}));
  EXPECT_EQ(socketsOf(*a, {"x"}), (Ids{"b2"}));
  EXPECT_EQ(wait([&](auto done) { a->api().remoteLeave("b2", "r2", done); }), "");
  EXPECT_EQ(b->roomsOf("b2"), (Rooms{"b2", "x"}));
  EXPECT_EQ(socketsOf(*a, {"r2"}), Ids{});
}

TEST_F(LegacyRequests, RemoteDisconnectOfASocketOfTheOtherNode) {
  EXPECT_EQ(wait([&](auto done) { b->api().remoteDisconnect("a1", true, done); }), "");
  EXPECT_EQ(a->socket("a1").disconnects, std::vector<bool>{true});
  EXPECT_EQ(a->roomsOf("a1"), Rooms{});
  EXPECT_EQ(wait([&](auto done) { b->api().remoteDisconnect("a2", false, done); }), "");
  EXPECT_EQ(a->socket("a2").disconnects, std::vector<bool>{false});
  EXPECT_EQ(socketsOf(*b, {}), (Ids{"b1", "b2"}));
}

TEST_F(LegacyRequests, LocalSocketsAreHandledAtOnce) {
  std::optional<std::string> joined, disconnected;
  a->api().remoteJoin("a2", "y", [&](std::optional<Error> e) { joined = e ? e->message : ""; });
  EXPECT_EQ(joined, "");  // no round trip through Redis
  EXPECT_EQ(a->roomsOf("a2"), (Rooms{"a2", "y"}));
  a->api().remoteLeave("a2", "y", [&](std::optional<Error> e) { joined = e ? e->message : "x"; });
  EXPECT_EQ(joined, "x");
  EXPECT_EQ(a->roomsOf("a2"), (Rooms{"a2"}));
  a->api().remoteDisconnect("a2", false,
                            [&](std::optional<Error> e) { disconnected = e ? e->message : ""; });
  EXPECT_EQ(disconnected, "");
  EXPECT_EQ(a->socket("a2").disconnects, std::vector<bool>{false});
}

TEST_F(LegacyRequests, UnknownSocketIdsTimeOut) {
  TearDown();
  start(300ms);
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(wait([&](auto done) { a->api().remoteJoin("nobody", "x", done); }),
            "timeout reached while waiting for remoteJoin response");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 290ms);
  EXPECT_EQ(wait([&](auto done) { a->api().remoteLeave("nobody", "x", done); }),
            "timeout reached while waiting for remoteLeave response");
  EXPECT_EQ(wait([&](auto done) { a->api().remoteDisconnect("nobody", true, done); }),
            "timeout reached while waiting for remoteDisconnect response");
}

TEST_F(LegacyRequests, SocketsTimesOutWhenANodeDoesNotAnswer) {
  TearDown();
  start(300ms);
  // A third subscriber of the request channel counts in NUMSUB but never answers.
  redis::ConnectionOptions options;
  options.url = *redis::parseRedisUrl(server.url());
  auto silent = redis::Subscriber::create(loop.executor(), options);
  silent->start();
  bool subscribed = false;
  silent->subscribe(redis::Subscriber::Kind::Channel, {"socket.io-request#/#"},
                    [&](std::error_code) { subscribed = true; });
  ASSERT_TRUE(loop.runUntil([&] { return subscribed; }));
  std::string error;
  EXPECT_EQ(socketsOf(*a, {"r1"}, &error), Ids{});
  EXPECT_EQ(error, "timeout reached while waiting for sockets response");
  silent->close();
}

// node_peer.cjs, running until the end of the test.
class NodePeer {
 public:
  explicit NodePeer(const std::string& url) {
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      execlp(SIO_NODE_EXECUTABLE, SIO_NODE_EXECUTABLE, SIO_NODE_PEER, url.c_str(), nullptr);
      _exit(127);
    }
  }
  ~NodePeer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

 private:
  pid_t pid_ = -1;
};

TEST_F(LegacyRequests, ANodeJsNodeAnswersTheCppRequester) {
  NodePeer peer(server.url());
  // Node's socket shows up in the union once its node is subscribed and its client joined.
  Ids others;
  ASSERT_TRUE(loop.runUntil(
      [&] {
        others.clear();
        for (const auto& id : socketsOf(*a, {"n-room"})) others.insert(id);
        return others.size() == 1;
      },
      30s));
  SocketId nodeSid = *others.begin();
  RecordProperty("nodeSid", nodeSid);
  EXPECT_EQ(socketsOf(*a, {"r1", "n-room"}), (Ids{"a1", "b1", nodeSid}));
  EXPECT_EQ(socketsOf(*b, {}), (Ids{"a1", "a2", "b1", "b2", nodeSid}));
  EXPECT_EQ(wait([&](auto done) { a->api().remoteJoin(nodeSid, "x", done); }), "");
  EXPECT_EQ(socketsOf(*b, {"x"}), (Ids{nodeSid}));
  EXPECT_EQ(wait([&](auto done) { a->api().remoteLeave(nodeSid, "n-room", done); }), "");
  EXPECT_EQ(socketsOf(*b, {"n-room"}), Ids{});
  EXPECT_EQ(wait([&](auto done) { b->api().remoteDisconnect(nodeSid, true, done); }), "");
  EXPECT_EQ(socketsOf(*a, {}), (Ids{"a1", "a2", "b1", "b2"}));
}

}  // namespace
