// sio-bench workload `stuck` (issue 12): --connections clients that stop reading their
// socket (never closing it) while the server keeps writing to them — half echo their own
// --message-size `message` events back at themselves, half sit in room `stuck` — and
// --healthy clients in the same room that must still get every broadcast, in order.
// Reports the server's RSS and descriptors and how many stuck clients it closed.
#pragma once

#include "bench_options.hpp"
#include "run_control.hpp"
#include "sio/codec/value.hpp"

namespace sio::bench {

// The result as JSON (`delivery.in_order` false when a healthy client missed a broadcast
// or got one out of order); throws std::runtime_error when the clients cannot connect or
// the server's /proc entries cannot be read.
Value runStuck(const BenchOptions& options, Progress& progress);

}  // namespace sio::bench
