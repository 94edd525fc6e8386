// sio-bench: the command line, `sio-bench WORKLOAD [options]`, one set of options shared by
// the workloads (each reads what it needs; a value it does not use is ignored). A bad flag
// or a missing one is a usage error (exit 2).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "target_url.hpp"

namespace sio::bench {

struct BenchOptions {
  std::string workload;      // echo, fanout, cluster, idle, connect, churn, stuck
  TargetUrl url;             // the server (echo, fanout, idle, connect)
  TargetUrl publishUrl;      // cluster: node A; fanout: = url
  TargetUrl receiveUrl;      // cluster: node B; fanout: = url
  unsigned connections = 0;  // receivers / clients; 0 = the workload's default
  unsigned threads = 0;      // 0: one per core of the affinity mask (see parseBenchOptions)
  unsigned connectConcurrency = 64;
  double duration = 10;  // measured seconds
  double warmup = 1;     // seconds of traffic before measuring
  // broadcasts (fanout, cluster)
  double rate = 0;       // broadcasts per second; 0 = as fast as the window allows
  unsigned window = 64;  // unacknowledged `op emit` requests at most
  uint64_t maxLag = 0;   // with N > 0: at most N broadcasts not yet delivered to everyone
  double drain = 10;     // at most this long after the window for the last deliveries
  std::string event = "b";
  std::string room;  // fanout: "bench"; cluster: none (everyone on node B)
  // idle, churn, stuck
  int serverPid = 0;
  std::vector<int> cpuPids;  // echo, fanout, cluster, connect: their CPU over the window
  double settle = 3;         // idle, stuck: seconds before reading the RSS "after"
  // churn
  uint64_t sessions = 100000;  // per kind
  std::string kind;            // empty: every kind, one after another
  double settleMax = 30;       // at most this long for the server's descriptors to come back
  // stuck (also --connections, --duration, --rate, --drain, --settle)
  unsigned messageSize = 100000;  // bytes of each stuck sender's `message`
  unsigned healthy = 10;          // healthy clients in the room
  // connect
  std::string transport = "websocket";  // or polling (then upgrade)
  // output
  bool json = false;
  bool progress = true;
  // --help / --version: print that and exit 0 (nothing else is checked)
  bool help = false;
  bool version = false;
};

// The workload's default number of connections (receivers, clients, concurrent handshakes).
unsigned defaultConnections(const std::string& workload);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

extern const char* const kUsage;

// Throws UsageError (except after --help or --version, which end parsing).
BenchOptions parseBenchOptions(int argc, char** argv);

}  // namespace sio::bench
