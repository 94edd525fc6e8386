// Implementation of the redis-fixture handle registry (redis_fixture_registry.hpp): owning
// maps per kind of fixture, and a handle for every server, standalone or a node.
#include "support/redis_fixture_registry.hpp"

#include <stdexcept>

namespace sio::redis_test {

FixtureRegistry::~FixtureRegistry() {
  releaseAll();
}

std::string FixtureRegistry::nameServer(RedisServer& server) {
  std::string handle = "s" + std::to_string(++nextServer_);
  byHandle_[handle] = &server;
  handles_[&server] = handle;
  return handle;
}

std::string FixtureRegistry::addServer(std::unique_ptr<RedisServer> server) {
  std::string handle = nameServer(*server);
  standalone_[handle] = std::move(server);
  return handle;
}

std::string FixtureRegistry::addCluster(std::unique_ptr<RedisCluster> cluster) {
  std::string handle = "c" + std::to_string(++nextCluster_);
  for (RedisServer* node : cluster->nodes()) nodesOf_[handle].push_back(nameServer(*node));
  clusters_[handle] = std::move(cluster);
  return handle;
}

std::string FixtureRegistry::addSentinel(std::unique_ptr<RedisSentinelSetup> setup) {
  std::string handle = "t" + std::to_string(++nextSentinel_);
  for (RedisServer* node : setup->dataNodes()) nodesOf_[handle].push_back(nameServer(*node));
  for (RedisServer* node : setup->sentinels()) nodesOf_[handle].push_back(nameServer(*node));
  sentinels_[handle] = std::move(setup);
  return handle;
}

RedisServer& FixtureRegistry::server(const std::string& handle) const {
  auto it = byHandle_.find(handle);
  if (it == byHandle_.end()) throw std::runtime_error("no server '" + handle + "'");
  return *it->second;
}

RedisCluster& FixtureRegistry::cluster(const std::string& handle) const {
  auto it = clusters_.find(handle);
  if (it == clusters_.end()) throw std::runtime_error("no cluster '" + handle + "'");
  return *it->second;
}

RedisSentinelSetup& FixtureRegistry::sentinel(const std::string& handle) const {
  auto it = sentinels_.find(handle);
  if (it == sentinels_.end()) throw std::runtime_error("no sentinel setup '" + handle + "'");
  return *it->second;
}

const std::string& FixtureRegistry::handleOf(const RedisServer& server) const {
  auto it = handles_.find(&server);
  if (it == handles_.end()) throw std::runtime_error("a server without a handle");
  return it->second;
}

void FixtureRegistry::forgetNodes(const std::string& owner) {
  for (const std::string& node : nodesOf_[owner]) {
    handles_.erase(byHandle_[node]);
    byHandle_.erase(node);
  }
  nodesOf_.erase(owner);
}

void FixtureRegistry::release(const std::string& handle) {
  if (auto it = standalone_.find(handle); it != standalone_.end()) {
    handles_.erase(it->second.get());
    byHandle_.erase(handle);
    standalone_.erase(it);
  } else if (auto c = clusters_.find(handle); c != clusters_.end()) {
    forgetNodes(handle);
    clusters_.erase(c);
  } else if (auto t = sentinels_.find(handle); t != sentinels_.end()) {
    forgetNodes(handle);
    sentinels_.erase(t);
  } else {
    server(handle).kill();  // a node: throws for an unknown handle
  }
}

void FixtureRegistry::releaseAll() {
  while (!sentinels_.empty()) release(sentinels_.begin()->first);
  while (!clusters_.empty()) release(clusters_.begin()->first);
  while (!standalone_.empty()) release(standalone_.begin()->first);
}

}  // namespace sio::redis_test
