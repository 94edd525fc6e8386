// sio-bench: getrusage and per-thread CPU clocks. The thread clock is read from the main
// thread while the workers run, so the window's CPU is measured without posting work to
// the workers' io_contexts.
#include "cpu_time.hpp"

#include <sys/resource.h>
#include <time.h>

namespace sio::bench {

double processCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double threadCpuSeconds(pthread_t thread) {
  clockid_t clock{};
  if (pthread_getcpuclockid(thread, &clock) != 0) return 0;
  timespec t{};
  if (clock_gettime(clock, &t) != 0) return 0;
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

}  // namespace sio::bench
