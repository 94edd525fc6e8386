// sio-bench: starting, querying and stopping the worker threads.
#include "worker_pool.hpp"

#include <chrono>

#include "cpu_time.hpp"
#include "run_control.hpp"

namespace sio::bench {

WorkerPool::WorkerPool(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i)
    workers_.push_back(std::make_unique<Worker>());
}

WorkerPool::~WorkerPool() {
  shutdown();
}

void WorkerPool::start() {
  started_ = true;
  for (auto& worker : workers_) worker->thread = std::thread([w = worker.get()] { w->io.run(); });
}

void WorkerPool::postEach(const std::function<void(unsigned)>& fn) {
  for (unsigned i = 0; i < size(); ++i) boost::asio::post(workers_[i]->io, [fn, i] { fn(i); });
}

std::vector<double> WorkerPool::threadCpuSeconds() const {
  std::vector<double> seconds;
  for (const auto& worker : workers_)
    seconds.push_back(started_ ? sio::bench::threadCpuSeconds(worker->thread.native_handle()) : 0);
  return seconds;
}

void WorkerPool::shutdown(const std::function<void(unsigned)>& last) {
  if (stopped_) return;
  stopped_ = true;
  if (last) postEach(last);
  for (auto& worker : workers_) worker->guard.reset();
  if (!started_) return;
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    if (!waitUntil([w] { return w->io.stopped(); }, 5)) w->io.stop();
    w->thread.join();
  }
}

}  // namespace sio::bench
