// The seam between the HTTP layer and the protocol servers above it, free of Beast:
// an endpoint owns a path prefix and receives requests as HttpExchanges (answered now or,
// for a long poll, later) and WebSocket upgrades as PendingUpgrades it accepts or rejects.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sio/engine/response.hpp"
#include "wire_format.hpp"

namespace sio::engine {

class Transport;

struct WebSocketSettings {
  size_t maxMessageSize = 1'000'000;
  bool perMessageDeflate = false;
  size_t deflateThreshold = 1024;
  WireFormat wire;  // the Engine.IO revision and binary support of the client
};

// A request waiting for its response. The connection keeps reading meanwhile, so it can
// tell when the client goes away first.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual const Request& request() const = 0;
  virtual const std::string& body() const = 0;
  // The body was over the endpoint's limit and was not read; the connection closes after
  // the response.
  virtual bool bodyTooLarge() const = 0;
  // Sends the response (only the first call counts).
  virtual void respond(HttpResponse response) = 0;
  virtual bool responded() const = 0;
  // Called at most once, when the client closes the connection before the response.
  virtual void onAbort(std::function<void()> handler) = 0;
};

// A WebSocket upgrade request, with the connection handed over to the endpoint.
class PendingUpgrade {
 public:
  virtual ~PendingUpgrade() = default;
  virtual const Request& request() const = 0;
  // Writes a plain HTTP error response and closes the connection.
  virtual void reject(unsigned status, std::string body) = 0;
  // Completes the WebSocket handshake (adding `headers` to its response), then hands the
  // new transport to `onOpen`; the transport starts reading when started.
  virtual void accept(const WebSocketSettings& settings, HeaderList headers,
                      std::function<void(std::shared_ptr<Transport>)> onOpen) = 0;
};

class HttpEndpoint {
 public:
  virtual ~HttpEndpoint() = default;
  virtual bool matches(std::string_view path) const = 0;
  virtual size_t bodyLimit() const = 0;
  virtual void handleRequest(std::shared_ptr<HttpExchange> exchange) = 0;
  virtual void handleUpgrade(std::shared_ptr<PendingUpgrade> upgrade) = 0;
};

}  // namespace sio::engine
