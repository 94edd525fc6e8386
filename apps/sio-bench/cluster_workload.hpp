// sio-bench workload `cluster`: one publisher on node A asks for broadcasts (`op emit`,
// event "b", args [seq, send-time-ns]) and N receivers on node B count them and record
// their one-way latency. Measures a warm-up, then a window of --duration seconds, then
// waits for the last broadcasts to arrive (the drain) before it reports.
#pragma once

#include <cstdint>
#include <string>

#include "histogram.hpp"
#include "target_url.hpp"

namespace sio::bench {

struct ClusterOptions {
  TargetUrl publishUrl;
  TargetUrl receiveUrl;
  unsigned receivers = 1000;
  double rate = 0;       // broadcasts per second; 0 = as fast as the window allows
  unsigned window = 64;  // unacknowledged `op emit` requests at most
  // With N > 0, also at most N broadcasts not yet delivered to every receiver (counted as
  // deliveries / receivers): a closed loop that measures sustainable throughput instead of
  // letting node B's backlog grow.
  uint64_t maxLag = 0;
  double duration = 10;  // measured seconds
  double warmup = 1;     // seconds of publishing before the window opens
  double drain = 10;     // at most this long after the window for the last deliveries
  unsigned threads = 1;  // io_contexts (one thread each); the publisher runs on the first
  unsigned connectConcurrency = 64;
  std::string event = "b";
};

struct ClusterResult {
  unsigned receiversConnected = 0;
  double windowSeconds = 0;
  double drainSeconds = 0;
  // Broadcasts requested inside the window, and their rate.
  uint64_t broadcasts = 0;
  double broadcastsPerSecond = 0;
  uint64_t opErrors = 0;  // `op emit` answered ok:false (whole run)
  std::string firstError;
  // Deliveries of any broadcast that arrived inside the window, and their rate.
  uint64_t deliveriesInWindow = 0;
  double deliveriesPerSecond = 0;
  // Completeness for the broadcasts of the window, after the drain.
  uint64_t minReceived = 0;
  uint64_t maxReceived = 0;
  unsigned completeReceivers = 0;
  Histogram latency;  // one-way, of the window's broadcasts
  uint64_t connectFailures = 0;
  uint64_t disconnects = 0;    // after connecting
  bool publisherLost = false;  // the publisher's connection failed during the run
  uint64_t unexpectedPackets = 0;
  // The benchmark's own CPU inside the window.
  double cpuSeconds = 0;
  double busiestThreadCpuRatio = 0;  // of one worker thread over the window's wall time
  bool saturated = false;
};

// Runs the workload; throws std::runtime_error when it cannot be set up (address not
// resolvable, receivers or publisher unable to connect).
ClusterResult runCluster(const ClusterOptions& options);

}  // namespace sio::bench
