// What a Socket.IO server counts, as a snapshot readable from C++ (`collectMetrics`), in
// the Prometheus text exposition format (`prometheusText`), and served with health checks
// on the server's own HTTP port (`serveMetricsAndHealth`): GET /metrics, /healthz (200 while
// the process serves) and /readyz (200 while it accepts sessions, its adapter's Redis link
// is up and its stream reader caught up; 503 otherwise, and while it drains).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sio/adapter/adapter.hpp"
#include "sio/engine/http_server.hpp"
#include "sio/engine/server.hpp"

namespace sio {

class Server;

struct ServerMetrics {
  std::map<std::string, size_t> connectedSockets;     // by namespace
  std::map<std::string, size_t> sessionsByTransport;  // Engine.IO sessions open now
  engine::ServerStats engine;                         // handshakes, closes by reason, limits
  std::optional<AdapterStats> adapter;  // summed over namespaces (cluster adapters only)
  std::optional<bool> redisConnected;   // every namespace's Redis link up (Redis adapters)
  bool accepting = true;                // new sessions are accepted (not closed)
  uint64_t restoresRecovered = 0, restoresNotRecovered = 0;
  Adapter::RestoreFailures restoreFailures;  // why, summed over namespaces
};

ServerMetrics collectMetrics(Server& server);
// Ready: accepting sessions, the adapter's Redis link (if any) up, and its stream reader
// (Streams adapter) caught up: reading entries at most 10 s old.
bool isReady(const ServerMetrics& metrics);
std::string prometheusText(const ServerMetrics& metrics);

struct MetricsPaths {
  std::string metrics = "/metrics";
  std::string health = "/healthz";
  std::string ready = "/readyz";
};
// Mounts the three endpoints on `http` (the server must outlive it, or close it first).
void serveMetricsAndHealth(engine::HttpServer& http, Server& server, MetricsPaths paths = {});

}  // namespace sio
