// sio-bench: parsing the `VmRSS:` and `VmHWM:` lines (in kB) of /proc/PID/status.
#include "process_memory.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace sio::bench {

std::optional<ProcessMemory> readProcessMemory(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return std::nullopt;
  ProcessMemory memory;
  bool haveRss = false;
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream fields(line);
    std::string name;
    uint64_t kilobytes = 0;
    if (!(fields >> name >> kilobytes)) continue;
    if (name == "VmRSS:") memory.rssBytes = kilobytes * 1024, haveRss = true;
    if (name == "VmHWM:") memory.peakRssBytes = kilobytes * 1024;
  }
  if (!haveRss) return std::nullopt;
  return memory;
}

}  // namespace sio::bench
