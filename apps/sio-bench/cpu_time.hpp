// sio-bench: how much CPU the benchmark itself used, to tell when the load generator
// (rather than the server) was the bottleneck: the whole process through getrusage, and
// one thread's CPU clock, readable from any thread; another process's CPU (the server's,
// from /proc/PID/stat); and how many cores this process may run on.
#pragma once

#include <pthread.h>

namespace sio::bench {

// User + system CPU seconds of the whole process (getrusage RUSAGE_SELF).
double processCpuSeconds();

// User + system CPU seconds of process `pid` (/proc/PID/stat, every thread); a negative
// number when it cannot be read.
double otherProcessCpuSeconds(int pid);

// The cores in this process's affinity mask (taskset), at least 1.
unsigned affinityCores();

// CPU seconds consumed so far by `thread` (pthread_getcpuclockid); 0 when unavailable.
double threadCpuSeconds(pthread_t thread);

}  // namespace sio::bench
