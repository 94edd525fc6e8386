// The pipelined Redis connection against a real redis-server: ordering under heavy
// pipelining, binary safety, errors as values, AUTH/SELECT/SETNAME from the URL, and the
// failure rules — what was written fails with ConnectionLost, what was queued is sent
// exactly once and in order after the reconnection, a full offline queue fails at once.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>

#include "client_list.hpp"
#include "event_loop.hpp"
#include "redis_processes.hpp"
#include "sio/redis/connection.hpp"

using namespace sio::redis;
using namespace std::chrono_literals;
using sio::redis_test::clientId;
using sio::redis_test::EventLoop;
using sio::redis_test::RedisServer;

namespace {

ConnectionOptions optionsFor(const std::string& url, std::string name = "sio-test") {
  ConnectionOptions options;
  options.url = *parseRedisUrl(url);
  options.clientName = std::move(name);
  options.backoff = BackoffOptions{20ms, 200ms, 2.0, 0.2};
  return options;
}

}  // namespace

TEST(RedisConnection, PipelinesThousandsOfCommandsInOrder) {
  RedisServer server;
  EventLoop loop;
  auto connection = Connection::create(loop.executor(), optionsFor(server.url()));
  connection->start();
  const int count = 20000;
  std::vector<int64_t> replies;
  for (int i = 0; i < count; ++i)
    connection->send(Command{"INCR", "counter"}, [&](std::error_code ec, Reply reply) {
      ASSERT_FALSE(ec) << ec.message();
      replies.push_back(reply.integer);
    });
  ASSERT_TRUE(loop.runUntil([&] { return replies.size() == count; }));
  for (int i = 0; i < count; ++i) ASSERT_EQ(replies[i], i + 1);
  connection->close();
}

TEST(RedisConnection, BinarySafeArgumentsAndReplies) {
  RedisServer server;
  EventLoop loop;
  auto connection = Connection::create(loop.executor(), optionsFor(server.url()));
  connection->start();
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(char(i));
  bytes += "\r\n$3\r\n*1\r\n";
  Command set{"SET"};
  set.push(bytes).push(bytes);
  std::optional<Reply> got;
  connection->send(std::move(set));
  Command get{"GET"};
  get.push(bytes);
  connection->send(std::move(get), [&](std::error_code, Reply reply) { got = std::move(reply); });
  ASSERT_TRUE(loop.runUntil([&] { return got.has_value(); }));
  EXPECT_EQ(got->str, bytes);
}

TEST(RedisConnection, ErrorRepliesAreValues) {
  RedisServer server;
  EventLoop loop;
  auto connection = Connection::create(loop.executor(), optionsFor(server.url()));
  connection->start();
  std::vector<Reply> replies;
  connection->send(Command{"NOSUCHCOMMAND"}, [&](std::error_code ec, Reply reply) {
    EXPECT_FALSE(ec);
    replies.push_back(reply);
  });
  connection->send(Command{"PING"},
                   [&](std::error_code, Reply reply) { replies.push_back(reply); });
  ASSERT_TRUE(loop.runUntil([&] { return replies.size() == 2; }));
  EXPECT_TRUE(replies[0].isError());
  EXPECT_EQ(replies[1], Reply::status("PONG"));
}

TEST(RedisConnection, AuthSelectAndClientNameFromTheUrl) {
  RedisServer::Options serverOptions;
  serverOptions.aclUsers = {"alice on >wonder ~* &* +@all"};
  serverOptions.password = "s3cret";
  RedisServer server(serverOptions);
  EventLoop loop;
  auto connection = Connection::create(
      loop.executor(),
      optionsFor("redis://alice:wonder@127.0.0.1:" + std::to_string(server.port()) + "/3",
                 "named-one"));
  connection->start();
  bool done = false;
  connection->send(Command{"SET", "where", "db3"}, [&](std::error_code ec, Reply reply) {
    EXPECT_FALSE(ec);
    EXPECT_TRUE(reply.isOk()) << describe(reply);
    done = true;
  });
  ASSERT_TRUE(loop.runUntil([&] { return done; }));
  EXPECT_EQ(server.cli({"-n", "3", "GET", "where"}), "db3");
  EXPECT_FALSE(clientId(server, "named-one").empty());
}

