// sio-bench: the WebSocket client on Boost.Beast, the program's only translation unit that
// includes Beast's WebSocket. A plain tcp::socket under the stream (no tcp_stream timer per
// operation), no permessage-deflate, TCP_NODELAY, no WebSocket keep-alive pings (Engine.IO
// has its own). Handlers hold the shared state, so they never outlive it.
#include "ws_client.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <stdexcept>

namespace sio::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Listener& listener) : ws(io), listener(listener) {}

  void fail(beast::error_code ec, const char* stage) {
    if (closed) return;
    closed = true;
    open = false;
    beast::error_code ignored;
    ws.next_layer().close(ignored);
    listener.onFailed(std::string(stage) + ": " + ec.message());
  }

  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, size_t size) {
      if (self->closed) return;
      if (ec) return self->fail(ec, "read");
      auto data = self->buffer.cdata();
      self->listener.onMessage(std::string_view(static_cast<const char*>(data.data()), size));
      self->buffer.consume(size);
      if (!self->closed) self->read();
    });
  }

  void writeNext() {
    writing = true;
    ws.async_write(asio::buffer(queue.front()),
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     self->writing = false;
                     if (self->closed) return;
                     if (ec) return self->fail(ec, "write");
                     self->queue.pop_front();
                     if (!self->queue.empty())
                       self->writeNext();
                     else if (self->closeWhenWritten)
                       self->close();
                   });
  }

  void close() {
    if (closed) return;
    closed = true;
    open = false;
    beast::error_code ignored;
    ws.next_layer().set_option(asio::socket_base::linger(true, 0), ignored);
    ws.next_layer().close(ignored);
  }

  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> queue;
  Listener& listener;
  std::string host, target;
  bool open = false, closed = false, writing = false, closeWhenWritten = false;
};

WsClient::WsClient(asio::io_context& io, Listener& listener)
    : impl_(std::make_shared<Impl>(io, listener)) {}

WsClient::~WsClient() {
  impl_->close();
}

void WsClient::connect(const tcp::endpoint& endpoint, const TargetUrl& url, std::string target) {
  Impl& impl = *impl_;
  impl.host = url.hostHeader();
  impl.target = target.empty() ? url.websocketTarget() : std::move(target);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  impl.ws.set_option(timeouts);
  impl.ws.auto_fragment(false);
  impl.ws.next_layer().async_connect(endpoint, [self = impl_](beast::error_code ec) {
    if (self->closed) return;
    if (ec) return self->fail(ec, "connect");
    self->ws.next_layer().set_option(tcp::no_delay(true), ec);
    self->ws.async_handshake(self->host, self->target, [self](beast::error_code ec) {
      if (self->closed) return;
      if (ec) return self->fail(ec, "upgrade");
      self->open = true;
      self->ws.text(true);
      self->read();
      self->listener.onOpen();
      if (!self->closed && !self->writing && !self->queue.empty()) self->writeNext();
    });
  });
}

void WsClient::send(std::string text) {
  Impl& impl = *impl_;
  if (impl.closed) return;
  impl.queue.push_back(std::move(text));
  if (!impl.writing && impl.open) impl.writeNext();
}

void WsClient::close() {
  impl_->close();
}

void WsClient::closeAfterWrites() {
  Impl& impl = *impl_;
  if (impl.queue.empty() && !impl.writing)
    impl.close();
  else
    impl.closeWhenWritten = true;
}

bool WsClient::isOpen() const {
  return impl_->open;
}

std::vector<tcp::endpoint> resolveHost(const TargetUrl& url) {
  asio::io_context io;
  tcp::resolver resolver(io);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : resolver.resolve(url.host, std::to_string(url.port)))
    endpoints.push_back(entry.endpoint());
  return endpoints;
}

tcp::endpoint firstEndpoint(const TargetUrl& url) {
  auto endpoints = resolveHost(url);
  if (endpoints.empty()) throw std::runtime_error("cannot resolve " + url.host);
  return endpoints.front();
}

}  // namespace sio::bench
