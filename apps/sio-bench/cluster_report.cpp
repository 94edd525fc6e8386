// sio-bench: the `cluster` report. Latencies in microseconds; the JSON object is written
// with the project's JSON codec.
#include "cluster_report.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

#include "sio/codec/json.hpp"

namespace sio::bench {

namespace {

double round1(double x) {
  return std::round(x * 10) / 10;
}
double micros(uint64_t ns) {
  return round1(double(ns) / 1000.0);
}

double completeness(const ClusterResult& r) {
  return r.broadcasts ? double(r.minReceived) / double(r.broadcasts) : 1.0;
}

}  // namespace

void printClusterText(std::ostream& out, const ClusterOptions& o, const ClusterResult& r) {
  char line[512];
  auto print = [&](const char* format, auto... args) {
    std::snprintf(line, sizeof line, format, args...);
    out << line;
  };
  char rate[64] = "max";
  if (o.rate > 0) std::snprintf(rate, sizeof rate, "%g/s", o.rate);
  print("sio-bench cluster: publish %s, %u receivers on %s\n", o.publishUrl.text().c_str(),
        r.receiversConnected, o.receiveUrl.text().c_str());
  print("  rate %s, window %u, max lag %s, %.2f s measured, %u thread(s)\n", rate, o.window,
        o.maxLag ? std::to_string(o.maxLag).c_str() : "off", r.windowSeconds, o.threads);
  print("  broadcasts/s   %12.1f   (%llu in the window, %llu op errors)\n", r.broadcastsPerSecond,
        (unsigned long long)r.broadcasts, (unsigned long long)r.opErrors);
  print("  deliveries/s   %12.1f   (%llu in the window)\n", r.deliveriesPerSecond,
        (unsigned long long)r.deliveriesInWindow);
  print(
      "  completeness   min %llu / max %llu of %llu per receiver (%.2f%%), %u of %u complete, "
      "drain %.2f s\n",
      (unsigned long long)r.minReceived, (unsigned long long)r.maxReceived,
      (unsigned long long)r.broadcasts, 100 * completeness(r), r.completeReceivers,
      r.receiversConnected, r.drainSeconds);
  print(
      "  latency (us)   p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f  (%llu "
      "samples)\n",
      micros(r.latency.quantile(0.5)), micros(r.latency.quantile(0.9)),
      micros(r.latency.quantile(0.99)), micros(r.latency.quantile(0.999)), micros(r.latency.max()),
      round1(r.latency.mean() / 1000), (unsigned long long)r.latency.count());
  print(
      "  errors         connect %llu, disconnects %llu, publisher %s, unexpected packets "
      "%llu%s%s\n",
      (unsigned long long)r.connectFailures, (unsigned long long)r.disconnects,
      r.publisherLost ? "lost" : "ok", (unsigned long long)r.unexpectedPackets,
      r.firstError.empty() ? "" : "; first: ", r.firstError.c_str());
  print("  sio-bench CPU  %.2f s over %.2f s wall (%.0f%%), busiest thread %.0f%%\n", r.cpuSeconds,
        r.windowSeconds, 100 * r.cpuSeconds / r.windowSeconds, 100 * r.busiestThreadCpuRatio);
  if (r.saturated)
    out << "  WARNING: sio-bench itself was CPU-saturated (>= 90% of wall time); the figures may "
           "be the load generator's limit, not the server's\n";
}

void printClusterJson(std::ostream& out, const ClusterOptions& o, const ClusterResult& r) {
  Value latency = Value::object({{"p50", micros(r.latency.quantile(0.5))},
                                 {"p90", micros(r.latency.quantile(0.9))},
                                 {"p99", micros(r.latency.quantile(0.99))},
                                 {"p999", micros(r.latency.quantile(0.999))},
                                 {"max", micros(r.latency.max())},
                                 {"mean", round1(r.latency.mean() / 1000)},
                                 {"samples", r.latency.count()}});
  Value errors = Value::object({{"connect", r.connectFailures},
                                {"disconnects", r.disconnects},
                                {"publisher_lost", r.publisherLost},
                                {"unexpected_packets", r.unexpectedPackets},
                                {"op", r.opErrors},
                                {"first", r.firstError}});
  Value json =
      Value::object({{"workload", "cluster"},
                     {"publish_url", o.publishUrl.text()},
                     {"receive_url", o.receiveUrl.text()},
                     {"receivers", r.receiversConnected},
                     {"rate", o.rate},
                     {"window", o.window},
                     {"max_lag", o.maxLag},
                     {"threads", o.threads},
                     {"seconds", round1(r.windowSeconds * 100) / 100},
                     {"broadcasts", r.broadcasts},
                     {"broadcasts_per_s", round1(r.broadcastsPerSecond)},
                     {"deliveries", r.deliveriesInWindow},
                     {"deliveries_per_s", round1(r.deliveriesPerSecond)},
                     {"min_received", r.minReceived},
                     {"max_received", r.maxReceived},
                     {"complete_receivers", r.completeReceivers},
                     {"completeness", std::round(completeness(r) * 1e4) / 1e4},
                     {"drain_s", round1(r.drainSeconds * 100) / 100},
                     {"latency_us", std::move(latency)},
                     {"errors", std::move(errors)},
                     {"cpu_s", round1(r.cpuSeconds * 100) / 100},
                     {"cpu_ratio", round1(r.cpuSeconds / r.windowSeconds * 1000) / 1000},
                     {"busiest_thread_cpu_ratio", round1(r.busiestThreadCpuRatio * 1000) / 1000},
                     {"saturated", r.saturated}});
  out << codec::toJson(json) << "\n";
}

}  // namespace sio::bench
