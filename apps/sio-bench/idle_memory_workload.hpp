// sio-bench workload `idle` (W4): reads the server's resident memory (--server-pid), opens
// --connections Socket.IO connections over WebSocket that then stay idle (answering only
// Engine.IO pings), waits --settle seconds and reads the memory again: bytes of RSS per
// connection.
#pragma once

#include "bench_options.hpp"
#include "run_control.hpp"
#include "sio/codec/value.hpp"

namespace sio::bench {

// The result as JSON; throws std::runtime_error when the server's memory cannot be read
// or the clients cannot connect.
Value runIdleMemory(const BenchOptions& options, Progress& progress);

}  // namespace sio::bench
