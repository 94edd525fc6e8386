// The Sentinel client against real processes (a master, a replica and three sentinels):
// discovery with AUTH/SELECT/SETNAME, sentinels with a password, forced and automatic
// failovers (queued commands run once and in order on the new master, written ones fail
// with ConnectionLost, subscribers move), a master turned replica (READONLY, ROLE), hung
// or stopped sentinels, an unknown master name — and every close leaves no work behind.
#include <gtest/gtest.h>

#include <future>
#include <stdexcept>

#include "event_loop.hpp"
#include "redis_processes.hpp"
#include "sio/redis/client.hpp"

using namespace sio::redis;
using namespace std::chrono_literals;
using sio::redis_test::EventLoop;
using sio::redis_test::RedisSentinelSetup;
using sio::redis_test::RedisServer;

namespace {

ClientOptions optionsFor(const RedisSentinelSetup& setup, std::string url, std::string name) {
  ClientOptions options;
  options.urls = {std::move(url)};  // host and port are ignored: the sentinels decide
  options.sentinels = setup.sentinelAddresses();
  options.sentinelMaster = setup.masterName();
  options.clientName = std::move(name);
  options.connection.connectTimeout = 500ms;
  options.connection.backoff = BackoffOptions{20ms, 200ms, 2.0, 0.2};
  return options;
}

struct Outcome {
  bool done = false;
  std::error_code ec;
  Reply reply;
};

// A handler filling `outcome`; the Outcome must outlive the command.
Client::ReplyHandler into(Outcome& outcome) {
  return [&outcome](std::error_code ec, Reply reply) {
    outcome = Outcome{true, ec, std::move(reply)};
  };
}

Outcome run(EventLoop& loop, Client& client, Command command,
            std::chrono::milliseconds limit = 15s) {
  Outcome outcome;
  client.send("", std::move(command), into(outcome));
  EXPECT_TRUE(loop.runUntil([&] { return outcome.done; }, limit));
  EXPECT_FALSE(outcome.ec) << outcome.ec.message();
  return outcome;
}

struct StateLog {
  std::vector<std::pair<ConnectionState, std::error_code>> events;
  void record(ConnectionState state, std::error_code ec) { events.emplace_back(state, ec); }
  bool saw(Errc error) const {
    for (const auto& [state, ec] : events)
      if (ec == make_error_code(error)) return true;
    return false;
  }
};

// Runs the loop until it has no work left: everything was closed and released.
void expectDrained(EventLoop& loop) {
  auto start = std::chrono::steady_clock::now();
  loop.io().restart();
  loop.io().run_for(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s)
      << "work left in the io_context after close()";
}

// Kills the connection named `name` on `server` (CLIENT KILL ID).
void killClient(const RedisServer& server, const std::string& name) {
  std::string list = server.cli({"CLIENT", "LIST"});
  size_t at = list.find("name=" + name + " ");
  ASSERT_NE(at, std::string::npos) << list;
  size_t line = list.rfind('\n', at);
  line = line == std::string::npos ? 0 : line + 1;
  size_t id = list.find("id=", line);
  server.cli({"CLIENT", "KILL", "ID", list.substr(id + 3, list.find(' ', id) - id - 3)});
}

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

struct Inbox {
  std::vector<std::string> payloads;
  void attach(Subscriber& subscriber) {
    subscriber.onMessage(
        [this](const PubSubMessage& message) { payloads.push_back(message.payload); });
  }
};

void subscribe(EventLoop& loop, Subscriber& subscriber, std::string channel) {
  bool done = false;
  subscriber.subscribe({std::move(channel)}, [&](std::error_code ec) {
    EXPECT_FALSE(ec) << ec.message();
    done = true;
  });
  ASSERT_TRUE(loop.runUntil([&] { return done; }));
}

RedisSentinelSetup::Options withPassword() {
  RedisSentinelSetup::Options options;
  options.password = "data-secret";
  return options;
}

constexpr const char* kUrlWithPassword = "redis://:data-secret@127.0.0.1:1/3";

}  // namespace

