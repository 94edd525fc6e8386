// The Admin UI's aggregated events (server_stats.aggregatedEvents), read off the Engine.IO
// server's counters: what happened since the previous report, as [{timestamp, type,
// subType?, count}] with admin-ui's types — rawConnection, rawDisconnection (subType: the
// close reason), packetsIn / packetsOut (message packets) and bytesIn / bytesOut (their
// payload bytes). The UI groups them in 10 s buckets, so one timestamp per report (the
// second it is made) loses nothing it shows.
#pragma once

#include <chrono>

#include "sio/codec/value.hpp"
#include "sio/engine/server.hpp"

namespace sio::admin_ui {

class EngineEvents {
 public:
  // Counts from `start` on (what happened before instrument() is not reported).
  explicit EngineEvents(const engine::ServerStats& start) : previous_(start) {}

  Value take(const engine::ServerStats& now, std::chrono::system_clock::time_point time);

 private:
  engine::ServerStats previous_;
};

}  // namespace sio::admin_ui
