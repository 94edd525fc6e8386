// The cluster client and subscriber against a real Redis Cluster (3 masters, 1 replica
// each, shared per suite): hash slots as the server computes them, routing, per-key order
// under pipelining, hash tags, MOVED after a slot migration, ASK during one, failovers
// (commands during and after; a killed master), sendToMasters, and sharded pub/sub that
// follows its channels to their new owners.
#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <thread>

#include "cluster_slot_map.hpp"
#include "event_loop.hpp"
#include "key_slot.hpp"
#include "redis_processes.hpp"
#include "sio/redis/client.hpp"

using namespace sio::redis;
using namespace std::chrono_literals;
using sio::redis_test::EventLoop;
using sio::redis_test::InfoField;
using sio::redis_test::RedisCluster;
using sio::redis_test::RedisServer;
using sio::redis_test::RespReply;

namespace {

ClientOptions clusterOptions(const RedisCluster& cluster, size_t seeds = 2) {
  ClientOptions options;
  options.urls = cluster.seedUrls();
  options.urls.resize(std::min(seeds, options.urls.size()));  // the rest is discovered
  options.cluster = true;
  options.clientName = "cluster-test";
  options.connection.backoff = BackoffOptions{20ms, 200ms, 2.0, 0.2};
  return options;
}

// How many `-<code>` error replies (MOVED, ASK) the node has given (INFO errorstats).
int errorCount(const RedisServer& node, const std::string& code) {
  std::string field = InfoField(node.info("errorstats"), "errorstat_" + code);
  return field.empty() ? 0 : std::stoi(field.substr(field.find('=') + 1));
}

// The port of the master serving each slot, from one CLUSTER SLOTS.
std::vector<int> slotOwners(const RedisCluster& cluster) {
  std::vector<int> owners(kClusterSlots, 0);
  RespReply slots = cluster.masters().front()->commandOk({"CLUSTER", "SLOTS"});
  for (const auto& range : slots.elements)
    for (long long slot = range.elements[0].integer; slot <= range.elements[1].integer; ++slot)
      owners[slot] = static_cast<int>(range.elements[2].elements[1].integer);
  return owners;
}

// Waits for one reply; fails the test on a transport error.
Reply call(EventLoop& loop, Client& client, std::string_view key, Command command) {
  std::optional<Reply> result;
  client.send(key, std::move(command), [&](std::error_code ec, Reply reply) {
    EXPECT_FALSE(ec) << ec.message();
    result = std::move(reply);
  });
  EXPECT_TRUE(loop.runUntil([&] { return result.has_value(); }));
  return result.value_or(Reply::error("no reply"));
}

std::vector<Reply> callMasters(EventLoop& loop, Client& client, Command command) {
  std::optional<std::vector<Reply>> result;
  client.sendToMasters(std::move(command), [&](std::error_code ec, std::vector<Reply> replies) {
    EXPECT_FALSE(ec) << ec.message();
    result = std::move(replies);
  });
  EXPECT_TRUE(loop.runUntil([&] { return result.has_value(); }));
  return result.value_or(std::vector<Reply>{});
}

// The sum of the counts in PUBSUB NUMSUB / SHARDNUMSUB replies ([name, count]) of every master.
int64_t sumCounts(const std::vector<Reply>& replies) {
  int64_t sum = 0;
  for (const auto& reply : replies)
    if (reply.isArray() && reply.elements.size() == 2) sum += reply.elements[1].integer;
  return sum;
}

// How many clients of `node` are subscribed to the sharded channel.
int64_t shardSubscribers(const RedisServer& node, const std::string& channel) {
  RespReply reply = node.commandOk({"PUBSUB", "SHARDNUMSUB", channel});
  return reply.elements.size() == 2 ? reply.elements[1].integer : -1;
}

// A master other than `node`.
RedisServer& otherMaster(const RedisCluster& cluster, const RedisServer& node) {
  for (RedisServer* master : cluster.masters())
    if (master != &node) return *master;
  throw std::runtime_error("no other master");
}

class ClusterSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new RedisCluster(); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override {
    client = Client::create(loop.executor(), clusterOptions(*cluster_));
    client->start();
    ASSERT_TRUE(loop.runUntil([&] { return client->ready(); }));
  }
  void TearDown() override {
    for (auto& subscriber : subscribers) subscriber->close();
    client->close();
    loop.runFor(20ms);
  }