TEST(RedisSentinel, RejectsMalformedSentinelOptions) {
  EventLoop loop;
  ClientOptions options;
  options.sentinels = {"127.0.0.1"};
  options.sentinelMaster = "mymaster";
  EXPECT_THROW(Client::create(loop.executor(), options), std::invalid_argument);
  options.sentinels = {"127.0.0.1:26379"};
  options.sentinelMaster.clear();
  EXPECT_THROW(Client::create(loop.executor(), options), std::invalid_argument);
  options.sentinels = {"[::1]:26379", "localhost:26380"};
  options.sentinelMaster = "mymaster";
  EXPECT_NO_THROW(Client::create(loop.executor(), options));
}

TEST(RedisSentinel, FindsTheMasterForClientsDuplicatesAndSubscribers) {
  RedisSentinelSetup setup(withPassword());
  EventLoop loop;
  auto client =
      Client::create(loop.executor(), optionsFor(setup, kUrlWithPassword, "sentinel-main"));
  EXPECT_FALSE(client->isCluster());
  client->start();
  EXPECT_TRUE(run(loop, *client, {"SET", "greeting", "hello"}).reply.isOk());
  EXPECT_TRUE(client->ready());
  RedisServer& master = setup.master();
  EXPECT_EQ(master.cli({"-n", "3", "GET", "greeting"}), "hello");  // the URL's db
  EXPECT_NE(master.cli({"CLIENT", "LIST"}).find("name=sentinel-main "), std::string::npos);

  std::vector<Reply> fromMasters;
  client->sendToMasters({"DBSIZE"}, [&](std::error_code ec, std::vector<Reply> replies) {
    EXPECT_FALSE(ec);
    fromMasters = std::move(replies);
  });
  ASSERT_TRUE(loop.runUntil([&] { return !fromMasters.empty(); }));
  EXPECT_EQ(fromMasters.size(), 1u);
  EXPECT_EQ(fromMasters[0].integer, 1);

  auto duplicate = client->duplicate();
  duplicate->start();
  EXPECT_EQ(run(loop, *duplicate, {"GET", "greeting"}).reply.str, "hello");

  auto subscriber = client->subscriber();
  Inbox inbox;
  inbox.attach(*subscriber);
  subscriber->start();
  subscribe(loop, *subscriber, "news");
  EXPECT_EQ(run(loop, *client, {"PUBLISH", "news", "one"}).reply.integer, 1);  // then the next
  master.cli({"PUBLISH", "news", "two"});
  ASSERT_TRUE(loop.runUntil([&] { return inbox.payloads.size() == 2; }));
  EXPECT_EQ(inbox.payloads, (std::vector<std::string>{"one", "two"}));

  client->close();
  duplicate->close();
  subscriber->close();
  expectDrained(loop);
}

