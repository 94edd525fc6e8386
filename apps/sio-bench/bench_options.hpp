// sio-bench: the command line. `sio-bench cluster --publish-url URL --receive-url URL …`;
// a bad flag is a usage error (exit 2).
#pragma once

#include <stdexcept>
#include <string>

#include "cluster_workload.hpp"

namespace sio::bench {

struct BenchOptions {
  std::string workload;
  ClusterOptions cluster;
  bool json = false;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

extern const char* const kUsage;

// Throws UsageError.
BenchOptions parseBenchOptions(int argc, char** argv);

}  // namespace sio::bench