  RedisCluster& cluster() { return *cluster_; }
  Reply call(std::string_view key, Command command) {
    return ::call(loop, *client, key, std::move(command));
  }

  std::shared_ptr<Subscriber> subscribe(
      std::vector<std::pair<Subscriber::Kind, std::vector<std::string>>> what) {
    auto subscriber = client->subscriber();
    subscribers.push_back(subscriber);
    subscriber->onMessage([this](const PubSubMessage& message) { received.push_back(message); });
    subscriber->start();
    size_t done = 0;
    for (auto& [kind, names] : what)
      subscriber->subscribe(kind, names, [&](std::error_code ec) {
        EXPECT_FALSE(ec) << ec.message();
        ++done;
      });
    EXPECT_TRUE(loop.runUntil([&] { return done == what.size(); }));
    return subscriber;
  }

  bool receivedOn(const std::string& channel, const std::string& payload) const {
    for (const auto& message : received)
      if (message.channel == channel && message.payload == payload) return true;
    return false;
  }

  // Publishes until the message arrives (subscriptions may be moving meanwhile).
  bool publishUntilReceived(const char* command, const std::string& channel,
                            const std::string& payload, std::chrono::milliseconds limit = 20s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      Command publish{command, channel, payload};
      client->send(std::string_view(command) == "SPUBLISH" ? channel : "", std::move(publish));
      if (loop.runUntil([&] { return receivedOn(channel, payload); }, 200ms)) return true;
    }
    return false;
  }

  static RedisCluster* cluster_;
  EventLoop loop;
  std::shared_ptr<Client> client;
  std::vector<std::shared_ptr<Subscriber>> subscribers;
  std::vector<PubSubMessage> received;
};

RedisCluster* ClusterSuite::cluster_ = nullptr;

class RedisClusterClient : public ClusterSuite {};
class RedisClusterPubSub : public ClusterSuite {};
class RedisClusterNodeLoss : public ClusterSuite {};

}  // namespace

TEST(RedisClusterSlotMap, ReadsClusterSlotsAndRedirections) {
  auto node = [](std::string host, int64_t port) {
    return Reply::array({Reply::string(std::move(host)), Reply::number(port), Reply::string("id")});
  };
  Reply slots = Reply::array({
      Reply::array({Reply::number(5461), Reply::number(10922), node("10.0.0.2", 7001),
                    node("10.0.0.5", 7004)}),
      Reply::array(
          {Reply::number(0), Reply::number(5460), node("10.0.0.1", 7000), node("?", 7003)}),
      Reply::array({Reply::number(10923), Reply::number(16383), node("", 7002)}),
  });
  auto map = SlotMap::fromClusterSlots(slots, "10.0.0.9");
  ASSERT_TRUE(map.has_value());
  ASSERT_EQ(map->masters().size(), 3u);
  EXPECT_EQ(map->masters()[0], (NodeAddress{"10.0.0.1", 7000}));  // by first slot
  EXPECT_EQ(map->masters()[2], (NodeAddress{"10.0.0.9", 7002}));  // empty host: the one asked
  EXPECT_EQ(*map->master(5461), (NodeAddress{"10.0.0.2", 7001}));
  EXPECT_EQ(map->replicas(),
            std::vector<NodeAddress>{(NodeAddress{"10.0.0.5", 7004})});  // "?" skipped
  EXPECT_EQ(map->slotsServed(), size_t(kClusterSlots));
  map->assign(42, NodeAddress{"10.0.0.5", 7004});
  EXPECT_TRUE(map->isMaster(NodeAddress{"10.0.0.5", 7004}));
  EXPECT_TRUE(map->replicas().empty());
  EXPECT_FALSE(SlotMap::fromClusterSlots(Reply::array({}), "h").has_value());
  EXPECT_FALSE(SlotMap::fromClusterSlots(Reply::error("ERR"), "h").has_value());

  auto moved = parseRedirect("MOVED 3999 127.0.0.1:6381", "x");
  ASSERT_TRUE(moved.has_value());
  EXPECT_FALSE(moved->ask);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->node, (NodeAddress{"127.0.0.1", 6381}));
  auto ask = parseRedirect("ASK 12 :7000", "10.1.1.1");
  ASSERT_TRUE(ask.has_value());
  EXPECT_TRUE(ask->ask);
  EXPECT_EQ(ask->node, (NodeAddress{"10.1.1.1", 7000}));
  EXPECT_EQ(parseRedirect("MOVED 1 ::1:7000", "")->node, (NodeAddress{"::1", 7000}));
  EXPECT_FALSE(parseRedirect("MOVED 16384 h:1", "").has_value());
  EXPECT_FALSE(parseRedirect("MOVED x h:1", "").has_value());
  EXPECT_FALSE(parseRedirect("ERR MOVED 1 h:1", "").has_value());
  EXPECT_FALSE(parseRedirect("ASK 1 h", "").has_value());
}

