// Test fixtures running real Redis processes for the Redis client and adapter tests: a
// standalone server (AOF, password, ACL users, restart/kill), a cluster (slot migration,
// failover) and a sentinel setup (forced failover), on free ports of 127.0.0.1 with data in
// temporary directories. Destructors kill the processes and remove the directories; a process
// also gets SIGKILL when the thread that started it ends (PR_SET_PDEATHSIG). Not thread-safe:
// create and use each fixture on one thread that outlives it (normally the test's main thread).
// The Node.js tests use these same fixtures through the redis-fixture tool
// (redis_fixture_dispatcher.hpp, tests/integration/lib/redis.mjs).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sio::redis_test {

/// How long the fixtures wait for a condition (server up, cluster ok, failover done) before
/// they throw std::runtime_error with the last thing they saw.
inline constexpr std::chrono::milliseconds kDefaultTimeout{30000};

/// A port of 127.0.0.1 that was free a moment ago (the kernel picks it: bind to port 0).
int FreePort();
/// `count` distinct such ports (the sockets are held until all are picked).
std::vector<int> FreePorts(std::size_t count);

/// A RESP2 reply, as read by RespCommand.
struct RespReply {
  enum class Type { Status, Error, Integer, Bulk, Nil, Array };
  Type type = Type::Nil;
  std::string str;  // Status, Error, Bulk
  long long integer = 0;
  std::vector<RespReply> elements;  // Array

  bool isError() const { return type == Type::Error; }
  bool isNil() const { return type == Type::Nil; }
  /// A readable rendering (for messages): "OK", "(error) ERR ...", "[a, 1, (nil)]".
  std::string toString() const;
};

/// Sends one command over a fresh connection to 127.0.0.1:port (after AUTH when a password
/// is given) and returns the reply. Error replies are returned, not thrown; failing to
/// connect, a timeout or a broken reply throw std::runtime_error.
RespReply RespCommand(int port, const std::vector<std::string>& args,
                      const std::string& password = "",
                      std::chrono::milliseconds timeout = std::chrono::milliseconds{5000});

/// Result of RunProgram.
struct ProgramResult {
  int exitCode = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

/// Runs a program (looked up in PATH) with stdin from /dev/null and the extra environment
/// variables, and collects its output. Throws when it cannot be started or runs longer than
/// `timeout` (it is killed then).
ProgramResult RunProgram(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& extraEnv = {},
                         std::chrono::milliseconds timeout = kDefaultTimeout);

/// The value of `field` in an INFO reply ("role" -> "master"); empty when absent.
std::string InfoField(const std::string& info, const std::string& field);

/// One redis-server (or redis-sentinel) process with a generated config file.
class RedisServer {
 public:
  enum class Mode { Server, Sentinel };

  struct Options {
    Mode mode = Mode::Server;
    /// `appendonly yes` + `appendfsync always`: data survives kill() and restart().
    bool appendOnly = false;
    /// `requirepass` (and `masterauth`, for replicas); used by cli() and command().
    std::string password;
    /// ACL users, each written as `user <entry>`, e.g. "alice on >secret ~* &* +@all".
    std::vector<std::string> aclUsers;
    /// `cluster-enabled yes` with its own `cluster-config-file` and a free `cluster-port`.
    bool clusterEnabled = false;
    int clusterNodeTimeoutMs = 2000;
    /// More config lines, written last (e.g. "replicaof 127.0.0.1 7000", "maxmemory 10mb").
    std::vector<std::string> extraConfig;
    /// Limit for each start (and for stop() before it falls back to SIGKILL).
    std::chrono::milliseconds timeout = kDefaultTimeout;
  };

