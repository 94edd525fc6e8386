// The Redis fixtures a redis-fixture session owns, by handle: standalone servers ("s1", "s2",
// ...), clusters ("c1", ...) and sentinel setups ("t1", ...). Every node of a cluster or a
// setup gets a server handle too, so that the server operations (stop, kill, start, cli)
// work on it. The registry hands out references; destroying an entry (release) or the
// registry kills the processes and removes the directories, as the fixtures' destructors do.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/redis_processes.hpp"

namespace sio::redis_test {

class FixtureRegistry {
 public:
  FixtureRegistry() = default;
  ~FixtureRegistry();
  FixtureRegistry(const FixtureRegistry&) = delete;
  FixtureRegistry& operator=(const FixtureRegistry&) = delete;

  /// Takes ownership and returns the new handle ("s<n>", "c<n>", "t<n>").
  std::string addServer(std::unique_ptr<RedisServer> server);
  std::string addCluster(std::unique_ptr<RedisCluster> cluster);
  std::string addSentinel(std::unique_ptr<RedisSentinelSetup> setup);

  /// The object behind a handle; throws std::runtime_error for an unknown one.
  RedisServer& server(const std::string& handle) const;
  RedisCluster& cluster(const std::string& handle) const;
  RedisSentinelSetup& sentinel(const std::string& handle) const;
  /// The handle of a server known to the registry (standalone or a node).
  const std::string& handleOf(const RedisServer& server) const;

  bool isCluster(const std::string& handle) const { return clusters_.count(handle) != 0; }
  bool isSentinel(const std::string& handle) const { return sentinels_.count(handle) != 0; }

  /// Destroys a standalone server, a cluster or a setup (with its nodes' handles). A node of
  /// a cluster or a setup is only killed: its directory goes with its owner.
  void release(const std::string& handle);
  /// Sentinel setups first (so that no sentinel reacts), then clusters, then servers.
  void releaseAll();

  /// Every server handle with its server, in handle order.
  const std::map<std::string, RedisServer*>& servers() const { return byHandle_; }

 private:
  std::string nameServer(RedisServer& server);
  void forgetNodes(const std::string& owner);

  int nextServer_ = 0;
  int nextCluster_ = 0;
  int nextSentinel_ = 0;
  std::map<std::string, std::unique_ptr<RedisServer>> standalone_;
  std::map<std::string, std::unique_ptr<RedisCluster>> clusters_;
  std::map<std::string, std::unique_ptr<RedisSentinelSetup>> sentinels_;
  std::map<std::string, RedisServer*> byHandle_;
  std::map<const RedisServer*, std::string> handles_;
  std::map<std::string, std::vector<std::string>> nodesOf_;  // owner handle -> node handles
};

}  // namespace sio::redis_test
