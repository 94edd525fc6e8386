// sio-bench: the one clock of a run. Send timestamps and receive times are nanoseconds
// of std::chrono::steady_clock since the program started, so they stay far below 2^53
// and travel exactly as JSON numbers through a JavaScript server.
#pragma once

#include <chrono>
#include <cstdint>

namespace sio::bench {

inline const std::chrono::steady_clock::time_point kEpoch = std::chrono::steady_clock::now();

inline uint64_t nowNs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - kEpoch)
                      .count());
}

}  // namespace sio::bench