TEST_F(RedisClusterClient, KeySlotAgreesWithTheServer) {
  EXPECT_EQ(crc16("123456789"), 0x31C3);  // the XMODEM check value
  EXPECT_EQ(keySlot("foo"), 12182);
  EXPECT_EQ(keySlot("{user1000}.following"), keySlot("{user1000}.followers"));
  EXPECT_EQ(keySlot("foo{}{bar}"), crc16("foo{}{bar}") & 16383);  // empty tag: the whole key
  EXPECT_EQ(keySlot("foo{{bar}}zap"), keySlot("{bar"));           // first `{`, first `}` after it
  EXPECT_EQ(keySlot("foo{bar}{zap}"), keySlot("bar"));
  EXPECT_EQ(keySlot("{}"), crc16("{}") & 16383);
  EXPECT_EQ(keySlot("a{b"), crc16("a{b") & 16383);
  std::vector<std::string> keys = {"",         "{",      "}",       "{}x",     "x{}",
                                   "{a}",      "}{a}",   "{a}}",    "{{a}",    "a{b}c{d}e",
                                   "\xff\xfe", "{\x00}", "user:42", "{room:1}"};
  keys[11] = std::string("{\x00}", 3);
  for (int i = 0; i < 300; ++i)
    keys.push_back("key:" + std::to_string(i * 7919) + (i % 3 ? "{t" : "}") + "x");
  std::vector<int64_t> server(keys.size(), -1);
  size_t answered = 0;
  for (size_t i = 0; i < keys.size(); ++i)
    client->send("", Command{"CLUSTER", "KEYSLOT", keys[i]},
                 [&, i](std::error_code ec, Reply reply) {
                   EXPECT_FALSE(ec);
                   server[i] = reply.integer;
                   ++answered;
                 });
  ASSERT_TRUE(loop.runUntil([&] { return answered == keys.size(); }));
  for (size_t i = 0; i < keys.size(); ++i)
    EXPECT_EQ(keySlot(keys[i]), server[i]) << "key " << keys[i];
}

TEST_F(RedisClusterClient, RoutesKeysToTheMasterServingThem) {
  EXPECT_TRUE(client->isCluster());
  const int count = 300;
  size_t done = 0;
  for (int i = 0; i < count; ++i) {
    std::string key = "route:" + std::to_string(i);
    client->send(key, Command{"SET", key, "v" + std::to_string(i)},
                 [&](std::error_code ec, Reply reply) {
                   EXPECT_FALSE(ec) << ec.message();
                   EXPECT_TRUE(reply.isOk()) << describe(reply);
                   ++done;
                 });
  }
  ASSERT_TRUE(loop.runUntil([&] { return done == count; }));

  // Each key is on the master serving its slot, as that master itself says.
  auto owners = slotOwners(cluster());
  std::map<int, int> perMaster;
  for (int i = 0; i < count; ++i) {
    std::string key = "route:" + std::to_string(i);
    int port = owners[keySlot(key)];
    ++perMaster[port];
    EXPECT_EQ(cluster().nodeByPort(port).command({"GET", key}).str, "v" + std::to_string(i)) << key;
  }
  EXPECT_EQ(perMaster.size(), 3u);
  EXPECT_EQ(cluster().nodeByPort(owners[keySlot("route:7")]).cli({"GET", "route:7"}), "v7");

  // Reading back through the client, and through an independent duplicate.
  EXPECT_EQ(call("route:11", Command{"GET", "route:11"}).str, "v11");
  auto twin = client->duplicate();
  twin->start();
  EXPECT_EQ(::call(loop, *twin, "route:12", Command{"GET", "route:12"}).str, "v12");
  twin->close();
  EXPECT_TRUE(client->ready());
}