  /// Starts the server and waits until it answers PING. Throws std::runtime_error (with the
  /// log tail) when it does not come up; a port taken meanwhile is retried with another one.
  RedisServer();
  explicit RedisServer(Options options);
  /// Kills the process (SIGKILL) and removes the temporary directory. Set
  /// SIO_REDIS_KEEP_DIRS=1 to keep the directory (it is printed to stderr).
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  int clusterBusPort() const { return busPort_; }  // 0 unless clusterEnabled
  std::string url() const;                         // "redis://127.0.0.1:PORT"
  std::string address() const;                     // "127.0.0.1:PORT"
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path configFile() const { return dir_ / "redis.conf"; }
  std::filesystem::path logFile() const { return dir_ / "redis.log"; }
  const Options& options() const { return options_; }
  /// True while the process is alive (reaps it when it has exited).
  bool running();
  pid_t pid() const { return pid_; }

  /// SIGTERM and wait for the exit (SIGKILL after options().timeout). No-op when not running.
  void stop();
  /// SIGKILL and wait for the exit. No-op when not running.
  void kill();
  /// Starts again after stop()/kill(): same port, directory and config file (which the server
  /// may have rewritten, e.g. a replicaof set by sentinel). Throws when already running.
  void start();
  /// stop() if running, then start().
  void restart();
  /// SIGSTOP / SIGCONT: the server keeps its connections but answers nothing (a hung server).
  void pause();
  void resume();

  /// Runs `redis-cli -h 127.0.0.1 -p PORT args...` (password via REDISCLI_AUTH) and returns
  /// its stdout without the trailing newlines. redis-cli exits 0 on error replies too: those
  /// come back as text ("ERR ..."). Throws when redis-cli cannot run or exits non-zero.
  std::string cli(const std::vector<std::string>& args) const;
  /// RespCommand on this server with its password.
  RespReply command(const std::vector<std::string>& args) const;
  /// command() that throws on an error reply (with the command in the message).
  RespReply commandOk(const std::vector<std::string>& args) const;
  /// INFO [section] as text.
  std::string info(const std::string& section = "") const;
  /// The last `bytes` of the server's log, for error messages.
  std::string logTail(std::size_t bytes = 3000) const;

 private:
  void writeConfig();
  void launchAndWait(bool mayChangePort);
  void signalGroup(int sig);
  bool waitExit(std::chrono::milliseconds timeout);

  Options options_;
  std::filesystem::path dir_;
  int port_ = 0;
  int busPort_ = 0;
  pid_t pid_ = -1;
  int exitStatus_ = 0;
};

/// A Redis Cluster of `masters` masters with `replicasPerMaster` replicas each, created with
/// `redis-cli --cluster create`; the constructor returns once healthy (see waitHealthy).
/// Nodes are identified by their RedisServer (kill/stop/restart them directly).
class RedisCluster {
 public:
  struct Options {
    int masters = 3;
    int replicasPerMaster = 1;
    int nodeTimeoutMs = 2000;
    bool appendOnly = false;
    std::string password;
    std::vector<std::string> extraConfig;
    std::chrono::milliseconds timeout = kDefaultTimeout;
  };

  RedisCluster();
  explicit RedisCluster(Options options);
  ~RedisCluster();
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  /// "redis://127.0.0.1:PORT" / "127.0.0.1:PORT" of every node (masters and replicas).
  std::vector<std::string> seedUrls() const;
  std::vector<std::string> seedAddresses() const;
  /// All nodes, running or not, in creation order.
  std::vector<RedisServer*> nodes() const;
  /// Running nodes whose ROLE is master / replicas of `master` (asked of each node now).
  std::vector<RedisServer*> masters() const;
  std::vector<RedisServer*> replicasOf(const RedisServer& master) const;
  /// The master serving `slot`, per CLUSTER SLOTS of a running node.
  RedisServer& nodeForSlot(int slot) const;
  RedisServer& nodeByPort(int port) const;
  /// The node's cluster id (CLUSTER MYID, cached).
  std::string nodeId(const RedisServer& node) const;
  /// CLUSTER KEYSLOT on a running node.
  int keySlot(const std::string& key) const;

