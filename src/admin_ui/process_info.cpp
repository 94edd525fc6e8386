// Host name and pid from the system; the uptime counts from this library's static
// initialisation, which happens as the program starts.
#include "process_info.hpp"

#include <unistd.h>

#include <chrono>
#include <climits>

namespace sio::admin_ui {
namespace {

const auto processStart = std::chrono::steady_clock::now();

}  // namespace

std::string hostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

int64_t processId() {
  return static_cast<int64_t>(getpid());
}

double processUptimeSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - processStart).count();
}

}  // namespace sio::admin_ui
