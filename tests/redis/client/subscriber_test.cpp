// Pub/sub against a real redis-server: every kind of subscription with binary payloads,
// unsubscribing, and recovery after CLIENT KILL — subscriptions come back by themselves
// and the owner hears that a gap happened.
#include <gtest/gtest.h>

#include "client_list.hpp"
#include "event_loop.hpp"
#include "redis_processes.hpp"
#include "sio/redis/connection.hpp"
#include "sio/redis/subscriber.hpp"

using namespace sio::redis;
using namespace std::chrono_literals;
using sio::redis_test::clientId;
using sio::redis_test::EventLoop;
using sio::redis_test::RedisServer;

namespace {

ConnectionOptions optionsFor(const RedisServer& server, std::string name) {
  ConnectionOptions options;
  options.url = *parseRedisUrl(server.url());
  options.clientName = std::move(name);
  options.backoff = BackoffOptions{20ms, 200ms, 2.0, 0.2};
  return options;
}

struct PubSubFixture : ::testing::Test {
  RedisServer server;
  EventLoop loop;
  std::shared_ptr<Subscriber> subscriber =
      Subscriber::create(loop.executor(), optionsFor(server, "subscriber"));
  std::shared_ptr<Connection> publisher =
      Connection::create(loop.executor(), optionsFor(server, "publisher"));
  std::vector<PubSubMessage> received;

  void SetUp() override {
    subscriber->onMessage([this](const PubSubMessage& message) { received.push_back(message); });
    subscriber->start();
    publisher->start();
  }
  void TearDown() override {
    subscriber->close();
    publisher->close();
    loop.runFor(10ms);
  }
  void subscribe(Subscriber::Kind kind, std::vector<std::string> names) {
    bool done = false;
    subscriber->subscribe(kind, std::move(names), [&](std::error_code ec) {
      EXPECT_FALSE(ec) << ec.message();
      done = true;
    });
    ASSERT_TRUE(loop.runUntil([&] { return done; }));
  }
  void publish(const char* command, std::string channel, std::string payload) {
    Command publish{command};
    publish.push(channel).push(payload);
    publisher->send(std::move(publish));
  }
};

}  // namespace

TEST_F(PubSubFixture, ChannelsPatternsAndShardChannelsWithBinaryPayloads) {
  subscribe(Subscriber::Kind::Channel, {"news", std::string("bin\0ary", 7)});
  subscribe(Subscriber::Kind::Pattern, {"room:*"});
  subscribe(Subscriber::Kind::Shard, {"shard-chan"});
  std::string payload("\x00\xff\r\n*1\r\n", 8);
  publish("PUBLISH", "news", payload);
  publish("PUBLISH", std::string("bin\0ary", 7), "b");
  publish("PUBLISH", "room:42", "p");
  publish("SPUBLISH", "shard-chan", "s");
  publish("PUBLISH", "unrelated", "x");
  ASSERT_TRUE(loop.runUntil([&] { return received.size() == 4; }));
  loop.runFor(50ms);
  ASSERT_EQ(received.size(), 4u);
  EXPECT_EQ(received[0].kind, PubSubMessage::Kind::Message);
  EXPECT_EQ(received[0].channel, "news");
  EXPECT_EQ(received[0].payload, payload);
  EXPECT_EQ(received[1].channel, std::string("bin\0ary", 7));
  EXPECT_EQ(received[2].kind, PubSubMessage::Kind::PatternMessage);
  EXPECT_EQ(received[2].pattern, "room:*");
  EXPECT_EQ(received[2].channel, "room:42");
  EXPECT_EQ(received[3].kind, PubSubMessage::Kind::ShardMessage);
  EXPECT_EQ(received[3].channel, "shard-chan");
}

TEST_F(PubSubFixture, UnsubscribeStopsDelivery) {
  subscribe(Subscriber::Kind::Channel, {"a", "b"});
  bool done = false;
  subscriber->unsubscribe(Subscriber::Kind::Channel, {"a"}, [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    done = true;
  });
  ASSERT_TRUE(loop.runUntil([&] { return done; }));
  publish("PUBLISH", "a", "1");
  publish("PUBLISH", "b", "2");
  ASSERT_TRUE(loop.runUntil([&] { return received.size() == 1; }));
  loop.runFor(50ms);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].channel, "b");
  EXPECT_EQ(subscriber->subscriptions(Subscriber::Kind::Channel), (std::set<std::string>{"b"}));
}

TEST_F(PubSubFixture, SubscriptionsComeBackAfterClientKillAndTheGapIsReported) {
  subscribe(Subscriber::Kind::Channel, {"c1"});
  subscribe(Subscriber::Kind::Pattern, {"p:*"});
  subscribe(Subscriber::Kind::Shard, {"s1"});
  int gaps = 0;
  subscriber->onResubscribed([&] { ++gaps; });
  std::string id = clientId(server, "subscriber");
  ASSERT_FALSE(id.empty());
  server.cli({"CLIENT", "KILL", "ID", id});
  ASSERT_TRUE(loop.runUntil([&] { return gaps == 1; }));
  EXPECT_EQ(subscriber->gaps(), 1u);
  publish("PUBLISH", "c1", "after");
  publish("PUBLISH", "p:x", "after");
  publish("SPUBLISH", "s1", "after");
  ASSERT_TRUE(loop.runUntil([&] { return received.size() == 3; }));
  EXPECT_EQ(server.cli({"PUBSUB", "NUMSUB", "c1"}), "c1\n1");
}

TEST_F(PubSubFixture, SubscribeWhileTheServerIsDownCompletesWhenItIsBack) {
  subscribe(Subscriber::Kind::Channel, {"before"});
  server.stop();
  ASSERT_TRUE(loop.runUntil([&] { return subscriber->state() == ConnectionState::Reconnecting; }));
  bool done = false;
  subscriber->subscribe(Subscriber::Kind::Channel, {"during"}, [&](std::error_code ec) {
    EXPECT_FALSE(ec);
    done = true;
  });
  loop.runFor(100ms);
  EXPECT_FALSE(done);
  server.start();
  ASSERT_TRUE(loop.runUntil([&] { return done; }));
  publish("PUBLISH", "before", "1");
  publish("PUBLISH", "during", "2");
  ASSERT_TRUE(loop.runUntil([&] { return received.size() == 2; }));
}
