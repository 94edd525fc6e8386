// What the cluster client knows of a Redis Cluster's layout: which master serves each of
// the 16384 slots and which replicas exist, read from a CLUSTER SLOTS reply and patched by
// `-MOVED` errors; plus the parsing of `-MOVED` / `-ASK` redirections. Plain data, no I/O:
// src/redis/cluster_topology.cpp fetches it, the cluster client and subscriber route by it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/redis/reply.hpp"

namespace sio::redis {

struct NodeAddress {
  std::string host;
  uint16_t port = 0;

  // "host:port": the key nodes are known by.
  std::string key() const { return host + ":" + std::to_string(port); }
  bool operator==(const NodeAddress&) const = default;
};

// "host:port" (IPv6 hosts keep their colons: the port follows the last one; brackets are
// removed); nullopt when there is no valid port.
std::optional<NodeAddress> parseNodeAddress(std::string_view text);

struct Redirect {
  bool ask = false;  // ASK (this command only) rather than MOVED (the slot moved for good)
  int slot = 0;
  NodeAddress node;
};

// Reads `MOVED 3999 127.0.0.1:6381` / `ASK 3999 127.0.0.1:6381` (an error reply's text). An
// empty host (the server does not know its own address) means `currentHost`.
std::optional<Redirect> parseRedirect(std::string_view error, std::string_view currentHost);

class SlotMap {
 public:
  SlotMap();

  // From a CLUSTER SLOTS reply given by a node on `answeringHost` (used where the reply
  // leaves the host empty). nullopt when the reply is not one or assigns no slot.
  static std::optional<SlotMap> fromClusterSlots(const Reply& reply,
                                                 std::string_view answeringHost);
  // Every slot on one node: a server without cluster support.
  static SlotMap singleNode(const NodeAddress& node);

  // The master serving `slot`, or nullptr when no node does.
  const NodeAddress* master(int slot) const;
  // Masters in the order of the first slot each serves.
  const std::vector<NodeAddress>& masters() const { return masters_; }
  const std::vector<NodeAddress>& replicas() const { return replicas_; }
  bool isMaster(const NodeAddress& node) const;
  // Master or replica.
  bool knows(const NodeAddress& node) const;
  size_t slotsServed() const;

  // After `-MOVED slot node`: the slot is now `node`'s (a master, added when new).
  void assign(int slot, const NodeAddress& node);

  bool operator==(const SlotMap&) const = default;

 private:
  void sortMasters();

  std::vector<int32_t> owner_;  // per slot: index in masters_, -1 when unserved
  std::vector<NodeAddress> masters_;
  std::vector<NodeAddress> replicas_;
};

}  // namespace sio::redis
