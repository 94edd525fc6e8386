// Parsing of CLUSTER SLOTS and of redirection errors into a SlotMap. CLUSTER SLOTS lists
// ranges `[start, end, [host, port, id, …], [replica host, port, id, …], …]`; a host of "?"
// (an endpoint the node does not know) is skipped, an empty one means the answering host.
#include "cluster_slot_map.hpp"

#include <algorithm>
#include <charconv>

#include "key_slot.hpp"

namespace sio::redis {
namespace {

template <class Number>
bool parseNumber(std::string_view text, Number& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// [host, port, …] of a CLUSTER SLOTS entry.
std::optional<NodeAddress> nodeOf(const Reply& entry, std::string_view answeringHost) {
  if (!entry.isArray() || entry.elements.size() < 2) return std::nullopt;
  const Reply& host = entry.elements[0];
  const Reply& port = entry.elements[1];
  if (!host.isText() || !port.isInteger() || port.integer <= 0 || port.integer > 65535)
    return std::nullopt;
  if (host.str == "?") return std::nullopt;
  NodeAddress node{host.str.empty() ? std::string(answeringHost) : host.str,
                   static_cast<uint16_t>(port.integer)};
  return node;
}

}  // namespace

std::optional<NodeAddress> parseNodeAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  // "host:port@bus-port" appears in some messages: drop the bus port.
  std::string_view portText = text.substr(colon + 1);
  portText = portText.substr(0, portText.find('@'));
  uint16_t port = 0;
  if (!parseNumber(portText, port) || port == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return NodeAddress{std::string(host), port};
}

std::optional<Redirect> parseRedirect(std::string_view error, std::string_view currentHost) {
  Redirect redirect;
  if (error.starts_with("MOVED ")) {
    error.remove_prefix(6);
  } else if (error.starts_with("ASK ")) {
    redirect.ask = true;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  size_t space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!parseNumber(error.substr(0, space), redirect.slot) || redirect.slot < 0 ||
      redirect.slot >= kClusterSlots)
    return std::nullopt;
  auto node = parseNodeAddress(error.substr(space + 1));
  if (!node) return std::nullopt;
  if (node->host.empty()) node->host = std::string(currentHost);
  redirect.node = std::move(*node);
  return redirect;
}

SlotMap::SlotMap() : owner_(kClusterSlots, -1) {}

std::optional<SlotMap> SlotMap::fromClusterSlots(const Reply& reply,
                                                 std::string_view answeringHost) {
  if (!reply.isArray()) return std::nullopt;
  SlotMap map;
  for (const Reply& range : reply.elements) {
    if (!range.isArray() || range.elements.size() < 3) continue;
    const Reply& start = range.elements[0];
    const Reply& end = range.elements[1];
    if (!start.isInteger() || !end.isInteger() || start.integer < 0 ||
        end.integer >= kClusterSlots || start.integer > end.integer)
      continue;
    auto master = nodeOf(range.elements[2], answeringHost);
    if (!master) continue;
    for (int64_t slot = start.integer; slot <= end.integer; ++slot)
      map.assign(static_cast<int>(slot), *master);
    for (size_t i = 3; i < range.elements.size(); ++i) {
      auto replica = nodeOf(range.elements[i], answeringHost);
      if (replica && !map.knows(*replica)) map.replicas_.push_back(std::move(*replica));
    }
  }
  if (map.masters_.empty()) return std::nullopt;
  // A node listed as a master of some range and a replica of another (mid-failover views)
  // counts as a master.
  std::erase_if(map.replicas_, [&](const NodeAddress& node) { return map.isMaster(node); });
  map.sortMasters();
  return map;
}

SlotMap SlotMap::singleNode(const NodeAddress& node) {
  SlotMap map;
  map.masters_.push_back(node);
  std::fill(map.owner_.begin(), map.owner_.end(), 0);
  return map;
}

const NodeAddress* SlotMap::master(int slot) const {
  if (slot < 0 || slot >= kClusterSlots || owner_[slot] < 0) return nullptr;
  return &masters_[owner_[slot]];
}

bool SlotMap::isMaster(const NodeAddress& node) const {
  return std::find(masters_.begin(), masters_.end(), node) != masters_.end();
}

bool SlotMap::knows(const NodeAddress& node) const {
  return isMaster(node) || std::find(replicas_.begin(), replicas_.end(), node) != replicas_.end();
}

size_t SlotMap::slotsServed() const {
  return static_cast<size_t>(
      std::count_if(owner_.begin(), owner_.end(), [](int32_t i) { return i >= 0; }));
}

void SlotMap::assign(int slot, const NodeAddress& node) {
  if (slot < 0 || slot >= kClusterSlots) return;
  auto found = std::find(masters_.begin(), masters_.end(), node);
  if (found == masters_.end()) {
    std::erase(replicas_, node);
    masters_.push_back(node);
    found = masters_.end() - 1;
  }
  owner_[slot] = static_cast<int32_t>(found - masters_.begin());
}

// Orders masters by their lowest slot and drops masters left without slots (after MOVED
// patches, a master may have lost its last one).
void SlotMap::sortMasters() {
  std::vector<int> first(masters_.size(), kClusterSlots);
  for (int slot = kClusterSlots - 1; slot >= 0; --slot)
    if (owner_[slot] >= 0) first[owner_[slot]] = slot;
  std::vector<size_t> order;
  for (size_t i = 0; i < masters_.size(); ++i)
    if (first[i] < kClusterSlots) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return first[a] < first[b]; });
  std::vector<int32_t> renumber(masters_.size(), -1);
  std::vector<NodeAddress> sorted;
  for (size_t i : order) {
    renumber[i] = static_cast<int32_t>(sorted.size());
    sorted.push_back(std::move(masters_[i]));
  }
  for (auto& owner : owner_)
    if (owner >= 0) owner = renumber[owner];
  masters_ = std::move(sorted);
}

}  // namespace sio::redis
