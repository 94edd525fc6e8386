// An event name a listener was registered under, interned: sockets register the same few
// names over and over, so each distinct name is stored once, process-wide, and a listener
// holds a pointer to it (8 bytes instead of a 32-byte string, and no allocation for a name
// longer than std::string's inline buffer). A name is released when its last holder goes,
// so names that user code makes up per socket do not pile up. Holders are move-only; the
// table is guarded by a mutex (servers may run on threads of their own).
//
// The pointer's lowest bit is spare (interned names are aligned): a holder may carry one
// flag of its owner's there (EventListeners keeps `once` in it).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace sio {

class EventName {
 public:
  EventName(std::string_view name, bool flag);
  EventName(EventName&& other) noexcept : tagged_(std::exchange(other.tagged_, 0)) {}
  EventName& operator=(EventName&& other) noexcept {
    std::swap(tagged_, other.tagged_);
    return *this;
  }
  ~EventName() { release(); }

  std::string_view view() const;
  bool flag() const { return tagged_ & 1; }
  bool operator==(std::string_view name) const { return view() == name; }

  // How many distinct names are interned now (for tests).
  static std::size_t internedCount();

 private:
  void release();

  std::uintptr_t tagged_;  // the interned entry's address | flag (0: moved from)
};

}  // namespace sio
