// sio-bench workload `churn` (issue 12): --sessions hostile or short-lived clients of each
// kind (see churn_session.hpp), --connect-concurrency at once, one kind after another,
// while the server's RSS and descriptors are watched (--server-pid): before, at the peak,
// and after the run once its descriptors came back to the baseline (at most --settle-max).
#pragma once

#include "bench_options.hpp"
#include "run_control.hpp"
#include "sio/codec/value.hpp"

namespace sio::bench {

// The result as JSON, `settled` true when the server's descriptors came back to what they
// were before; throws std::runtime_error when the server's /proc entries cannot be read.
Value runChurn(const BenchOptions& options, Progress& progress);

}  // namespace sio::bench
