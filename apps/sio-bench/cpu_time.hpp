// sio-bench: how much CPU the benchmark itself used, to tell when the load generator
// (rather than the server) was the bottleneck: the whole process through getrusage, and
// one thread's CPU clock, readable from any thread.
#pragma once

#include <pthread.h>

namespace sio::bench {

// User + system CPU seconds of the whole process (getrusage RUSAGE_SELF).
double processCpuSeconds();

// CPU seconds consumed so far by `thread` (pthread_getcpuclockid); 0 when unavailable.
double threadCpuSeconds(pthread_t thread);

}  // namespace sio::bench
