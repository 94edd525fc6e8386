// The server's metrics: gathered from the Engine.IO server, the namespaces and their
// adapters, and written in the Prometheus text format (version 0.0.4) with the names of
// shared/spec/test-server.md and Prometheus conventions (`_total` counters, base units).
#include "sio/server/metrics.hpp"

#include <cstdio>

#include "sio/server/server.hpp"

namespace sio {
namespace {

// A stream reader further behind than this (reading entries older than 10 s) is not caught
// up: the node is not ready until it is.
constexpr uint64_t kReadyLagMs = 10000;

// A label value escaped as the text format asks (backslash, quote, newline).
std::string labelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
    text_ += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
  }
  void sample(std::string_view name, uint64_t value) {
    text_ += std::string(name) + " " + std::to_string(value) + "\n";
  }
  void sampleSeconds(std::string_view name, double value) {
    char number[32];
    std::snprintf(number, sizeof number, "%.3f", value);
    text_ += std::string(name) + " " + number + "\n";
  }
  void sample(std::string_view name, std::string_view label, std::string_view labelText,
              uint64_t value) {
    text_ += std::string(name) + "{" + std::string(label) + "=\"" + labelValue(labelText) + "\"} " +
             std::to_string(value) + "\n";
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace

ServerMetrics collectMetrics(Server& server) {
  ServerMetrics metrics;
  metrics.sessionsByTransport = server.engine().sessionsByTransport();
  metrics.engine = server.engine().stats();
  metrics.accepting = !server.closed();
  metrics.restoresRecovered = server.restoreStats().recovered;
  metrics.restoresNotRecovered = server.restoreStats().notRecovered;
  server.forEachNamespace([&](Namespace& nsp) {
    metrics.connectedSockets[nsp.name()] = nsp.sockets().size();
    const auto& failures = nsp.adapter().restoreFailures();
    metrics.restoreFailures.unknownSession += failures.unknownSession;
    metrics.restoreFailures.offsetNotFound += failures.offsetNotFound;
    metrics.restoreFailures.invalidOffset += failures.invalidOffset;
    if (auto stats = nsp.adapter().stats()) {
      auto& sum = metrics.adapter.emplace(metrics.adapter.value_or(AdapterStats{}));
      sum.published += stats->published;
      sum.publishFailures += stats->publishFailures;
      sum.received += stats->received;
      sum.ignored += stats->ignored;
      sum.malformed += stats->malformed;
      sum.timedOut += stats->timedOut;
      sum.broadcastsLocal += stats->broadcastsLocal;
      sum.broadcastsFromCluster += stats->broadcastsFromCluster;
      sum.subscriptionGaps = std::max(sum.subscriptionGaps, stats->subscriptionGaps);
      sum.redisReconnects = std::max(sum.redisReconnects, stats->redisReconnects);
      sum.redisCommandsInFlight = std::max(sum.redisCommandsInFlight, stats->redisCommandsInFlight);
      sum.streamTrimGaps = std::max(sum.streamTrimGaps, stats->streamTrimGaps);
      sum.streamLagMs = std::max(sum.streamLagMs, stats->streamLagMs);
      sum.streamEntriesBehind = std::max(sum.streamEntriesBehind, stats->streamEntriesBehind);
    }
    if (auto up = nsp.adapter().linkUp())
      metrics.redisConnected = metrics.redisConnected.value_or(true) && *up;
  });
  return metrics;
}

bool isReady(const ServerMetrics& metrics) {
  bool caughtUp = !metrics.adapter || metrics.adapter->streamLagMs <= kReadyLagMs;
  return metrics.accepting && metrics.redisConnected.value_or(true) && caughtUp;
}

std::string prometheusText(const ServerMetrics& metrics) {
  Exposition out;
  out.family("socketio_connected_sockets", "gauge", "Sockets connected, by namespace.");
  for (const auto& [nsp, count] : metrics.connectedSockets)
    out.sample("socketio_connected_sockets", "namespace", nsp, count);
  out.family("engineio_sessions", "gauge", "Engine.IO sessions open, by transport.");
  for (const char* transport : {"polling", "websocket"}) {
    auto it = metrics.sessionsByTransport.find(transport);
    out.sample("engineio_sessions", "transport", transport,
               it == metrics.sessionsByTransport.end() ? 0 : it->second);
  }
  out.family("engineio_sessions_opened_total", "counter", "Engine.IO sessions opened.");
  out.sample("engineio_sessions_opened_total", metrics.engine.sessionsOpened);
  out.family("engineio_sessions_closed_total", "counter", "Engine.IO sessions closed, by reason.");
  for (const auto& [reason, count] : metrics.engine.sessionsClosed)
    out.sample("engineio_sessions_closed_total", "reason", reason, count);
  out.family("engineio_limit_closes_total", "counter",
             "Sessions closed or handshakes refused for a limit, by limit.");
  out.sample("engineio_limit_closes_total", "limit", "slow consumer", metrics.engine.slowConsumers);
  out.sample("engineio_limit_closes_total", "limit", "payload too large",
             metrics.engine.payloadsTooLarge);
  out.sample("engineio_limit_closes_total", "limit", "max connections",
             metrics.engine.handshakesRefused);
  out.family("engineio_upgrades_total", "counter", "Polling sessions upgraded to WebSocket.");
  out.sample("engineio_upgrades_total", metrics.engine.upgrades);
  out.family("engineio_messages_total", "counter", "Engine.IO messages, by direction.");
  out.sample("engineio_messages_total", "direction", "received", metrics.engine.messagesReceived);
  out.sample("engineio_messages_total", "direction", "sent", metrics.engine.messagesSent);
  out.family("engineio_message_bytes_total", "counter",
             "Payload bytes of Engine.IO messages, by direction.");
  out.sample("engineio_message_bytes_total", "direction", "received", metrics.engine.bytesReceived);
  out.sample("engineio_message_bytes_total", "direction", "sent", metrics.engine.bytesSent);
  out.family("socketio_session_restores_total", "counter",
             "Connection state recovery: sessions asked for, by result.");
  out.sample("socketio_session_restores_total", "result", "recovered", metrics.restoresRecovered);
  out.sample("socketio_session_restores_total", "result", "not_recovered",
             metrics.restoresNotRecovered);
  out.family("socketio_session_restore_failures_total", "counter",
             "Sessions that could not be restored, by reason.");
  out.sample("socketio_session_restore_failures_total", "reason", "unknown session",
             metrics.restoreFailures.unknownSession);
  out.sample("socketio_session_restore_failures_total", "reason", "offset not found",
             metrics.restoreFailures.offsetNotFound);
  out.sample("socketio_session_restore_failures_total", "reason", "invalid offset",
             metrics.restoreFailures.invalidOffset);
  if (metrics.adapter) {
    out.family("socketio_broadcasts_total", "counter", "Cluster broadcasts, by origin.");
    out.sample("socketio_broadcasts_total", "origin", "local", metrics.adapter->broadcastsLocal);
    out.sample("socketio_broadcasts_total", "origin", "cluster",
               metrics.adapter->broadcastsFromCluster);
    const auto& a = *metrics.adapter;
    auto counter = [&](std::string_view name, std::string_view help, uint64_t value) {
      out.family(name, "counter", help);
      out.sample(name, value);
    };
    counter("socketio_adapter_published_total", "Messages published to the cluster.", a.published);
    counter("socketio_adapter_publish_failures_total", "Publishes Redis did not take.",
            a.publishFailures);
    counter("socketio_adapter_received_total", "Messages read from the cluster.", a.received);
    counter("socketio_adapter_ignored_total", "Messages read and ignored (own, other uid).",
            a.ignored);
    counter("socketio_adapter_malformed_total", "Messages that could not be decoded.", a.malformed);
    counter("socketio_adapter_requests_timed_out_total", "Cluster requests that timed out.",
            a.timedOut);
    counter("socketio_adapter_subscription_gaps_total",
            "Pub/sub resubscriptions that may have lost messages.", a.subscriptionGaps);
    counter("socketio_adapter_stream_trim_gaps_total",
            "Stream entries trimmed away before this node read them (times seen).",
            a.streamTrimGaps);
    out.family("socketio_adapter_stream_lag_seconds", "gauge",
               "Age of the last stream entry read (0 when the reader is caught up).");
    out.sampleSeconds("socketio_adapter_stream_lag_seconds", a.streamLagMs / 1000.0);
    out.family("socketio_adapter_stream_entries_behind", "gauge",
               "Stream entries after the last one read (counted every 5 s, at most 1000).");
    out.sample("socketio_adapter_stream_entries_behind", a.streamEntriesBehind);
    counter("socketio_redis_reconnects_total", "Redis links re-established.", a.redisReconnects);
    out.family("socketio_redis_commands_in_flight", "gauge",
               "Redis commands queued or awaiting a reply.");
    out.sample("socketio_redis_commands_in_flight", a.redisCommandsInFlight);
  }
  if (metrics.redisConnected) {
    out.family("socketio_redis_connected", "gauge", "1 while the adapter's Redis link is up.");
    out.sample("socketio_redis_connected", *metrics.redisConnected ? 1 : 0);
  }
  out.family("socketio_ready", "gauge", "1 while the server accepts sessions and is connected.");
  out.sample("socketio_ready", isReady(metrics) ? 1 : 0);
  return out.take();
}

void serveMetricsAndHealth(engine::HttpServer& http, Server& server, MetricsPaths paths) {
  http.handle(paths.metrics, [&server](const engine::Request&, const std::string&,
                                       engine::HttpServer::Respond respond) {
    respond(engine::HttpResponse{200,
                                 {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}},
                                 prometheusText(collectMetrics(server))});
  });
  http.handle(paths.health,
              [](const engine::Request&, const std::string&, engine::HttpServer::Respond respond) {
                respond(engine::HttpResponse{200, {{"Content-Type", "text/plain"}}, "ok\n"});
              });
  http.handle(paths.ready, [&server](const engine::Request&, const std::string&,
                                     engine::HttpServer::Respond respond) {
    bool ready = isReady(collectMetrics(server));
    respond(engine::HttpResponse{
        ready ? 200u : 503u, {{"Content-Type", "text/plain"}}, ready ? "ready\n" : "not ready\n"});
  });
}

}  // namespace sio
