// The event listeners of one socket (socket.on/once/off), kept flat: a socket has a few,
// and one vector of them costs one allocation where a map of vectors costs two per event.
// Each entry is its handler and its interned event name, which carries the `once` flag
// (40 bytes). Dispatch takes the handlers of an event in the order they were added and
// drops the `once` ones, as Node's EventEmitter does.
#pragma once

#include <string_view>
#include <vector>

#include "sio/server/event.hpp"
#include "sio/server/event_name.hpp"

namespace sio {

class EventListeners {
 public:
  void add(std::string_view event, EventHandler handler, bool once) {
    // A socket's few listeners are held at their exact count (each socket holds its own);
    // past a handful the vector grows as usual.
    if (entries_.size() == entries_.capacity() && entries_.size() < kExactUpTo)
      entries_.reserve(entries_.size() + 1);
    entries_.push_back(Entry{std::move(handler), EventName(event, once)});
  }
  void remove(std::string_view event) {
    std::erase_if(entries_, [&](const Entry& entry) { return entry.event == event; });
  }
  // The handlers of `event` in the order added; the `once` ones are removed.
  std::vector<EventHandler> take(std::string_view event) {
    std::vector<EventHandler> handlers;
    for (const auto& entry : entries_)
      if (entry.event == event) handlers.push_back(entry.handler);
    if (!handlers.empty())
      std::erase_if(entries_,
                    [&](const Entry& entry) { return entry.event.flag() && entry.event == event; });
    return handlers;
  }
  void clear() { std::vector<Entry>().swap(entries_); }
  bool empty() const { return entries_.empty(); }

 private:
  static constexpr std::size_t kExactUpTo = 8;

  struct Entry {
    EventHandler handler;
    EventName event;  // its flag: a `once` listener
  };
  std::vector<Entry> entries_;
};

}  // namespace sio
