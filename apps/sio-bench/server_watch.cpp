// sio-bench: the server's RSS from process_memory, its descriptors counted by listing
// /proc/PID/fd, the sampling thread and the settle wait.
#include "server_watch.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "process_memory.hpp"

namespace sio::bench {

std::optional<ServerSample> sampleServer(int pid) {
  auto memory = readProcessMemory(pid);
  if (!memory) return std::nullopt;
  std::error_code ec;
  std::filesystem::directory_iterator fds("/proc/" + std::to_string(pid) + "/fd", ec);
  if (ec) return std::nullopt;
  ServerSample sample{memory->rssBytes / 1024, 0};
  for (auto end = std::filesystem::directory_iterator(); fds != end; fds.increment(ec)) {
    if (ec) return std::nullopt;
    ++sample.fds;
  }
  return sample;
}

ServerWatch::ServerWatch(int pid) : pid_(pid) {
  before_ = now();
  sampler_ = std::thread([this] {
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (auto sample = sampleServer(pid_)) record(*sample);
    }
  });
}

ServerWatch::~ServerWatch() {
  stop_ = true;
  sampler_.join();
}

ServerSample ServerWatch::now() {
  auto sample = sampleServer(pid_);
  if (!sample)
    throw std::runtime_error("cannot read /proc/" + std::to_string(pid_) +
                             " (status and fd): is the server still running?");
  record(*sample);
  return *sample;
}

void ServerWatch::record(const ServerSample& sample) {
  uint64_t rss = peakRssKib_.load();
  while (sample.rssKib > rss && !peakRssKib_.compare_exchange_weak(rss, sample.rssKib)) {
  }
  uint64_t fds = peakFds_.load();
  while (sample.fds > fds && !peakFds_.compare_exchange_weak(fds, sample.fds)) {
  }
}

bool ServerWatch::waitForDescriptors(uint64_t fds, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (now().fds > fds) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

}  // namespace sio::bench
