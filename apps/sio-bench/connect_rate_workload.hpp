// sio-bench workload `connect` (W5): --connections slots each open a new connection, do a
// whole Socket.IO handshake (see handshake.hpp; --transport websocket or polling), close it
// and start the next: handshakes per second and the latency of one handshake, over a
// window of --duration seconds after a warm-up.
#pragma once

#include "bench_options.hpp"
#include "run_control.hpp"
#include "sio/codec/value.hpp"

namespace sio::bench {

// The result as JSON; throws std::runtime_error when no handshake succeeds at all.
Value runConnectRate(const BenchOptions& options, Progress& progress);

}  // namespace sio::bench
