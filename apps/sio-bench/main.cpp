// sio-bench: the project's load generator, a Socket.IO client that opens many connections
// (WebSocket; polling for the connection-rate workload). Workloads: echo (W1), fanout (W2),
// cluster (W3), idle (W4), connect (W5); see bench_options.cpp. Exit 0 on a completed
// run (or --help, --version), 1 when the run could not be set up, 2 on a usage error.
#include <sys/resource.h>

#include <iostream>

#include "bench_options.hpp"
#include "broadcast_workload.hpp"
#include "connect_rate_workload.hpp"
#include "echo_workload.hpp"
#include "idle_memory_workload.hpp"
#include "report.hpp"
#include "sio/version.hpp"

namespace {

// Many connections need many descriptors: raise the soft limit to the hard one.
void raiseFileLimit(unsigned needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur != limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed)
    std::cerr << "sio-bench: warning: only " << limit.rlim_cur << " file descriptors for " << needed
              << " connections\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sio::bench;
  BenchOptions options;
  try {
    options = parseBenchOptions(argc, argv);
  } catch (const UsageError& error) {
    if (*error.what()) std::cerr << "sio-bench: " << error.what() << "\n";
    std::cerr << kUsage;
    return 2;
  }
  if (options.help) {
    std::cout << kUsage;
    return 0;
  }
  if (options.version) {
    std::cout << "sio-bench " << sio::kVersion << "\n";
    return 0;
  }
  // A polling handshake holds two descriptors at once.
  raiseFileLimit(options.connections * (options.workload == "connect" ? 2 : 1) + 64);
  Progress progress(options.workload, options.progress);
  try {
    sio::Value result;
    if (options.workload == "echo")
      result = runEcho(options, progress);
    else if (options.workload == "fanout" || options.workload == "cluster")
      result = runBroadcast(options, progress);
    else if (options.workload == "idle")
      result = runIdleMemory(options, progress);
    else
      result = runConnectRate(options, progress);
    if (options.json)
      printJson(std::cout, result);
    else
      printText(std::cout, result);
  } catch (const std::exception& error) {
    std::cerr << "sio-bench: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
