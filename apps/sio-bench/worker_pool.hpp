// sio-bench: the load generator's threads. A Worker is one io_context run by one thread;
// the pool starts them, runs a function on one and waits for its result (runOn), reads
// their CPU clocks, and shuts them down after a last function on each (which closes the
// connections it owns). Connections belong to one worker and are only touched there.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <vector>

namespace sio::bench {

// A counter written by one thread and read by others: relaxed, no locked instruction.
struct Counter {
  std::atomic<uint64_t> value{0};
  void add(uint64_t n = 1) {
    value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void sub(uint64_t n = 1) {
    value.store(value.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
  }
  uint64_t get() const { return value.load(std::memory_order_relaxed); }
};

struct Worker {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread;
};

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();  // shutdown() without a last function, if not done
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned size() const { return unsigned(workers_.size()); }
  Worker& operator[](unsigned i) { return *workers_[i]; }

  void start();
  // Runs `fn` on worker i's thread and waits for its result.
  template <class Fn>
  auto runOn(unsigned i, Fn fn) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(workers_[i]->io, [&task] { task(); });
    return result.get();
  }
  // Posts `fn(i)` to every worker i.
  void postEach(const std::function<void(unsigned)>& fn);
  // CPU seconds used so far by each worker thread.
  std::vector<double> threadCpuSeconds() const;
  // Runs `last(i)` on every worker, lets each io_context run out of work (at most 5 s,
  // then stops it) and joins the threads. Idempotent.
  void shutdown(const std::function<void(unsigned)>& last = {});

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
  bool started_ = false, stopped_ = false;
};

// Shuts the pool down, running `last` on each worker, when the scope ends (also on an
// exception) or at now().
struct PoolShutdown {
  WorkerPool& pool;
  std::function<void(unsigned)> last;
  void now() { pool.shutdown(last); }
  ~PoolShutdown() { now(); }
};

}  // namespace sio::bench
