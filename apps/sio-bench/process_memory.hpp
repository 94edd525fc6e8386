// sio-bench: another process's memory, from /proc/PID/status (Linux): the resident set
// (VmRSS) and its peak (VmHWM), in bytes.
#pragma once

#include <cstdint>
#include <optional>

namespace sio::bench {

struct ProcessMemory {
  uint64_t rssBytes = 0;
  uint64_t peakRssBytes = 0;
};

// Nothing when the process does not exist or its status cannot be read.
std::optional<ProcessMemory> readProcessMemory(int pid);

}  // namespace sio::bench