TEST_F(RedisClusterClient, PipelinedCommandsKeepPerKeyOrderAcrossNodes) {
  const int keys = 24, perKey = 250;
  std::vector<std::vector<int64_t>> replies(keys);
  size_t done = 0;
  for (int round = 0; round < perKey; ++round)
    for (int k = 0; k < keys; ++k) {
      std::string key = "order:" + std::to_string(k);
      client->send(key, Command{"RPUSH", key, std::to_string(round)},
                   [&, k](std::error_code ec, Reply reply) {
                     EXPECT_FALSE(ec) << ec.message();
                     replies[k].push_back(reply.integer);
                     ++done;
                   });
    }
  ASSERT_TRUE(loop.runUntil([&] { return done == size_t(keys * perKey); }));
  for (int k = 0; k < keys; ++k) {
    ASSERT_EQ(replies[k].size(), size_t(perKey));
    for (int i = 0; i < perKey; ++i) ASSERT_EQ(replies[k][i], i + 1) << "key " << k;
    std::string key = "order:" + std::to_string(k);
    Reply list = call(key, Command{"LRANGE", key, "0", "-1"});
    ASSERT_EQ(list.elements.size(), size_t(perKey));
    for (int i = 0; i < perKey; ++i) ASSERT_EQ(list.elements[i].str, std::to_string(i));
  }
}

TEST_F(RedisClusterClient, HashTaggedKeysShareANodeForMultiKeyCommands) {
  const std::string a = "{user:7}:name", b = "{user:7}:mail", c = "profile:{user:7}";
  ASSERT_EQ(keySlot(a), keySlot("user:7"));
  ASSERT_EQ(keySlot(b), keySlot(c));
  EXPECT_TRUE(call(a, Command{"MSET", a, "ann", b, "ann@example.org", c, "p"}).isOk());
  Reply values = call(b, Command{"MGET", a, b, c});
  ASSERT_EQ(values.elements.size(), 3u);
  EXPECT_EQ(values.elements[1].str, "ann@example.org");
  RedisServer& owner = cluster().nodeForSlot(keySlot("user:7"));
  EXPECT_EQ(owner.command({"GET", c}).str, "p");
  // Without a shared tag the server refuses: the reply comes back as a value.
  Reply refused = call("x:1", Command{"MGET", "x:1", "x:2", "x:3", "x:4"});
  EXPECT_TRUE(refused.isError());
  EXPECT_NE(refused.str.find("CROSSSLOT"), std::string::npos) << refused.str;
}

TEST_F(RedisClusterClient, MovedAfterASlotMigrationIsFollowedAndTheMapUpdated) {
  const std::string key = "moving-key";
  const int slot = keySlot(key);
  ASSERT_TRUE(call(key, Command{"SET", key, "before"}).isOk());
  RedisServer& from = cluster().nodeForSlot(slot);
  RedisServer& to = otherMaster(cluster(), from);
  cluster().migrateSlot(slot, from, to);
  int moved = errorCount(from, "MOVED");

  EXPECT_EQ(call(key, Command{"GET", key}).str, "before");  // MOVED, then the new owner
  EXPECT_EQ(errorCount(from, "MOVED"), moved + 1);
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(call(key, Command{"SET", key, "after" + std::to_string(i)}).isOk());
  loop.runFor(100ms);  // the full refresh the MOVED asked for
  EXPECT_EQ(call(key, Command{"GET", key}).str, "after19");
  EXPECT_EQ(errorCount(from, "MOVED"), moved + 1);  // the map knows: no more detours
  EXPECT_EQ(to.command({"GET", key}).str, "after19");
  EXPECT_TRUE(client->ready());
}

