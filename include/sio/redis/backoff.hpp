// Reconnection delays: exponential from `initial` up to `max`, each spread by ±jitter so
// that many clients do not reconnect in lockstep. A plain state machine, no timers.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace sio::redis {

struct BackoffOptions {
  std::chrono::milliseconds initial{50};
  std::chrono::milliseconds max{5000};
  double multiplier = 2.0;
  double jitter = 0.2;  // fraction of the delay, both ways
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {})
      : options_(options), random_(std::random_device{}()) {}

  std::chrono::milliseconds next() {
    double base = double(options_.initial.count());
    for (uint32_t i = 0; i < attempts_ && base < double(options_.max.count()); ++i)
      base *= options_.multiplier;
    base = std::min(base, double(options_.max.count()));
    ++attempts_;
    std::uniform_real_distribution<double> spread(1.0 - options_.jitter, 1.0 + options_.jitter);
    return std::chrono::milliseconds(static_cast<int64_t>(base * spread(random_)));
  }
  void reset() { attempts_ = 0; }
  uint32_t attempts() const { return attempts_; }

 private:
  BackoffOptions options_;
  uint32_t attempts_ = 0;
  std::mt19937 random_;
};

}  // namespace sio::redis
