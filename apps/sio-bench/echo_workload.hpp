// sio-bench workload `echo` (W1): every client emits `message-with-ack` with its send time
// ([send-time-ns]) and, once the server acknowledged it with the same argument, emits the
// next one: a closed loop with one message in flight per connection. Reports acks per
// second and the round-trip latency over a window of --duration seconds after a warm-up.
#pragma once

#include "bench_options.hpp"
#include "run_control.hpp"
#include "sio/codec/value.hpp"

namespace sio::bench {

// The result as JSON; throws std::runtime_error when the clients cannot connect.
Value runEcho(const BenchOptions& options, Progress& progress);

}  // namespace sio::bench
