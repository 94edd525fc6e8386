// The cluster subscriber's placement decisions (see subscription_placement.hpp).
#include "subscription_placement.hpp"

#include <tuple>

#include "key_slot.hpp"

namespace sio::redis {

int placementSlot(Subscriber::Kind kind, const std::string& name) {
  return kind == Subscriber::Kind::Shard ? keySlot(name) : -1;
}

PlacementPlan planPlacements(Placements& placements, const SlotMap& map,
                             const std::optional<NodeAddress>& mainNode,
                             const std::function<bool(const std::string&, Subscriber::Kind,
                                                      const std::string&)>& subscribedAt,
                             uint64_t& lastToken) {
  using GroupKey = std::tuple<std::string, size_t, int>;  // node, kind, slot
  std::map<GroupKey, PlacementBatch> leave, join;
  for (size_t k = 0; k < placements.size(); ++k) {
    auto kind = static_cast<Subscriber::Kind>(k);
    for (auto& [name, placement] : placements[k]) {
      int slot = placementSlot(kind, name);
      const NodeAddress* target =
          kind == Subscriber::Kind::Shard ? map.master(slot) : (mainNode ? &*mainNode : nullptr);
      if (!target) continue;
      std::string key = target->key();
      if (placement.node == key) continue;
      if (!placement.node.empty() && subscribedAt(placement.node, kind, name)) {
        auto& batch = leave[{placement.node, k, slot}];
        if (batch.names.empty()) batch = PlacementBatch{placement.node, {}, kind, slot, {}, {}};
        batch.names.push_back(name);
      }
      placement.node = key;
      placement.active = false;
      placement.token = ++lastToken;
      auto& batch = join[{key, k, slot}];
      if (batch.names.empty()) batch = PlacementBatch{key, *target, kind, slot, {}, {}};
      batch.names.push_back(name);
      batch.tokens.push_back(placement.token);
    }
  }
  PlacementPlan plan;
  for (auto& [group, batch] : leave) plan.leave.push_back(std::move(batch));
  for (auto& [group, batch] : join) plan.join.push_back(std::move(batch));
  return plan;
}

std::optional<NodeAddress> chooseMainNode(
    const SlotMap& map, const std::optional<NodeAddress>& current,
    const std::function<std::optional<NodeHealth>(const std::string& nodeKey)>& health,
    std::chrono::steady_clock::time_point now, std::chrono::milliseconds moveAfter) {
  auto usable = [&](const NodeAddress& node) {
    if (!map.knows(node)) return false;
    auto state = health(node.key());
    return !state || !state->down || now - state->downSince < moveAfter;
  };
  if (current && usable(*current)) return current;
  std::vector<NodeAddress> candidates = map.masters();
  candidates.insert(candidates.end(), map.replicas().begin(), map.replicas().end());
  for (const auto& node : candidates) {  // a node whose Subscriber is up
    auto state = health(node.key());
    if (node != current && state && !state->down) return node;
  }
  for (const auto& node : candidates)
    if (node != current && usable(node)) return node;
  if (!current && !candidates.empty()) return candidates.front();
  return current;
}

}  // namespace sio::redis
