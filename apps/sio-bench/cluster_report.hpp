// sio-bench: printing the result of the `cluster` workload, as text for people or as one
// JSON object (--json) for scripts such as scripts/bench-cluster.
#pragma once

#include <iosfwd>

#include "cluster_workload.hpp"

namespace sio::bench {

void printClusterText(std::ostream& out, const ClusterOptions& options, const ClusterResult& r);
void printClusterJson(std::ostream& out, const ClusterOptions& options, const ClusterResult& r);

}  // namespace sio::bench