TEST_F(RedisClusterClient, AskDuringAMigrationReachesMovedAndUnmovedKeys) {
  std::vector<std::string> keys;
  for (int i = 0; i < 10; ++i) keys.push_back("{asking}:" + std::to_string(i));
  const int slot = keySlot(keys[0]);
  for (size_t i = 0; i < keys.size(); ++i)
    ASSERT_TRUE(call(keys[i], Command{"SET", keys[i], "v" + std::to_string(i)}).isOk());
  RedisServer& from = cluster().nodeForSlot(slot);
  RedisServer& to = otherMaster(cluster(), from);
  cluster().beginSlotMigration(slot, from, to);
  // Half of the keys move now; the others stay at the source for the moment.
  from.commandOk({"MIGRATE", "127.0.0.1", std::to_string(to.port()), "", "0", "5000", "KEYS",
                  keys[0], keys[1], keys[2], keys[3], keys[4]});
  int askBefore = errorCount(from, "ASK"), movedFrom = errorCount(from, "MOVED"),
      movedTo = errorCount(to, "MOVED");

  std::vector<std::string> values(keys.size());
  size_t done = 0;
  for (size_t i = 0; i < keys.size(); ++i)
    client->send(keys[i], Command{"GET", keys[i]}, [&, i](std::error_code ec, Reply reply) {
      EXPECT_FALSE(ec) << ec.message();
      values[i] = reply.str;
      ++done;
    });
  ASSERT_TRUE(loop.runUntil([&] { return done == keys.size(); }));
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(values[i], "v" + std::to_string(i)) << keys[i];
  EXPECT_EQ(errorCount(from, "ASK"), askBefore + 5);  // the moved keys, each asked at the target
  // A new key of the migrating slot is created at the target; moved keys can be written.
  EXPECT_TRUE(call("{asking}:new", Command{"SET", "{asking}:new", "n"}).isOk());
  EXPECT_EQ(call(keys[0], Command{"APPEND", keys[0], "+"}).integer, 3);
  EXPECT_EQ(call(keys[9], Command{"APPEND", keys[9], "+"}).integer, 3);
  // ASK does not change the map: the unmoved keys went straight to the source.
  EXPECT_EQ(errorCount(from, "MOVED"), movedFrom);
  EXPECT_EQ(errorCount(to, "MOVED"), movedTo);
  EXPECT_EQ(from.command({"GET", keys[9]}).str, "v9+");

  // A multi-key command over moved and unmoved keys gets TRYAGAIN: retried with backoff,
  // given up after maxRedirects...
  ClientOptions impatient = clusterOptions(cluster());
  impatient.maxRedirects = 2;
  auto hasty = Client::create(loop.executor(), impatient);
  hasty->start();
  std::optional<std::error_code> gaveUp;
  hasty->send(keys[0], Command{"MGET", keys[0], keys[9]},
              [&](std::error_code ec, Reply) { gaveUp = ec; });
  ASSERT_TRUE(loop.runUntil([&] { return gaveUp.has_value(); }));
  EXPECT_EQ(*gaveUp, make_error_code(Errc::TooManyRedirects));
  hasty->close();
  // ...or answered once the migration is over.
  std::optional<Reply> both;
  client->send(keys[0], Command{"MGET", keys[0], keys[9]}, [&](std::error_code ec, Reply reply) {
    EXPECT_FALSE(ec) << ec.message();
    both = std::move(reply);
  });
  loop.runFor(100ms);
  EXPECT_FALSE(both.has_value());
  EXPECT_GT(errorCount(from, "TRYAGAIN"), 0);

  cluster().migrateSlotKeys(slot, from, to);
  cluster().finishSlotMigration(slot, from, to);
  cluster().waitHealthy();
  ASSERT_TRUE(loop.runUntil([&] { return both.has_value(); }));
  ASSERT_EQ(both->elements.size(), 2u) << describe(*both);
  EXPECT_EQ(both->elements[0].str, "v0+");
  EXPECT_EQ(both->elements[1].str, "v9+");
  EXPECT_EQ(to.command({"GET", "{asking}:new"}).str, "n");
  EXPECT_EQ(call(keys[9], Command{"GET", keys[9]}).str, "v9+");
  EXPECT_EQ(call(keys[0], Command{"GET", keys[0]}).str, "v0+");
}

