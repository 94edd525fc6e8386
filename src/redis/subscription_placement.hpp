// Where the cluster subscriber's names belong, decided without I/O: each wanted channel,
// pattern or sharded channel has a Placement (the node it is on, whether that is confirmed),
// and planPlacements() compares them with the slot map: sharded channels go to the master
// of their slot, plain channels and patterns to one main node (chooseMainNode). What it
// returns is the subscriber's work — unsubscribe here, subscribe there, in batches per
// node, kind and slot. Unit-tested without Redis (tests/unit/redis).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "cluster_slot_map.hpp"
#include "sio/redis/subscriber.hpp"

namespace sio::redis {

// A subscribe() call waiting for its names to be confirmed.
struct PlacementWaiter {
  size_t remaining = 0;
  std::error_code ec;
  Subscriber::DoneHandler done;
};

struct Placement {
  std::string node;         // key of the node it is placed on; empty: nowhere yet
  bool active = false;      // confirmed there
  bool everActive = false;  // placing it again is a gap
  uint64_t token = 0;       // of the latest placement (older confirmations are ignored)
  int failures = 0;
  std::vector<std::shared_ptr<PlacementWaiter>> waiters;
};

// Per Subscriber::Kind (Channel, Pattern, Shard), by name.
using Placements = std::array<std::map<std::string, Placement>, 3>;

struct PlacementBatch {
  std::string nodeKey;  // "host:port"
  NodeAddress node;     // its address (for a join; a leave names a node already known)
  Subscriber::Kind kind;
  int slot;  // -1 for plain channels and patterns
  std::vector<std::string> names;
  std::vector<uint64_t> tokens;  // of each name's new placement (joins)
};

struct PlacementPlan {
  std::vector<PlacementBatch> leave;  // unsubscribe there (that node's Subscriber has them)
  std::vector<PlacementBatch> join;   // subscribe there
};

// The slot of a sharded channel, -1 for the other kinds.
int placementSlot(Subscriber::Kind kind, const std::string& name);

// Moves every name whose node is not the right one to the right one (a new token, not yet
// active) and says what to do. `subscribedAt(nodeKey, kind, name)`: whether that node's
// Subscriber has the name now (then it is unsubscribed there). Names without a right node
// (an unserved slot, no main node) stay where they are.
PlacementPlan planPlacements(Placements& placements, const SlotMap& map,
                             const std::optional<NodeAddress>& mainNode,
                             const std::function<bool(const std::string&, Subscriber::Kind,
                                                      const std::string&)>& subscribedAt,
                             uint64_t& lastToken);

// What the subscriber knows of a node it has a Subscriber for.
struct NodeHealth {
  bool down = true;
  std::chrono::steady_clock::time_point downSince;
};

// The node for plain channels and patterns: the current one while the map knows it and it
// is up (or down for less than `moveAfter`); else a node whose Subscriber is up, else any
// usable node, masters first; the first master when there is none yet.
std::optional<NodeAddress> chooseMainNode(
    const SlotMap& map, const std::optional<NodeAddress>& current,
    const std::function<std::optional<NodeHealth>(const std::string& nodeKey)>& health,
    std::chrono::steady_clock::time_point now, std::chrono::milliseconds moveAfter);

}  // namespace sio::redis