  /// Moves `slot` with its keys from `from` to `to` (both masters): the three steps below,
  /// then waitHealthy().
  void migrateSlot(int slot, RedisServer& from, RedisServer& to);
  /// Step 1: SETSLOT IMPORTING on `to`, SETSLOT MIGRATING on `from` (clients now get ASK).
  void beginSlotMigration(int slot, RedisServer& from, RedisServer& to);
  /// Step 2: MIGRATE every key of `slot` from `from` to `to`; returns how many were moved.
  std::size_t migrateSlotKeys(int slot, RedisServer& from, RedisServer& to);
  /// Step 3: SETSLOT NODE on `to`, `from`, then every other running master.
  void finishSlotMigration(int slot, RedisServer& from, RedisServer& to);

  enum class FailoverMode { Default, Force, Takeover };
  /// CLUSTER FAILOVER [FORCE|TAKEOVER] on `replica`; waits until it is master and the
  /// cluster is healthy again (the old master, when running, becomes its replica).
  void failover(RedisServer& replica, FailoverMode mode = FailoverMode::Default);

  /// Waits until every running node says cluster_state:ok, all running nodes agree (CLUSTER
  /// NODES: roles, masters, slots) and see each other connected, every slot is served by a
  /// running master and every running replica's link is up. Killed nodes are ignored, so
  /// this also waits out an automatic failover after kill(). Throws on timeout.
  void waitHealthy();

 private:
  RedisServer& anyRunning() const;
  std::string clusterProblem();

  Options options_;
  std::vector<std::unique_ptr<RedisServer>> nodes_;
  mutable std::map<int, std::string> ids_;
};

/// One master, one replica and `sentinels` sentinels monitoring the master as masterName().
/// The constructor returns once every sentinel sees the master, the replica and the other
/// sentinels (see waitHealthy).
class RedisSentinelSetup {
 public:
  struct Options {
    std::string masterName = "mymaster";
    int sentinels = 3;
    int quorum = 2;
    int downAfterMs = 1000;
    int failoverTimeoutMs = 5000;
    /// requirepass/masterauth on the data nodes and `sentinel auth-pass` (not on sentinels).
    std::string password;
    bool appendOnly = false;
    /// SENTINEL DEBUG info-period 1000 publish-period 500 on each sentinel, so that discovery
    /// and the reconfiguration of the old master after a failover take ~2 s instead of ~10 s.
    /// Not kept across a sentinel's restart().
    bool fastSentinelTimers = true;
    std::chrono::milliseconds timeout = kDefaultTimeout;
  };

  RedisSentinelSetup();
  explicit RedisSentinelSetup(Options options);
  ~RedisSentinelSetup();
  RedisSentinelSetup(const RedisSentinelSetup&) = delete;
  RedisSentinelSetup& operator=(const RedisSentinelSetup&) = delete;

  const std::string& masterName() const { return options_.masterName; }
  /// "127.0.0.1:PORT" of every sentinel.
  std::vector<std::string> sentinelAddresses() const;
  std::vector<RedisServer*> sentinels() const;
  /// The two redis-server processes (initially: master first, then replica).
  std::vector<RedisServer*> dataNodes() const;
  /// "127.0.0.1:PORT" from SENTINEL get-master-addr-by-name of the first running sentinel.
  std::string currentMaster() const;
  /// The data node at currentMaster() / the other one.
  RedisServer& master() const;
  RedisServer& replica() const;

  /// SENTINEL FAILOVER (retried while NOGOODSLAVE/INPROG), then waits until every running
  /// sentinel reports another master, that node has role:master, the old master has become
  /// its replica with the link up, and waitHealthy() holds. Returns the new master address.
  std::string forceFailover();

  /// Waits until every running sentinel agrees on the master, it has role:master, its
  /// running replicas' links are up and each sentinel lists them as healthy replicas, knows
  /// the other sentinels and passes SENTINEL CKQUORUM. Throws on timeout.
  void waitHealthy();

 private:
  RedisServer& dataNodeAt(const std::string& address) const;
  std::string sentinelProblem();
  void applyFastTimers(RedisServer& sentinel);

  Options options_;
  std::vector<std::unique_ptr<RedisServer>> data_;
  std::vector<std::unique_ptr<RedisServer>> sentinels_;
};

}  // namespace sio::redis_test