TEST_F(RedisClusterClient, ForcedFailoverCommandsDuringAndAfter) {
  const int keys = 30;
  RedisServer& master = cluster().nodeForSlot(keySlot("failover:0"));
  RedisServer& replica = *cluster().replicasOf(master).at(0);

  // One INCR in flight per key, again and again, while the replica takes over.
  std::vector<std::vector<int64_t>> values(keys);
  std::vector<int> lost(keys, 0), calls;
  std::vector<std::string> unexpected;
  size_t outstanding = 0;
  bool stop = false;
  std::function<void(int)> issue = [&](int k) {
    size_t id = calls.size();
    calls.push_back(0);
    ++outstanding;
    std::string key = "failover:" + std::to_string(k);
    client->send(key, Command{"INCR", key}, [&, k, id](std::error_code ec, Reply reply) {
      ++calls[id];
      --outstanding;
      if (ec == Errc::ConnectionLost)
        ++lost[k];
      else if (ec || !reply.isInteger())
        unexpected.push_back(ec ? ec.message() : describe(reply));
      else
        values[k].push_back(reply.integer);
      if (!stop) issue(k);
    });
  };
  for (int k = 0; k < keys; ++k) issue(k);
  loop.runFor(50ms);

  std::atomic<bool> finished = false;
  std::exception_ptr error;
  std::thread failover([&] {
    try {
      cluster().failover(replica);
    } catch (...) {
      error = std::current_exception();
    }
    finished = true;
  });
  bool ended = loop.runUntil([&] { return finished.load(); }, 60s);
  failover.join();
  ASSERT_TRUE(ended);
  if (error) std::rethrow_exception(error);
  stop = true;
  ASSERT_TRUE(loop.runUntil([&] { return outstanding == 0; }, 10s))
      << outstanding << " never answered";

  EXPECT_TRUE(unexpected.empty()) << unexpected.front();
  for (size_t id = 0; id < calls.size(); ++id) ASSERT_EQ(calls[id], 1) << "command " << id;
  for (int k = 0; k < keys; ++k) {
    ASSERT_FALSE(values[k].empty());
    for (size_t i = 1; i < values[k].size(); ++i) {
      ASSERT_GT(values[k][i], values[k][i - 1]);
      if (lost[k] == 0) {
        ASSERT_EQ(values[k][i], values[k][i - 1] + 1);  // nothing ran twice
      }
    }
  }
  // Afterwards every key works, the old master's ones on the new master.
  for (int k = 0; k < keys; ++k) {
    std::string key = "failover:" + std::to_string(k);
    EXPECT_TRUE(call(key, Command{"INCR", key}).isInteger());
  }
  EXPECT_EQ(replica.command({"GET", "failover:0"}).str, std::to_string(values[0].back() + 1));
  EXPECT_TRUE(client->ready());
}

TEST_F(RedisClusterClient, SendToMastersGathersOneReplyPerMaster) {
  auto pongs = callMasters(loop, *client, Command{"PING"});
  ASSERT_EQ(pongs.size(), 3u);
  for (const auto& reply : pongs) EXPECT_EQ(reply.str, "PONG");
  auto ports = callMasters(loop, *client, Command{"CONFIG", "GET", "port"});
  std::set<std::string> distinct;
  for (const auto& reply : ports) distinct.insert(reply.elements.at(1).str);
  EXPECT_EQ(distinct.size(), 3u);

  subscribe(
      {{Subscriber::Kind::Channel, {"numsub-chan"}}, {Subscriber::Kind::Shard, {"numsub-shard"}}});
  EXPECT_EQ(sumCounts(callMasters(loop, *client, Command{"PUBSUB", "NUMSUB", "numsub-chan"})), 1);
  EXPECT_EQ(sumCounts(callMasters(loop, *client, Command{"PUBSUB", "NUMSUB", "nobody"})), 0);
  Reply shard = call("numsub-shard", Command{"PUBSUB", "SHARDNUMSUB", "numsub-shard"});
  ASSERT_EQ(shard.elements.size(), 2u) << describe(shard);
  EXPECT_EQ(shard.elements[1].integer, 1);
}

