// sio-bench: waiting, progress lines and the CPU window of the main thread.
#include "run_control.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

#include "bench_clock.hpp"
#include "cpu_time.hpp"
#include "worker_pool.hpp"

namespace sio::bench {

void Progress::operator()(const std::function<std::string()>& text) {
  if (!on_) return;
  uint64_t now = nowNs();
  if (lastNs_ != 0 && now - lastNs_ < 2'000'000'000ull) return;
  if (lastNs_ == 0) {  // the first call only starts the clock
    lastNs_ = now;
    return;
  }
  lastNs_ = now;
  std::cerr << "sio-bench " << workload_ << ": " << text() << std::endl;
}

void Progress::now(const std::string& text) {
  if (on_) std::cerr << "sio-bench " << workload_ << ": " << text << std::endl;
  lastNs_ = nowNs();
}

bool waitUntil(const std::function<bool()>& pred, double seconds,
               const std::function<void()>& progress) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (progress) progress();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void sleepFor(double seconds, const std::function<void()>& progress) {
  const uint64_t deadline = nowNs() + uint64_t(seconds * 1e9);
  for (uint64_t now = nowNs(); now < deadline; now = nowNs()) {
    std::this_thread::sleep_for(
        std::chrono::nanoseconds(std::min<uint64_t>(deadline - now, 100'000'000)));
    if (progress) progress();
  }
}

namespace {

// The summed CPU seconds of `pids`; negative when one cannot be read.
double serversCpuSeconds(const std::vector<int>& pids) {
  double sum = 0;
  for (int pid : pids) {
    const double seconds = otherProcessCpuSeconds(pid);
    if (seconds < 0) return -1;
    sum += seconds;
  }
  return sum;
}

}  // namespace

void CpuWindow::begin() {
  beginServer_ = serversCpuSeconds(serverPids_);
  beginNs_ = nowNs();
  beginCpu_ = processCpuSeconds();
  beginThreads_ = pool_.threadCpuSeconds();
}

void CpuWindow::end() {
  endNs_ = nowNs();
  endCpu_ = processCpuSeconds();
  endThreads_ = pool_.threadCpuSeconds();
  endServer_ = serversCpuSeconds(serverPids_);
}

double CpuWindow::busiestThreadRatio() const {
  double busiest = 0;
  const double wall = wallSeconds();
  for (size_t i = 0; i < endThreads_.size() && i < beginThreads_.size() && wall > 0; ++i)
    busiest = std::max(busiest, (endThreads_[i] - beginThreads_[i]) / wall);
  return busiest;
}

unsigned CpuWindow::cores() const {
  return std::max(1u, std::min(pool_.size(), affinityCores()));
}

bool CpuWindow::saturated() const {
  return busiestThreadRatio() >= 0.95 || cpuSeconds() >= 0.95 * wallSeconds() * cores();
}

void CpuWindow::addTo(Value& result) const {
  auto round3 = [](double x) { return std::round(x * 1000) / 1000; };
  const double wall = wallSeconds();
  result.set("cpu_s", round3(cpuSeconds()));
  result.set("cpu_ratio", round3(wall > 0 ? cpuSeconds() / wall : 0));
  result.set("cores", cores());
  result.set("busiest_thread_cpu_ratio", round3(busiestThreadRatio()));
  result.set("saturated", saturated());
  if (serverPids_.empty()) return;
  const bool read = beginServer_ >= 0 && endServer_ >= 0;
  const double server = read ? endServer_ - beginServer_ : -1;
  result.set("server_cpu_s", read ? round3(server) : -1.0);
  result.set("server_cpu_ratio", read && wall > 0 ? round3(server / wall) : -1.0);
}

}  // namespace sio::bench
