// The process-wide table of interned event names: each entry counts its holders and is
// erased with the last one. The table itself is never destroyed, so that holders released
// during static destruction still find it.
#include "sio/server/event_name.hpp"

#include <mutex>
#include <string>
#include <unordered_map>

namespace sio {
namespace {

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const {
    return std::hash<std::string_view>{}(name);
  }
};

// Node-based: an entry (name and holder count) never moves while it is in the table.
using NameTable = std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>>;
using Entry = NameTable::value_type;

struct Interned {
  std::mutex mutex;
  NameTable names;
};

Interned& interned() {
  static auto* table = new Interned;
  return *table;
}

Entry& entryOf(std::uintptr_t tagged) {
  return *reinterpret_cast<Entry*>(tagged & ~std::uintptr_t{1});
}

}  // namespace

EventName::EventName(std::string_view name, bool flag) {
  static_assert(alignof(Entry) >= 2, "the lowest bit of an entry's address carries the flag");
  auto& table = interned();
  std::lock_guard lock(table.mutex);
  auto it = table.names.find(name);
  if (it == table.names.end()) it = table.names.emplace(std::string(name), 0).first;
  ++it->second;
  tagged_ = reinterpret_cast<std::uintptr_t>(&*it) | (flag ? 1 : 0);
}

std::string_view EventName::view() const {
  return tagged_ ? std::string_view(entryOf(tagged_).first) : std::string_view();
}

void EventName::release() {
  if (!tagged_) return;
  auto& table = interned();
  std::lock_guard lock(table.mutex);
  auto& entry = entryOf(tagged_);
  if (--entry.second == 0) table.names.erase(table.names.find(std::string_view(entry.first)));
  tagged_ = 0;
}

std::size_t EventName::internedCount() {
  auto& table = interned();
  std::lock_guard lock(table.mutex);
  return table.names.size();
}

}  // namespace sio
