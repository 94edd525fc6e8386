// sio-bench workload `connect`: handshake slots spread over the workers. A finished
// handshake is destroyed and replaced from a posted function, never inside its own
// callback. Successes, failures and the latency histogram are tallied per worker.
#include "connect_rate_workload.hpp"

#include <boost/asio/post.hpp>
#include <cmath>
#include <mutex>
#include <stdexcept>

#include "bench_clock.hpp"
#include "handshake.hpp"
#include "histogram.hpp"
#include "report.hpp"
#include "worker_pool.hpp"
#include "ws_client.hpp"

namespace sio::bench {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

struct Tally {
  Counter succeeded;
  Counter failed;
  Histogram latency;
};

struct Shared {
  std::atomic<bool> running{true};
  std::atomic<bool> measuring{false};
  std::mutex errorMutex;
  std::string firstError;
};

class Slot {
 public:
  Slot(asio::io_context& io, Tally& tally, Shared& shared, const BenchOptions& options,
       const tcp::endpoint& endpoint)
      : io_(io), tally_(tally), shared_(shared), options_(options), endpoint_(endpoint) {}

  void next() {
    current_.reset();
    if (!shared_.running.load(std::memory_order_relaxed)) return;
    auto done = [this](std::string_view error) { finished(error); };
    current_ = options_.transport == "polling"
                   ? makePollingHandshake(io_, endpoint_, options_.url, done)
                   : makeWebSocketHandshake(io_, endpoint_, options_.url, done);
    startNs_ = nowNs();
    current_->start();
  }
  void stop() { current_.reset(); }

 private:
  void finished(std::string_view error) {
    if (error.empty()) {
      tally_.succeeded.add();
      if (shared_.measuring.load(std::memory_order_relaxed))
        tally_.latency.record(nowNs() - startNs_);
    } else {
      tally_.failed.add();
      std::lock_guard lock(shared_.errorMutex);
      if (shared_.firstError.empty()) shared_.firstError = std::string(error);
    }
    asio::post(io_, [this] { next(); });
  }

  asio::io_context& io_;
  Tally& tally_;
  Shared& shared_;
  const BenchOptions& options_;
  const tcp::endpoint& endpoint_;
  std::unique_ptr<Handshake> current_;
  uint64_t startNs_ = 0;
};

}  // namespace

Value runConnectRate(const BenchOptions& options, Progress& progress) {
  const tcp::endpoint endpoint = firstEndpoint(options.url);
  WorkerPool pool(options.threads);
  Shared shared;
  std::vector<Tally> tallies(pool.size());
  std::vector<std::vector<std::unique_ptr<Slot>>> slots(pool.size());
  for (unsigned i = 0; i < options.connections; ++i) {
    unsigned w = i % pool.size();
    slots[w].push_back(std::make_unique<Slot>(pool[w].io, tallies[w], shared, options, endpoint));
  }
  auto total = [&](Counter Tally::*field) {
    uint64_t sum = 0;
    for (auto& tally : tallies) sum += (tally.*field).get();
    return sum;
  };
  pool.start();
  PoolShutdown guard{pool, [&](unsigned w) {
                       shared.running = false;
                       for (auto& slot : slots[w]) slot->stop();
                     }};

  progress.now(std::to_string(options.connections) + " concurrent " + options.transport +
               " handshakes with " + options.url.text());
  pool.postEach([&](unsigned w) {
    for (auto& slot : slots[w]) slot->next();
  });
  auto line = [&] {
    return std::to_string(total(&Tally::succeeded)) + " handshakes, " +
           std::to_string(total(&Tally::failed)) + " failed";
  };
  sleepFor(options.warmup, [&] { progress(line); });
  CpuWindow cpu(pool, options.cpuPids);
  cpu.begin();
  shared.measuring = true;
  const uint64_t okBefore = total(&Tally::succeeded), failedBefore = total(&Tally::failed);
  sleepFor(options.duration, [&] { progress(line); });
  const uint64_t ok = total(&Tally::succeeded) - okBefore;
  const uint64_t failed = total(&Tally::failed) - failedBefore;
  shared.measuring = false;
  cpu.end();
  guard.now();
  if (total(&Tally::succeeded) == 0)
    throw std::runtime_error("no handshake with " + options.url.text() + " succeeded" +
                             (shared.firstError.empty() ? "" : ": " + shared.firstError));

  Histogram latency;
  for (auto& tally : tallies) latency.merge(tally.latency);
  const double wall = cpu.wallSeconds();
  Value result = Value::object({
      {"workload", "connect"},
      {"url", options.url.text()},
      {"transport", options.transport},
      {"concurrency", options.connections},
      {"threads", pool.size()},
      {"seconds", std::round(wall * 100) / 100},
      {"handshakes", ok},
      {"handshakes_per_s", std::round(double(ok) / wall * 10) / 10},
      {"latency_us", latencyJson(latency)},
      {"errors", Value::object({{"failed", failed}, {"first", shared.firstError}})},
  });
  cpu.addTo(result);
  return result;
}

}  // namespace sio::bench
