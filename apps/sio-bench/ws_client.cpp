// sio-bench: the WebSocket client on Boost.Beast, the program's only translation unit that
// includes Beast. A plain tcp::socket under the stream (no tcp_stream timer per operation),
// no permessage-deflate, TCP_NODELAY, no WebSocket keep-alive pings (Engine.IO has its own).
#include "ws_client.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

namespace sio::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsClient::Impl {
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
    ws.async_read(buffer, [this](beast::error_code ec, size_t size) {
      if (closed) return;
      if (ec) return fail(ec, "read");
      auto data = buffer.cdata();
      listener.onMessage(std::string_view(static_cast<const char*>(data.data()), size));
      buffer.consume(size);
      if (!closed) read();
    });
  }

  void writeNext() {
    writing = true;
    ws.async_write(asio::buffer(queue.front()), [this](beast::error_code ec, size_t) {
      writing = false;
      if (closed) return;
      if (ec) return fail(ec, "write");
      queue.pop_front();
      if (!queue.empty()) writeNext();
    });
  }

  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> queue;
  Listener& listener;
  TargetUrl url;
  bool open = false, closed = false, writing = false;
};

WsClient::WsClient(asio::io_context& io, Listener& listener)
    : impl_(std::make_unique<Impl>(io, listener)) {}

WsClient::~WsClient() = default;

void WsClient::connect(const tcp::endpoint& endpoint, const TargetUrl& url) {
  Impl& impl = *impl_;
  impl.url = url;
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  impl.ws.set_option(timeouts);
  impl.ws.auto_fragment(false);
  impl.ws.next_layer().async_connect(endpoint, [&impl](beast::error_code ec) {
    if (impl.closed) return;
    if (ec) return impl.fail(ec, "connect");
    impl.ws.next_layer().set_option(tcp::no_delay(true), ec);
    impl.ws.async_handshake(impl.url.hostHeader(), impl.url.websocketTarget(),
                            [&impl](beast::error_code ec) {
                              if (impl.closed) return;
                              if (ec) return impl.fail(ec, "upgrade");
                              impl.open = true;
                              impl.ws.text(true);
                              impl.read();
                              impl.listener.onOpen();
                              if (!impl.closed && !impl.writing && !impl.queue.empty())
                                impl.writeNext();
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
  Impl& impl = *impl_;
  if (impl.closed) return;
  impl.closed = true;
  impl.open = false;
  beast::error_code ignored;
  impl.ws.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
  impl.ws.next_layer().close(ignored);
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

}  // namespace sio::bench