TEST(RedisSentinel, AuthenticatesAtTheSentinels) {
  RedisSentinelSetup setup;
  const std::string password = "sentinel-secret";
  for (RedisServer* sentinel : setup.sentinels())
    sentinel->commandOk({"ACL", "SETUSER", "default", "resetpass", ">" + password});
  EventLoop loop;

  auto options = optionsFor(setup, "redis://127.0.0.1", "sentinel-auth");
  options.sentinelPassword = password;
  auto client = Client::create(loop.executor(), options);
  client->start();
  EXPECT_TRUE(run(loop, *client, {"PING"}).reply.isStatus());
  // The +switch-master watch got in as well.
  auto watching = [&] {
    for (RedisServer* sentinel : setup.sentinels()) {
      auto list = sio::redis_test::RespCommand(sentinel->port(), {"CLIENT", "LIST"}, password);
      if (list.str.find("cmd=subscribe") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(loop.runUntil(watching, 5s));

  options.sentinelPassword = "wrong";
  auto refused = Client::create(loop.executor(), options);
  StateLog log;
  refused->onState([&](ConnectionState state, std::error_code ec) { log.record(state, ec); });
  refused->start();
  EXPECT_TRUE(loop.runUntil([&] { return log.saw(Errc::NoMaster); }, 10s));
  EXPECT_FALSE(refused->ready());

  client->close();
  refused->close();
  expectDrained(loop);
}

// SENTINEL FAILOVER while commands flow: the client follows the announcement at once;
// commands queued during the switch run exactly once, in order, on the new master; what
// was in flight either succeeded or failed with ConnectionLost; the duplicate and the
// subscriber move too.
TEST(RedisSentinel, FollowsAForcedFailover) {
  RedisSentinelSetup setup(withPassword());
  const std::string oldMaster = setup.currentMaster();
  EventLoop loop;
  auto client =
      Client::create(loop.executor(), optionsFor(setup, kUrlWithPassword, "sentinel-failover"));
  client->start();
  auto duplicate = client->duplicate();
  duplicate->start();
  auto subscriber = client->subscriber();
  Inbox inbox;
  inbox.attach(*subscriber);
  subscriber->start();
  subscribe(loop, *subscriber, "news");
  EXPECT_TRUE(run(loop, *client, {"SET", "before", "1"}).reply.isOk());
  EXPECT_TRUE(run(loop, *duplicate, {"PING"}).reply.isStatus());

  constexpr int kQueued = 200;
  std::vector<int64_t> lengths;  // RPUSH replies
  std::optional<Reply> range;
  int queueFailures = 0;
  bool armed = false, queued = false;
  StateLog log;
  client->onState([&](ConnectionState state, std::error_code ec) {
    log.record(state, ec);
    if (state != ConnectionState::Reconnecting || !armed || queued) return;
    queued = true;  // the link to the old master just dropped: these wait in the queue
    for (int i = 0; i < kQueued; ++i)
      client->send("queued", {"RPUSH", "queued", std::to_string(i)},
                   [&](std::error_code error, Reply reply) {
                     if (error || !reply.isInteger())
                       ++queueFailures;
                     else
                       lengths.push_back(reply.integer);
                   });
    client->send("queued", {"LRANGE", "queued", "0", "-1"},
                 [&](std::error_code error, Reply reply) {
                   if (error) ++queueFailures;
                   range = std::move(reply);
                 });
  });

  int sent = 0, succeeded = 0, lost = 0, other = 0;
  auto lastSend = std::chrono::steady_clock::now();
  auto tick = [&] {  // a command every ~10 ms while the failover runs
    if (std::chrono::steady_clock::now() - lastSend < 10ms) return;
    lastSend = std::chrono::steady_clock::now();
    ++sent;
    client->send("ticks", {"INCR", "ticks"}, [&](std::error_code error, Reply reply) {
      if (!error && reply.isInteger())
        ++succeeded;
      else if (error == make_error_code(Errc::ConnectionLost))
        ++lost;
      else
        ++other;
    });
  };

  armed = true;
  auto failover = std::async(std::launch::async, [&] { return setup.forceFailover(); });
  ASSERT_TRUE(loop.runUntil(
      [&] {
        tick();
        return failover.wait_for(0s) == std::future_status::ready;
      },
      40s));
  const std::string newMaster = failover.get();
  ASSERT_NE(newMaster, oldMaster);

  ASSERT_TRUE(loop.runUntil([&] { return range.has_value() && succeeded + lost + other == sent; }));
  EXPECT_TRUE(queued);
  EXPECT_EQ(queueFailures, 0);
  ASSERT_EQ(lengths.size(), size_t(kQueued));
  for (int i = 0; i < kQueued; ++i) EXPECT_EQ(lengths[i], i + 1);
  ASSERT_TRUE(range->isArray());
  ASSERT_EQ(range->elements.size(), size_t(kQueued));
  for (int i = 0; i < kQueued; ++i) EXPECT_EQ(range->elements[i].str, std::to_string(i));
  EXPECT_EQ(other, 0) << "in-flight commands end in a reply or ConnectionLost";
  EXPECT_GT(succeeded, 0);

  // After the switch: the new master serves the client and the duplicate.
  RedisServer& master = setup.master();
  ASSERT_EQ(master.address(), newMaster);
  EXPECT_EQ(firstLine(master.cli({"ROLE"})), "master");
  EXPECT_TRUE(run(loop, *client, {"SET", "after", "2"}).reply.isOk());
  EXPECT_TRUE(run(loop, *duplicate, {"SET", "after-duplicate", "3"}).reply.isOk());
  EXPECT_EQ(master.cli({"-n", "3", "GET", "after"}), "2");
  EXPECT_EQ(master.cli({"-n", "3", "GET", "after-duplicate"}), "3");
  std::string list = master.cli({"-n", "3", "LRANGE", "queued", "0", "-1"});
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), kQueued - 1);
  EXPECT_EQ(firstLine(list), "0");

  // The subscriber resubscribed there.
  ASSERT_TRUE(loop.runUntil(
      [&] { return subscriber->gaps() >= 1 && subscriber->state() == ConnectionState::Ready; }));
  EXPECT_NE(master.cli({"CLIENT", "LIST", "TYPE", "pubsub"}).find("name=sentinel-failover "),
            std::string::npos);
  master.cli({"PUBLISH", "news", "from-new-master"});
  ASSERT_TRUE(loop.runUntil([&] {
    return std::find(inbox.payloads.begin(), inbox.payloads.end(), "from-new-master") !=
           inbox.payloads.end();
  }));

  client->close();
  duplicate->close();
  subscriber->close();
  expectDrained(loop);
}

// The master hangs (SIGSTOP): its connections stay open and answer nothing, so only the
// +switch-master announcement after the automatic failover can move the client. The
// command written to the hung master fails with ConnectionLost.
TEST(RedisSentinel, LeavesAHungMasterWhenTheSentinelsSwitch) {
  RedisSentinelSetup setup;
  EventLoop loop;
  auto client =
      Client::create(loop.executor(), optionsFor(setup, "redis://127.0.0.1", "sentinel-hung"));
  client->start();
  auto subscriber = client->subscriber();
  Inbox inbox;
  inbox.attach(*subscriber);
  subscriber->start();
  subscribe(loop, *subscriber, "news");
  EXPECT_TRUE(run(loop, *client, {"SET", "before", "1"}).reply.isOk());
  RedisServer& hung = setup.master();
  RedisServer& promoted = setup.replica();

  hung.pause();
  Outcome stuck;
  client->send("", {"INCR", "stuck"}, into(stuck));
  loop.runFor(100ms);
  EXPECT_FALSE(stuck.done);
  ASSERT_TRUE(loop.runUntil([&] { return stuck.done; }, 30s));
  EXPECT_EQ(stuck.ec, make_error_code(Errc::ConnectionLost));

  EXPECT_TRUE(run(loop, *client, {"SET", "after", "2"}).reply.isOk());
  EXPECT_EQ(firstLine(promoted.cli({"ROLE"})), "master");
  EXPECT_EQ(promoted.cli({"GET", "after"}), "2");
  ASSERT_TRUE(loop.runUntil(
      [&] { return subscriber->gaps() >= 1 && subscriber->state() == ConnectionState::Ready; }));
  promoted.cli({"PUBLISH", "news", "moved"});
  ASSERT_TRUE(loop.runUntil([&] { return !inbox.payloads.empty(); }));
  EXPECT_EQ(inbox.payloads.back(), "moved");

  hung.resume();
  client->close();
  subscriber->close();
  expectDrained(loop);
}

// A master that became a replica behind the sentinels' back: the READONLY reply makes the
// client ask again, the ROLE check refuses the replica until it is a master again.
TEST(RedisSentinel, AsksAgainWhenTheMasterTurnsReplica) {
  RedisSentinelSetup setup;
  EventLoop loop;
  auto client =
      Client::create(loop.executor(), optionsFor(setup, "redis://127.0.0.1", "sentinel-readonly"));
  StateLog log;
  client->onState([&](ConnectionState state, std::error_code ec) { log.record(state, ec); });
  client->start();
  EXPECT_TRUE(run(loop, *client, {"SET", "k", "1"}).reply.isOk());
  RedisServer& master = setup.master();

  master.cli({"REPLICAOF", "127.0.0.1", "1"});  // nobody there: a replica with its link down
  Outcome refused = run(loop, *client, {"SET", "k", "2"});
  ASSERT_TRUE(refused.reply.isError());
  EXPECT_EQ(refused.reply.str.rfind("READONLY", 0), 0u) << refused.reply.str;
  EXPECT_TRUE(loop.runUntil([&] { return log.saw(Errc::HandshakeFailed); }, 2s));  // ROLE: slave
  EXPECT_FALSE(client->ready());

  master.cli({"REPLICAOF", "NO", "ONE"});
  EXPECT_TRUE(run(loop, *client, {"SET", "k", "3"}).reply.isOk());
  EXPECT_EQ(master.cli({"GET", "k"}), "3");

  client->close();
  expectDrained(loop);
}

// A hung sentinel is skipped after the short time limit; with every sentinel gone the
// client reports NoMaster and keeps the commands until a sentinel answers again.
TEST(RedisSentinel, WaitsWhileNoSentinelAnswers) {
  RedisSentinelSetup setup;
  auto sentinels = setup.sentinels();
  RedisServer& master = setup.master();
  EventLoop loop;
  const std::string name = "sentinel-down";
  auto client = Client::create(loop.executor(), optionsFor(setup, "redis://127.0.0.1", name));
  StateLog log;
  client->onState([&](ConnectionState state, std::error_code ec) { log.record(state, ec); });
  client->start();
  EXPECT_TRUE(run(loop, *client, {"SET", "n", "0"}).reply.isOk());

  auto dropped = [&] {
    return std::any_of(log.events.begin(), log.events.end(), [](const auto& event) {
      return event.first == ConnectionState::Reconnecting;
    });
  };
  sentinels[0]->pause();
  auto start = std::chrono::steady_clock::now();
  killClient(master, name);
  ASSERT_TRUE(loop.runUntil(dropped, 5s));
  EXPECT_EQ(run(loop, *client, {"INCR", "n"}).reply.integer, 1);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 400ms) << "waited for the hung sentinel";
  sentinels[0]->resume();

  for (RedisServer* sentinel : sentinels) sentinel->stop();
  log.events.clear();
  killClient(master, name);
  ASSERT_TRUE(loop.runUntil(dropped, 5s));
  Outcome waiting;
  client->send("", {"INCR", "n"}, into(waiting));
  ASSERT_TRUE(loop.runUntil([&] { return log.saw(Errc::NoMaster); }, 10s));
  loop.runFor(300ms);
  EXPECT_FALSE(waiting.done);

  sentinels[1]->start();
  ASSERT_TRUE(loop.runUntil([&] { return waiting.done; }, 15s));
  EXPECT_FALSE(waiting.ec) << waiting.ec.message();
  EXPECT_EQ(waiting.reply.integer, 2);
  // The +switch-master watch moved to the sentinel that is back.
  EXPECT_TRUE(loop.runUntil(
      [&] {
        return sentinels[1]->cli({"CLIENT", "LIST"}).find("cmd=subscribe") != std::string::npos;
      },
      5s));

  client->close();
  expectDrained(loop);
}

TEST(RedisSentinel, UnknownMasterNameReportsNoMasterAndClosesCleanly) {
  RedisSentinelSetup setup;
  EventLoop loop;
  auto options = optionsFor(setup, "redis://127.0.0.1", "sentinel-unknown");
  options.sentinelMaster = "no-such-master";
  auto client = Client::create(loop.executor(), options);
  StateLog log;
  client->onState([&](ConnectionState state, std::error_code ec) { log.record(state, ec); });
  client->start();
  auto subscriber = client->subscriber();
  subscriber->start();
  Outcome pending;
  client->send("", {"PING"}, into(pending));
  ASSERT_TRUE(loop.runUntil([&] { return log.saw(Errc::NoMaster); }, 10s));
  EXPECT_FALSE(pending.done);

  client->close();
  subscriber->close();
  ASSERT_TRUE(loop.runUntil([&] { return pending.done; }, 1s));
  EXPECT_EQ(pending.ec, make_error_code(Errc::Closed));
  expectDrained(loop);
}