TEST_F(RedisClusterPubSub, ShardedChannelsOfDifferentSlotsAndPlainChannels) {
  std::vector<std::string> shards;
  std::set<int> ports;
  auto owners = slotOwners(cluster());
  for (int i = 0; i < 12; ++i) {
    shards.push_back("shard:" + std::to_string(i));
    ports.insert(owners[keySlot(shards.back())]);
  }
  ASSERT_EQ(ports.size(), 3u);
  auto subscriber = subscribe({{Subscriber::Kind::Shard, shards},
                               {Subscriber::Kind::Channel, {"plain"}},
                               {Subscriber::Kind::Pattern, {"room:*"}}});
  EXPECT_EQ(subscriber->subscriptions(Subscriber::Kind::Shard).size(), shards.size());
  EXPECT_EQ(subscriber->state(), ConnectionState::Ready);
  for (const auto& channel : shards)
    client->send(channel, Command{"SPUBLISH", channel, "s-" + channel});
  client->send("", Command{"PUBLISH", "plain", "p"});
  client->send("", Command{"PUBLISH", "room:9", "r"});
  ASSERT_TRUE(loop.runUntil([&] { return received.size() == shards.size() + 2; }))
      << received.size();
  for (const auto& channel : shards) EXPECT_TRUE(receivedOn(channel, "s-" + channel)) << channel;
  EXPECT_TRUE(receivedOn("plain", "p"));
  EXPECT_TRUE(receivedOn("room:9", "r"));

  // Unsubscribing a few sharded channels (several slots at once).
  bool done = false;
  subscriber->unsubscribe(Subscriber::Kind::Shard, {shards[0], shards[1], shards[2]},
                          [&](std::error_code ec) {
                            EXPECT_FALSE(ec) << ec.message();
                            done = true;
                          });
  ASSERT_TRUE(loop.runUntil([&] { return done; }));
  received.clear();
  client->send(shards[0], Command{"SPUBLISH", shards[0], "gone"});
  client->send(shards[3], Command{"SPUBLISH", shards[3], "kept"});
  ASSERT_TRUE(loop.runUntil([&] { return receivedOn(shards[3], "kept"); }));
  loop.runFor(50ms);
  EXPECT_FALSE(receivedOn(shards[0], "gone"));
  EXPECT_EQ(subscriber->gaps(), 0u);
}

TEST_F(RedisClusterPubSub, ShardChannelSurvivesAFailoverOfItsOwner) {
  const std::string channel = "shard-failover";
  auto subscriber = subscribe({{Subscriber::Kind::Shard, {channel}}});
  ASSERT_TRUE(publishUntilReceived("SPUBLISH", channel, "before"));
  uint64_t gaps = subscriber->gaps();
  int resubscribed = 0;
  subscriber->onResubscribed([&] { ++resubscribed; });

  RedisServer& owner = cluster().nodeForSlot(keySlot(channel));
  RedisServer& replica = *cluster().replicasOf(owner).at(0);
  cluster().failover(replica);
  ASSERT_TRUE(loop.runUntil([&] { return subscriber->gaps() > gaps; }));
  EXPECT_GE(resubscribed, 1);
  ASSERT_TRUE(publishUntilReceived("SPUBLISH", channel, "after", 5s));
  EXPECT_EQ(shardSubscribers(replica, channel), 1);
}

