// sio-bench workload `idle`: a fleet whose clients send nothing, and the server's RSS
// before and after it connected.
#include "idle_memory_workload.hpp"

#include <cmath>
#include <stdexcept>

#include "bench_clock.hpp"
#include "client_fleet.hpp"
#include "process_memory.hpp"

namespace sio::bench {

namespace {

class IdleClient final : public FleetClient {
 public:
  using FleetClient::FleetClient;

 private:
  void onTraffic(std::string_view) override {}
};

ProcessMemory serverMemory(int pid) {
  auto memory = readProcessMemory(pid);
  if (!memory) throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/status");
  return *memory;
}

}  // namespace

Value runIdleMemory(const BenchOptions& options, Progress& progress) {
  const ProcessMemory before = serverMemory(options.serverPid);
  WorkerPool pool(options.threads);
  FleetOptions fleetOptions{options.url, options.connections, options.connectConcurrency, ""};
  Fleet fleet(pool, fleetOptions,
              [](FleetShard& shard) { return std::make_unique<IdleClient>(shard); });
  pool.start();
  PoolShutdown guard{pool, [&](unsigned i) { fleet.closeOn(i); }};

  const uint64_t startNs = nowNs();
  fleet.connect(progress);
  const double connectSeconds = double(nowNs() - startNs) * 1e-9;
  sleepFor(options.settle);
  const ProcessMemory after = serverMemory(options.serverPid);
  const unsigned connected = fleet.ready;
  const uint64_t disconnects = fleet.disconnects;
  guard.now();

  const double perConnection =
      (double(after.rssBytes) - double(before.rssBytes)) / double(std::max(1u, connected));
  return Value::object({
      {"workload", "idle"},
      {"url", options.url.text()},
      {"server_pid", options.serverPid},
      {"connections", connected},
      {"connect_s", std::round(connectSeconds * 100) / 100},
      {"settle_s", options.settle},
      {"rss_before_kb", before.rssBytes / 1024},
      {"rss_after_kb", after.rssBytes / 1024},
      {"peak_rss_kb", after.peakRssBytes / 1024},
      {"bytes_per_connection", std::round(perConnection)},
      {"errors", Value::object({{"connect", fleet.connectFailures.load()},
                                {"disconnects", disconnects},
                                {"first", fleet.firstError()}})},
  });
}

}  // namespace sio::bench
