// One HTTP/1.1 connection: reads requests, hands each to its endpoint as an HttpExchange
// and writes the responses in order. A read stays pending while a response is awaited,
// so a client that goes away during a long poll is noticed at once.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "http_routes.hpp"

namespace sio::engine {

class HttpConnection {
 public:
  virtual ~HttpConnection() = default;
  virtual void start() = 0;
  virtual void close() = 0;
};

std::shared_ptr<HttpConnection> makeHttpConnection(boost::asio::ip::tcp::socket socket,
                                                   std::shared_ptr<HttpRoutes> routes);

}  // namespace sio::engine
