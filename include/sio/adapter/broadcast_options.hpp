// What a broadcast targets and how (socket.io-adapter's BroadcastOptions): rooms (none =
// the whole namespace), rooms excluded, and the flags that travel with it.
#pragma once

#include <chrono>
#include <optional>

#include "sio/adapter/types.hpp"

namespace sio {

struct BroadcastFlags {
  std::optional<std::chrono::milliseconds> timeout;  // first: the flags pack in 24 bytes
  bool isVolatile = false;
  std::optional<bool> compress;
  bool local = false;                 // never leaves this node
  bool expectSingleResponse = false;  // a remote socket's emit with ack
};

struct BroadcastOptions {
  RoomSet rooms;
  RoomSet except;
  BroadcastFlags flags;
};

}  // namespace sio
