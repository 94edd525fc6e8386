// sio-bench: how the main thread sequences a run while the workers do the work: waiting
// for a condition or for a time, printing a progress line to standard error every few
// seconds (unless --no-progress), and measuring the load generator's own CPU over a window
// to tell when it, not the server, was the limit (and the server's CPU, --cpu-pid).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sio/codec/value.hpp"

namespace sio::bench {

class WorkerPool;

// Progress lines `sio-bench <workload>: <text>` on stderr, at most one per 2 s.
class Progress {
 public:
  Progress(std::string workload, bool enabled) : workload_(std::move(workload)), on_(enabled) {}
  void operator()(const std::function<std::string()>& text);
  void now(const std::string& text);

 private:
  std::string workload_;
  bool on_;
  uint64_t lastNs_ = 0;
};

// Polls `pred` every 5 ms; false when `seconds` passed first. `progress` (if given) is
// called on every poll.
bool waitUntil(const std::function<bool()>& pred, double seconds,
               const std::function<void()>& progress = {});
// Sleeps `seconds`, calling `progress` every 100 ms.
void sleepFor(double seconds, const std::function<void()>& progress = {});

// The load generator's CPU over a window: process CPU and each worker thread's; and the
// CPU of other processes (the servers under load, summed), when given their PIDs.
class CpuWindow {
 public:
  explicit CpuWindow(WorkerPool& pool, std::vector<int> serverPids = {})
      : pool_(pool), serverPids_(std::move(serverPids)) {}
  void begin();
  void end();
  double wallSeconds() const { return double(endNs_ - beginNs_) * 1e-9; }
  double cpuSeconds() const { return endCpu_ - beginCpu_; }
  double busiestThreadRatio() const;
  // The cores its threads could use: min(threads, cores of the affinity mask).
  unsigned cores() const;
  // Its own CPU time reached 95% of the wall time on its busiest thread, or 95% of the
  // cores it could use overall.
  bool saturated() const;
  // {"cpu_s", "cpu_ratio", "cores", "busiest_thread_cpu_ratio", "saturated"}, and with
  // server PIDs {"server_cpu_s", "server_cpu_ratio"} (-1 when a process could not be read)
  void addTo(Value& result) const;

 private:
  WorkerPool& pool_;
  uint64_t beginNs_ = 0, endNs_ = 0;
  double beginCpu_ = 0, endCpu_ = 0;
  std::vector<double> beginThreads_, endThreads_;
  std::vector<int> serverPids_;
  double beginServer_ = 0, endServer_ = 0;
};

}  // namespace sio::bench
