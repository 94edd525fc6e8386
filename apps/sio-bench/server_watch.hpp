// sio-bench: watching the server process (--server-pid) while hostile clients come and go:
// its resident memory (VmRSS) and its open descriptors (entries of /proc/PID/fd), sampled
// every 100 ms on a thread of its own to catch the peaks, and read on demand for "before"
// and "after". Waiting for the descriptors to come back down is how a run settles.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>

namespace sio::bench {

struct ServerSample {
  uint64_t rssKib = 0;
  uint64_t fds = 0;
};

// Nothing when the process does not exist or cannot be read.
std::optional<ServerSample> sampleServer(int pid);

class ServerWatch {
 public:
  // Takes the "before" sample and starts sampling; throws std::runtime_error when the
  // process cannot be read.
  explicit ServerWatch(int pid);
  ~ServerWatch();
  ServerWatch(const ServerWatch&) = delete;
  ServerWatch& operator=(const ServerWatch&) = delete;

  const ServerSample& before() const { return before_; }
  // A sample now (it counts for the peaks); throws when the process is gone.
  ServerSample now();
  uint64_t peakRssKib() const { return peakRssKib_; }
  uint64_t peakFds() const { return peakFds_; }
  // Polls every 100 ms until the server holds at most `fds` descriptors, for at most
  // `seconds`; false when it did not get there.
  bool waitForDescriptors(uint64_t fds, double seconds);

 private:
  void record(const ServerSample& sample);
  int pid_;
  ServerSample before_;
  std::atomic<uint64_t> peakRssKib_{0}, peakFds_{0};
  std::atomic<bool> stop_{false};
  std::thread sampler_;
};

}  // namespace sio::bench