TEST_F(RedisClusterPubSub, ShardChannelFollowsASlotMigration) {
  const std::string channel = "shard-migrating";
  auto subscriber = subscribe({{Subscriber::Kind::Shard, {channel}}});
  ASSERT_TRUE(publishUntilReceived("SPUBLISH", channel, "before"));
  uint64_t gaps = subscriber->gaps();
  RedisServer& from = cluster().nodeForSlot(keySlot(channel));
  RedisServer& to = otherMaster(cluster(), from);
  cluster().migrateSlot(keySlot(channel), from, to);
  ASSERT_TRUE(loop.runUntil([&] { return subscriber->gaps() > gaps; }));
  ASSERT_TRUE(publishUntilReceived("SPUBLISH", channel, "after", 5s));
  EXPECT_EQ(shardSubscribers(to, channel), 1);
  EXPECT_EQ(subscriber->state(), ConnectionState::Ready);
}

TEST_F(RedisClusterNodeLoss, AKilledMasterIsReplacedQueuedCommandsAndSubscriptionsFollow) {
  // The master of slot 0 is the first in the map: plain channels live there.
  auto owners = slotOwners(cluster());
  RedisServer& victim = cluster().nodeByPort(owners[0]);
  std::string shard, key;
  for (int i = 0; shard.empty() || key.empty(); ++i) {
    std::string name = "lost:" + std::to_string(i);
    if (owners[keySlot(name)] != victim.port()) continue;
    (shard.empty() ? shard : key) = name;
  }
  auto subscriber =
      subscribe({{Subscriber::Kind::Channel, {"plain-lost"}}, {Subscriber::Kind::Shard, {shard}}});
  ASSERT_EQ(victim.command({"PUBSUB", "NUMSUB", "plain-lost"}).elements.at(1).integer, 1);
  ASSERT_TRUE(call(key, Command{"SET", key, "0"}).isOk());

  // Written when the master dies (held up behind a BLPOP): they fail, once, and are not
  // sent again elsewhere.
  std::vector<std::error_code> written;
  client->send(key, Command{"BLPOP", key + ":list", "0"},
               [&](std::error_code ec, Reply) { written.push_back(ec); });
  for (int i = 0; i < 5; ++i)
    client->send(key, Command{"INCR", key},
                 [&](std::error_code ec, Reply) { written.push_back(ec); });
  loop.runFor(100ms);
  ASSERT_TRUE(written.empty());
  victim.kill();
  ASSERT_TRUE(loop.runUntil([&] { return written.size() == 6; }));  // the client sees the link drop
  for (auto ec : written) EXPECT_EQ(ec, make_error_code(Errc::ConnectionLost));
  // sendUnlessDisconnected does not wait for the node: NotSent at once.
  std::optional<std::error_code> notSent;
  client->sendUnlessDisconnected(key, Command{"INCR", key},
                                 [&](std::error_code ec, Reply) { notSent = ec; });
  ASSERT_TRUE(loop.runUntil([&] { return notSent.has_value(); }, 1s));
  EXPECT_EQ(*notSent, make_error_code(Errc::NotSent));
  // Sent while the master is down: they wait, then go to the replica that takes over.
  std::vector<std::error_code> results;
  for (int i = 0; i < 50; ++i)
    client->send(key, Command{"INCR", key},
                 [&](std::error_code ec, Reply) { results.push_back(ec); });
  ASSERT_TRUE(loop.runUntil([&] { return results.size() == 50; }, 30s));
  for (auto ec : results) EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(call(key, Command{"GET", key}).str, "50");
  std::optional<Reply> direct;
  client->sendUnlessDisconnected(key, Command{"INCR", key}, [&](std::error_code ec, Reply reply) {
    EXPECT_FALSE(ec) << ec.message();
    direct = std::move(reply);
  });
  ASSERT_TRUE(loop.runUntil([&] { return direct.has_value(); }));
  EXPECT_EQ(direct->integer, 51);

  ASSERT_TRUE(publishUntilReceived("SPUBLISH", shard, "shard-after"));
  ASSERT_TRUE(publishUntilReceived("PUBLISH", "plain-lost", "plain-after"));
  EXPECT_GE(subscriber->gaps(), 1u);  // one per move (both may move in one go)
  EXPECT_TRUE(loop.runUntil([&] { return subscriber->state() == ConnectionState::Ready; }));
  EXPECT_TRUE(client->ready());
}
