// sio-bench: the project's load generator, a Socket.IO client over WebSocket that opens
// many connections. Workload `cluster`: broadcasts asked on one node, received on another
// (see cluster_workload.hpp). Exit 0 on a completed run, 1 when the run could not be set
// up, 2 on a usage error.
#include <sys/resource.h>

#include <iostream>

#include "bench_options.hpp"
#include "cluster_report.hpp"

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
  raiseFileLimit(options.cluster.receivers + 64);
  try {
    ClusterResult result = runCluster(options.cluster);
    if (options.json)
      printClusterJson(std::cout, options.cluster, result);
    else
      printClusterText(std::cout, options.cluster, result);
  } catch (const std::exception& error) {
    std::cerr << "sio-bench: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
