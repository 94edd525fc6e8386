// sio-bench: many Socket.IO client connections spread over the worker threads. The fleet
// opens them (at most --connect-concurrency being opened at once), optionally has each one
// join a room (`op join`, ack id 0) and calls its onReady(); it counts readiness, failures
// and disconnects, and keeps per-worker tallies (events, latency histogram) that the
// workloads fill on their hot path and the main thread reads or merges.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "histogram.hpp"
#include "run_control.hpp"
#include "sio_client.hpp"
#include "worker_pool.hpp"

namespace sio::bench {

class FleetShard;

// One connection of the fleet; a workload derives from it.
class FleetClient : public SioClient::Owner {
 public:
  explicit FleetClient(FleetShard& shard);
  virtual ~FleetClient() = default;
  SioClient client;
  bool ready() const { return state_ == State::Ready; }

 protected:
  // Connected (and in the room, if any): the workload's traffic may start.
  virtual void onReady() {}
  // A Socket.IO packet after onReady(), e.g. `2["b",1,2]` or `31[…]`. Hot path.
  virtual void onTraffic(std::string_view packet) = 0;
  FleetShard& shard_;

 private:
  void onConnected(SioClient&) final;
  void onPacket(SioClient&, std::string_view packet) final;
  void onFailed(SioClient&, std::string_view what) final;
  void becomeReady();
  enum class State { Connecting, Joining, Ready, Failed };
  State state_ = State::Connecting;
};

struct FleetOptions {
  TargetUrl url;
  unsigned connections = 0;
  unsigned connectConcurrency = 64;
  std::string room;  // joined by every connection when not empty
};

class Fleet;

// The connections of one worker, with tallies written only on that worker's thread.
class FleetShard {
 public:
  FleetShard(Fleet& fleet, Worker& worker) : fleet(fleet), worker(worker) {}
  Fleet& fleet;
  Worker& worker;
  std::vector<std::unique_ptr<FleetClient>> clients;
  Counter events;     // what the workload counts (acks, deliveries), any time
  Histogram latency;  // recorded inside the measured window only
  uint64_t unexpected = 0;

 private:
  friend class Fleet;
  friend class FleetClient;
  void connectMore();
  void connectDone();
  unsigned connecting_ = 0, limit_ = 1;
  size_t next_ = 0;
};

class Fleet {
 public:
  using Factory = std::function<std::unique_ptr<FleetClient>(FleetShard&)>;
  // Creates options.connections clients round-robin over the pool's workers.
  Fleet(WorkerPool& pool, FleetOptions options, const Factory& make);

  // Opens every connection; throws std::runtime_error unless all became ready.
  void connect(Progress& progress, double timeoutSeconds = 120);
  // Closes every connection; on the workers' threads (give it to WorkerPool::shutdown).
  void closeOn(unsigned worker);

  unsigned size() const { return options_.connections; }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }
  const FleetOptions& options() const { return options_; }
  FleetShard& shard(unsigned i) { return *shards_[i]; }
  unsigned shards() const { return unsigned(shards_.size()); }
  uint64_t events() const;  // sum over the shards (any thread)
  // Merged after the workers stopped.
  Histogram latency() const;
  uint64_t unexpected() const;

  std::atomic<unsigned> ready{0};
  std::atomic<unsigned> connectFailures{0};
  std::atomic<uint64_t> disconnects{0};  // after becoming ready
  std::atomic<bool> measuring{false};    // workloads record latency while set
  void noteError(std::string_view what);
  std::string firstError() const;

 private:
  WorkerPool& pool_;
  FleetOptions options_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::vector<std::unique_ptr<FleetShard>> shards_;
  mutable std::mutex errorMutex_;
  std::string firstError_;
};

}  // namespace sio::bench
