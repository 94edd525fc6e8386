// The HTTP listener: binds, accepts, and starts one HttpConnection per TCP connection,
// all sharing the routes (endpoints by path, the fallback) and the HTTP options.
#include "sio/engine/http_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <list>
#include <system_error>

#include "http_connection.hpp"
#include "server_core.hpp"
#include "sio/engine/server.hpp"
#include "sio/log.hpp"
#include "tls_context.hpp"

namespace sio::engine {
using tcp = boost::asio::ip::tcp;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(boost::asio::io_context& io, HttpServerOptions options)
      : io(io), acceptor(io), routes(std::make_shared<HttpRoutes>()) {
    routes->options = options;
  }

  void accept() {
    // Accepted straight into a socket typed on the io_context's executor (ConnectionSocket).
    acceptor.async_accept(
        io, [weak = weak_from_this()](boost::system::error_code ec, ConnectionSocket socket) {
          auto self = weak.lock();
          if (!self || !self->acceptor.is_open()) return;
          if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            auto connection = makeHttpConnection(std::move(socket), self->tlsContext, self->routes);
            self->prune();
            self->connections.push_back(connection);
            connection->start();
          }
          self->accept();
        });
  }

  // Forgets connections that have ended (called on accept, so the list stays small).
  void prune() {
    connections.remove_if([](const std::weak_ptr<HttpConnection>& c) { return c.expired(); });
  }

  boost::asio::io_context& io;
  tcp::acceptor acceptor;
  std::shared_ptr<HttpRoutes> routes;
  std::shared_ptr<boost::asio::ssl::context> tlsContext;  // with HttpServerOptions::tls
  std::list<std::weak_ptr<HttpConnection>> connections;
};

HttpServer::HttpServer(boost::asio::io_context& io, HttpServerOptions options)
    : impl_(std::make_shared<Impl>(io, options)) {}

HttpServer::~HttpServer() {
  close();
}

void HttpServer::attach(Server& engine) {
  attach(engine.core());
}

void HttpServer::attach(std::shared_ptr<HttpEndpoint> endpoint) {
  impl_->routes->endpoints.push_back(std::move(endpoint));
}

void HttpServer::onRequest(FallbackHandler handler) {
  impl_->routes->fallback = std::move(handler);
}

void HttpServer::handle(std::string path, FallbackHandler handler) {
  impl_->routes->handlers[std::move(path)] = std::move(handler);
}

uint16_t HttpServer::listen(const std::string& host, uint16_t port) {
  if (const auto& tls = impl_->routes->options.tls; tls && !impl_->tlsContext)
    impl_->tlsContext = makeServerTlsContext(*tls);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "invalid address " + host);
  tcp::endpoint endpoint(address, port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor.close();
    throw std::system_error(ec, "cannot listen on " + host + ":" + std::to_string(port));
  }
  impl_->accept();
  log::info(std::string(secure() ? "https" : "http") + ": listening on " + host + ":" +
            std::to_string(this->port()));
  return this->port();
}

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void HttpServer::reloadTls() {
  const auto& tls = impl_->routes->options.tls;
  if (!tls) return;
  impl_->tlsContext = makeServerTlsContext(*tls);
  log::info("https: reloaded " + tls->certificateChainFile + " and " + tls->privateKeyFile);
}

bool HttpServer::secure() const {
  return impl_->routes->options.tls.has_value();
}

void HttpServer::close() {
  boost::system::error_code ignored;
  if (impl_->acceptor.is_open())
    log::info("http: closing the listener on port " + std::to_string(port()));
  impl_->acceptor.close(ignored);
  auto connections = std::move(impl_->connections);
  for (auto& weak : connections)
    if (auto connection = weak.lock()) connection->close();
}

}  // namespace sio::engine
