// The HTTP/1.1 listener: accepts TCP connections on one port, routes each request (and
// WebSocket upgrade) to the endpoint whose path prefix matches — an Engine.IO server, a
// Socket.IO server — and everything else to a fallback handler (404 by default).
// Idle and slow connections are dropped after the timeouts in HttpServerOptions. With
// HttpServerOptions::tls it serves HTTPS and WSS (the files reloadable at run time).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sio/engine/options.hpp"
#include "sio/engine/response.hpp"

namespace boost::asio {
class io_context;
}

namespace sio::engine {

class Server;
class HttpEndpoint;
struct HttpRoutes;

class HttpServer {
 public:
  using Respond = std::function<void(HttpResponse)>;
  using FallbackHandler = std::function<void(const Request&, const std::string& body, Respond)>;

  explicit HttpServer(boost::asio::io_context& io, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void attach(Server& engine);
  void attach(std::shared_ptr<HttpEndpoint> endpoint);
  void onRequest(FallbackHandler handler);
  // Serves one exact path (e.g. "/metrics") with `handler`, ahead of the fallback.
  void handle(std::string path, FallbackHandler handler);

  // Binds and starts accepting; port 0 picks a free port. Returns the bound port.
  // Throws std::system_error when the address cannot be bound, std::runtime_error when
  // the TLS files cannot be used.
  uint16_t listen(const std::string& host, uint16_t port);
  uint16_t port() const;

  // With HttpServerOptions::tls: reads the certificate chain and key files again. New
  // connections use them; established ones keep theirs. Throws std::runtime_error (and
  // keeps the files in use) when they cannot be read. Without TLS, does nothing.
  void reloadTls();
  bool secure() const;

  // Stops accepting and closes every connection.
  void close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sio::engine