TEST(RedisConnection, WrongPasswordIsAHandshakeFailureAndCommandsWait) {
  RedisServer::Options serverOptions;
  serverOptions.password = "right";
  RedisServer server(serverOptions);
  EventLoop loop;
  auto connection = Connection::create(
      loop.executor(), optionsFor("redis://:wrong@127.0.0.1:" + std::to_string(server.port())));
  std::vector<std::error_code> failures;
  connection->onState([&](ConnectionState state, std::error_code ec) {
    if (state == ConnectionState::Reconnecting && ec) failures.push_back(ec);
  });
  connection->start();
  std::error_code commandError;
  connection->send(Command{"PING"}, [&](std::error_code ec, Reply) { commandError = ec; });
  ASSERT_TRUE(loop.runUntil([&] { return failures.size() >= 2; }));
  EXPECT_EQ(failures[0], make_error_code(Errc::HandshakeFailed));
  EXPECT_FALSE(commandError) << "the command waits in the offline queue";
  connection->close();
  ASSERT_TRUE(loop.runUntil([&] { return bool(commandError); }));
  EXPECT_EQ(commandError, make_error_code(Errc::Closed));
}

// CLIENT KILL in the middle of a pipeline: written commands fail with ConnectionLost (or
// succeed), none is answered twice, and commands queued while disconnected run exactly
// once, in order.
TEST(RedisConnection, ClientKillMidPipeline) {
  RedisServer server;
  EventLoop loop;
  auto connection = Connection::create(loop.executor(), optionsFor(server.url(), "victim"));
  std::vector<ConnectionState> states;
  connection->onState([&](ConnectionState state, std::error_code) { states.push_back(state); });
  connection->start();
  ASSERT_TRUE(loop.runUntil([&] { return connection->state() == ConnectionState::Ready; }));

  const int count = 50000;
  int answered = 0, succeeded = 0, lost = 0;
  int64_t last = 0;
  for (int i = 0; i < count; ++i)
    connection->send(Command{"INCR", "k"}, [&](std::error_code ec, Reply reply) {
      ++answered;
      if (ec) {
        EXPECT_EQ(ec, make_error_code(Errc::ConnectionLost));
        ++lost;
        return;
      }
      ++succeeded;
      EXPECT_GT(reply.integer, last);
      last = reply.integer;
    });
  ASSERT_TRUE(loop.runUntil([&] { return answered > 0; }));
  std::string id = clientId(server, "victim");
  ASSERT_FALSE(id.empty());
  server.cli({"CLIENT", "KILL", "ID", id});
  ASSERT_TRUE(loop.runUntil(
      [&] { return connection->state() != ConnectionState::Ready || answered == count; }));

  // Queued while (possibly) disconnected: must all run once, in order.
  int pushed = 0;
  for (int i = 0; i < 1000; ++i)
    connection->send(Command{"RPUSH", "order", std::to_string(i)}, [&](std::error_code ec, Reply) {
      if (!ec) ++pushed;
    });
  ASSERT_TRUE(loop.runUntil([&] { return answered == count && pushed == 1000; }));
  EXPECT_EQ(succeeded + lost, count);
  int64_t total = std::stoll(server.cli({"GET", "k"}));
  EXPECT_GE(total, succeeded);
  EXPECT_LE(total, succeeded + lost);
  std::string order = server.cli({"LRANGE", "order", "0", "-1"});
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += (i ? "\n" : "") + std::to_string(i);
  EXPECT_EQ(order, expected);
  EXPECT_EQ(connection->reconnects(), 1u) << "the kill must have broken the link";
  RecordProperty("lost", lost);
  RecordProperty("succeeded", succeeded);
}

