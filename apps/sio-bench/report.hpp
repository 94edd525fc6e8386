// sio-bench: the result of a run is one JSON object (sio::Value); this prints it for
// scripts (--json, one line) or for people (one `key  value` line per field, nested
// objects such as latency_us on one line), and warns when sio-bench saturated itself.
#pragma once

#include <iosfwd>

#include "histogram.hpp"
#include "sio/codec/value.hpp"

namespace sio::bench {

// A latency histogram in microseconds: p50, p90, p99, p999, max, mean, samples.
Value latencyJson(const Histogram& latency);

void printJson(std::ostream& out, const Value& result);
void printText(std::ostream& out, const Value& result);

}  // namespace sio::bench
