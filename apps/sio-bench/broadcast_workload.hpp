// sio-bench workloads `fanout` (W2) and `cluster` (W3): one publisher asks for broadcasts
// (`op emit`, event "b", args [seq, send-time-ns], to --room if set) and N receivers count
// them and record their one-way latency. fanout: publisher and receivers on one server,
// the receivers in one room; cluster: the publisher on node A, the receivers on node B.
// Measures a warm-up, then a window of --duration seconds, then waits for the last
// broadcasts to arrive (the drain) before it reports.
#pragma once

#include "bench_options.hpp"
#include "run_control.hpp"
#include "sio/codec/value.hpp"

namespace sio::bench {

// The result as JSON; throws std::runtime_error when the run cannot be set up (address
// not resolvable, receivers or publisher unable to connect).
Value runBroadcast(const BenchOptions& options, Progress& progress);

}  // namespace sio::bench