TEST(RedisConnection, ServerRestartQueuedCommandsRunAfterwardsInOrder) {
  RedisServer::Options serverOptions;
  serverOptions.appendOnly = true;
  RedisServer server(serverOptions);
  EventLoop loop;
  auto connection = Connection::create(loop.executor(), optionsFor(server.url()));
  std::vector<ConnectionState> states;
  connection->onState([&](ConnectionState state, std::error_code) { states.push_back(state); });
  connection->start();
  ASSERT_TRUE(loop.runUntil([&] { return connection->state() == ConnectionState::Ready; }));
  server.stop();
  ASSERT_TRUE(loop.runUntil([&] { return connection->state() == ConnectionState::Reconnecting; }));
  int done = 0;
  for (int i = 0; i < 100; ++i)
    connection->send(Command{"RPUSH", "after", std::to_string(i)}, [&](std::error_code ec, Reply) {
      EXPECT_FALSE(ec) << ec.message();
      ++done;
    });
  loop.runFor(200ms);
  EXPECT_EQ(done, 0) << "nothing can be answered while the server is down";
  server.start();
  ASSERT_TRUE(loop.runUntil([&] { return done == 100; }));
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += (i ? "\n" : "") + std::to_string(i);
  EXPECT_EQ(server.cli({"LRANGE", "after", "0", "-1"}), expected);
  EXPECT_EQ(connection->reconnects(), 1u);
  EXPECT_EQ(states.back(), ConnectionState::Ready);
}

TEST(RedisConnection, FullOfflineQueueFailsAtOnce) {
  RedisServer server;
  EventLoop loop;
  auto options = optionsFor(server.url());
  options.maxOfflineQueue = 10;
  auto connection = Connection::create(loop.executor(), options);
  connection->start();
  ASSERT_TRUE(loop.runUntil([&] { return connection->state() == ConnectionState::Ready; }));
  server.stop();
  ASSERT_TRUE(loop.runUntil([&] { return connection->state() == ConnectionState::Reconnecting; }));
  int full = 0, other = 0;
  for (int i = 0; i < 25; ++i)
    connection->send(Command{"PING"}, [&](std::error_code ec, Reply) {
      if (ec == make_error_code(Errc::OfflineQueueFull))
        ++full;
      else
        ++other;
    });
  loop.runFor(50ms);
  EXPECT_EQ(full, 15);
  EXPECT_EQ(other, 0);
  server.start();
  ASSERT_TRUE(loop.runUntil([&] { return other == 10; }));
}

TEST(RedisConnection, DebugSleepDelaysButNothingHangs) {
  RedisServer server;
  EventLoop loop;
  auto connection = Connection::create(loop.executor(), optionsFor(server.url()));
  connection->start();
  int done = 0;
  connection->send(Command{"DEBUG", "SLEEP", "0.5"}, [&](std::error_code ec, Reply reply) {
    EXPECT_FALSE(ec);
    EXPECT_TRUE(reply.isOk());
    ++done;
  });
  for (int i = 0; i < 100; ++i)
    connection->send(Command{"PING"}, [&](std::error_code ec, Reply) {
      EXPECT_FALSE(ec);
      ++done;
    });
  ASSERT_TRUE(loop.runUntil([&] { return done == 101; }, 10s));
}

TEST(RedisConnection, BlockingXreadOnADedicatedConnectionIsWokenByXadd) {
  RedisServer server;
  EventLoop loop;
  auto reader = Connection::create(loop.executor(), optionsFor(server.url(), "reader"));
  auto writer = Connection::create(loop.executor(), optionsFor(server.url(), "writer"));
  reader->start();
  writer->start();
  std::optional<Reply> read;
  reader->send(Command{"XREAD", "BLOCK", "10000", "STREAMS", "s", "$"},
               [&](std::error_code ec, Reply reply) {
                 EXPECT_FALSE(ec);
                 read = std::move(reply);
               });
  // The writer's pipeline is not stalled by the blocked reader.
  int pings = 0;
  for (int i = 0; i < 10; ++i)
    writer->send(Command{"PING"}, [&](std::error_code, Reply) { ++pings; });
  ASSERT_TRUE(loop.runUntil([&] { return pings == 10; }, 5s));
  EXPECT_FALSE(read.has_value());
  writer->send(Command{"XADD", "s", "*", "field", "value"});
  ASSERT_TRUE(loop.runUntil([&] { return read.has_value(); }, 5s));
  ASSERT_TRUE(read->isArray());
  const Reply& entries = read->elements.at(0).elements.at(1);
  EXPECT_EQ(entries.elements.at(0).elements.at(1),
            Reply::array({Reply::string("field"), Reply::string("value")}));
}
