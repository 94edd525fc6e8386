// One HTTP/1.1 connection: reads requests, hands each to its endpoint as an HttpExchange
// and writes the responses in order. A read stays pending while a response is awaited,
// so a client that goes away during a long poll is noticed at once. Plain or TLS.
#pragma once

#include <memory>

#include "connection_socket.hpp"
#include "http_routes.hpp"

namespace boost::asio::ssl {
class context;
}

namespace sio::engine {

class HttpConnection {
 public:
  virtual ~HttpConnection() = default;
  virtual void start() = 0;
  virtual void close() = 0;
};

// With a TLS context, the connection starts with the TLS handshake (under the headers
// timeout) and serves HTTPS and WSS.
std::shared_ptr<HttpConnection> makeHttpConnection(
    ConnectionSocket socket, std::shared_ptr<boost::asio::ssl::context> tlsContext,
    std::shared_ptr<HttpRoutes> routes);

}  // namespace sio::engine
