// sio-bench: the project's load generator, a Socket.IO client that opens many connections
// (WebSocket; polling for the connection-rate workload). Workloads: echo (W1), fanout (W2),
// cluster (W3), idle (W4), connect (W5), and the hostile clients of issue 12, churn and
// stuck; see bench_options.cpp. Exit 0 on a completed run (or --help, --version), 1 when
// the run could not be set up or its check failed (churn: the server kept descriptors;
// stuck: a healthy client missed broadcasts), 2 on a usage error.
#include <sys/resource.h>

#include <iostream>

#include "bench_options.hpp"
#include "broadcast_workload.hpp"
#include "churn_workload.hpp"
#include "connect_rate_workload.hpp"
#include "echo_workload.hpp"
#include "idle_memory_workload.hpp"
#include "report.hpp"
#include "sio/version.hpp"
#include "stuck_workload.hpp"

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

// The workloads whose result carries a verdict: says on stderr why it failed.
bool checkFailed(const sio::Value& result) {
  const sio::Value* workload = result.find("workload");
  if (!workload || !workload->isString()) return false;
  if (workload->asString() == "churn" && !result.find("settled")->asBool()) {
    std::cerr << "sio-bench churn: the server did not settle: "
              << result.find("fds")->find("after")->asInt() << " descriptors after the run, "
              << result.find("fds")->find("before")->asInt() << " before\n";
    return true;
  }
  if (workload->asString() == "stuck" && !result.find("delivery")->find("in_order")->asBool()) {
    const sio::Value& delivery = *result.find("delivery");
    std::cerr << "sio-bench stuck: healthy clients did not get every broadcast in order: "
              << delivery.find("missing")->asInt() << " missing, "
              << delivery.find("out_of_order")->asInt() << " out of order\n";
    return true;
  }
  return false;
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
  if (options.workload == "churn")
    raiseFileLimit(options.connectConcurrency * 2 + 64);
  else if (options.workload == "stuck")
    raiseFileLimit(options.connections + options.healthy + 64);
  else
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
    else if (options.workload == "churn")
      result = runChurn(options, progress);
    else if (options.workload == "stuck")
      result = runStuck(options, progress);
    else
      result = runConnectRate(options, progress);
    if (options.json)
      printJson(std::cout, result);
    else
      printText(std::cout, result);
    return checkFailed(result) ? 1 : 0;
  } catch (const std::exception& error) {
    std::cerr << "sio-bench: " << error.what() << "\n";
    return 1;
  }
}
