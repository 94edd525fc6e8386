// Connection state recovery records: what is kept of a socket that disconnected for a
// recoverable reason, and what restoring it gives back (plus the packets it missed).
#pragma once

#include "sio/adapter/types.hpp"

namespace sio {

struct SessionToPersist {
  SocketId sid;
  std::string pid;
  std::vector<Room> rooms;
  Value data;
};

struct RestoredSession : SessionToPersist {
  std::vector<Value> missedPackets;  // each the `data` array of an EVENT (offset last)
};

}  // namespace sio
