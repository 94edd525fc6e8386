// The classic adapter's empty namespaces (unsubscribeWhenEmpty) on a real redis-server: a
// namespace without sockets holds no broadcast subscription, a connecting socket is let
// through once the subscription is confirmed and then gets a peer's broadcast, sockets held
// together all find it even when one of them left meanwhile, and it is dropped when the
// namespace empties again. (Black-box, with Node.js peers: cluster-pubsub/
// classic-empty-namespace.test.mjs.) With subscribeToLocalRoomsOnly, a socket's own room
// is subscribed before it is let through too.
#include <gtest/gtest.h>

#include <memory>

#include "classic_node.hpp"

namespace {

using namespace sio;
using namespace std::chrono_literals;
using sio::adapter_test::Node;
using sio::redis_test::EventLoop;
using sio::redis_test::RedisServer;

struct EmptyNamespace : ::testing::Test {
  RedisServer server;
  EventLoop loop;
  std::unique_ptr<Node> node, peer;  // the peer never has sockets: it only publishes

  void SetUp() override { start(adapters::RedisAdapterOptions{}); }
  void start(const adapters::RedisAdapterOptions& options) {
    node = std::make_unique<Node>(loop, server, options);
    peer = std::make_unique<Node>(loop, server, options);
    int ready = 0;
    node->adapter->whenReady([&] { ++ready; });
    peer->adapter->whenReady([&] { ++ready; });
    ASSERT_TRUE(loop.runUntil([&] { return ready == 2; }));
  }
  void TearDown() override {
    node.reset();
    peer.reset();
    loop.runFor(20ms);
  }
  // Pattern subscriptions on the server (only `node` ever takes one).
  long long patterns() { return server.command({"PUBSUB", "NUMPAT"}).integer; }
  void broadcastFromPeer() {
    protocol::Packet packet{protocol::PacketType::Event, "/", std::nullopt,
                            Value::array({Value("news")})};
    peer->adapter->broadcast(std::move(packet), BroadcastOptions{});
  }
};

TEST_F(EmptyNamespace, SubscribedFromTheFirstSocketsConnectUntilTheNamespaceEmpties) {
  EXPECT_EQ(patterns(), 0);
  bool connected = false;
  node->adapter->prepareConnect("s1", [&] {
    node->connect("s1");
    connected = true;
  });
  EXPECT_FALSE(connected) << "held until Redis confirms the subscription";
  ASSERT_TRUE(loop.runUntil([&] { return connected; }));
  EXPECT_EQ(patterns(), 1) << "confirmed before the socket was let through";
  broadcastFromPeer();
  EXPECT_TRUE(loop.runUntil([&] { return node->socket("s1").written == 1; }));

  bool again = false;
  node->adapter->prepareConnect("s1b", [&] { again = true; });
  EXPECT_TRUE(again) << "a namespace already listening lets a socket through at once";

  node->adapter->delAll("s1");
  EXPECT_TRUE(loop.runUntil([&] { return patterns() == 0; }));
}

TEST_F(EmptyNamespace, SocketsHeldTogetherAllFindTheSubscriptionWhenOneOfThemLeft) {
  bool firstDone = false, secondDone = false, thirdAtOnce = false;
  // The first one's client went away while it was held: it is cleaned up (delAll of a socket
  // that never joined), which must not drop the subscription the second one waits for.
  node->adapter->prepareConnect("gone", [&] {
    node->adapter->delAll("gone");
    firstDone = true;
  });
  node->adapter->prepareConnect("s2", [&] {
    node->connect("s2");
    secondDone = true;
    bool third = false;
    node->adapter->prepareConnect("s3", [&] { third = true; });
    thirdAtOnce = third;
  });
  ASSERT_TRUE(loop.runUntil([&] { return firstDone && secondDone; }));
  EXPECT_TRUE(thirdAtOnce) << "still listening after the first one left";
  EXPECT_EQ(patterns(), 1);
  broadcastFromPeer();
  EXPECT_TRUE(loop.runUntil([&] { return node->socket("s2").written == 1; }));
}

TEST_F(EmptyNamespace, AllHeldSocketsLeavingDropsTheSubscription) {
  bool done = false;
  node->adapter->prepareConnect("gone", [&] {
    node->adapter->delAll("gone");
    done = true;
  });
  ASSERT_TRUE(loop.runUntil([&] { return done; }));
  EXPECT_TRUE(loop.runUntil([&] { return patterns() == 0; }));
}

// With subscribeToLocalRoomsOnly, the socket's own room: its channel is subscribed before
// the socket is let through (a broadcast to its id right after its CONNECT arrives), and a
// socket that left while held does not keep it.
struct OwnRoom : EmptyNamespace {
  void SetUp() override {
    adapters::RedisAdapterOptions interest;
    interest.subscribeToLocalRoomsOnly = true;
    start(interest);
  }
  long long subscribers(const std::string& channel) {
    auto reply = server.command({"PUBSUB", "NUMSUB", channel});
    return reply.elements.size() == 2 ? reply.elements[1].integer : -1;
  }
  void broadcastFromPeerTo(const Room& room) {
    protocol::Packet packet{protocol::PacketType::Event, "/", std::nullopt,
                            Value::array({Value("direct")})};
    BroadcastOptions opts;
    opts.rooms.insert(room);
    peer->adapter->broadcast(std::move(packet), opts);
  }
};

TEST_F(OwnRoom, SubscribedBeforeTheSocketIsLetThrough) {
  long long atConnect = -1;
  bool connected = false;
  node->adapter->prepareConnect("s1", [&] {
    atConnect = subscribers("socket.io#/#s1#");
    node->connect("s1");
    connected = true;
  });
  EXPECT_FALSE(connected) << "held until Redis confirms the own room's channel";
  ASSERT_TRUE(loop.runUntil([&] { return connected; }));
  EXPECT_EQ(atConnect, 1) << "confirmed before the socket was let through";
  broadcastFromPeerTo("s1");
  EXPECT_TRUE(loop.runUntil([&] { return node->socket("s1").written == 1; }));
  node->adapter->delAll("s1");
  EXPECT_TRUE(loop.runUntil([&] { return subscribers("socket.io#/#s1#") == 0; }));
}

TEST_F(OwnRoom, ASocketThatLeftWhileHeldDoesNotKeepItsChannel) {
  bool done = false;
  node->adapter->prepareConnect("gone", [&] {
    node->adapter->delAll("gone");
    done = true;
  });
  ASSERT_TRUE(loop.runUntil([&] { return done; }));
  EXPECT_TRUE(loop.runUntil([&] { return subscribers("socket.io#/#gone#") == 0; }));
  EXPECT_TRUE(loop.runUntil([&] { return subscribers("socket.io#/#") == 0; }))
      << "and the namespace, empty again, stops listening";
}

}  // namespace
