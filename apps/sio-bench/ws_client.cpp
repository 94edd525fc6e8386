// sio-bench: the WebSocket client on Boost.Beast, the program's only translation unit that
// includes Beast's WebSocket. A plain tcp::socket under the stream (no tcp_stream timer per
// operation), no permessage-deflate, TCP_NODELAY, no WebSocket keep-alive pings (Engine.IO
// has its own). Handlers hold the shared state, so they never outlive it. A stuck client's
// last read goes below Beast, to the raw socket, to see whether the server closed it.
#include "ws_client.hpp"

#include <algorithm>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <stdexcept>
#include <utility>
#include <vector>

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
    std::string what = std::string(stage) + ": " + ec.message();
    if (closeDone) return std::exchange(closeDone, nullptr)(what);
    if (rawChunk) std::exchange(rawChunk, nullptr)(0, what);  // e.g. a pending write failed
    listener.onFailed(what);
  }

  void read() {
    reading = true;
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, size_t size) {
      self->reading = false;
      if (self->closed || self->closeDone) return;  // closing: the close handshake reads
      if (ec) return self->fail(ec, "read");
      auto data = self->buffer.cdata();
      self->listener.onMessage(std::string_view(static_cast<const char*>(data.data()), size));
      self->buffer.consume(size);
      if (self->closed) return;
      if (self->rawChunk)
        self->readRaw();
      else if (!self->paused)
        self->read();
    });
  }

  // Below the WebSocket layer: what Beast had buffered counts as read, then raw reads.
  void readRaw() {
    if (buffer.size() > 0) {
      const size_t buffered = buffer.size();
      buffer.consume(buffered);
      rawChunk(buffered, {});
      if (closed) return;
    }
    rawBuffer.resize(64 * 1024);
    ws.next_layer().async_read_some(
        asio::buffer(rawBuffer), [self = shared_from_this()](beast::error_code ec, size_t size) {
          if (self->closed) return;
          if (ec) {
            auto chunk = std::move(self->rawChunk);
            self->close(TcpClose::Reset);
            return chunk(0, ec == asio::error::eof ? "end of file" : ec.message());
          }
          self->rawChunk(size, {});
          if (!self->closed) self->readRaw();
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
                     else if (self->closeDone)
                       self->startCloseHandshake();
                     else if (self->closeWhenWritten)
                       self->close(TcpClose::Reset);
                   });
  }

  // Once the queue is written: close frame out, the server's close frame in, TCP closed.
  void startCloseHandshake() {
    ws.async_close(websocket::close_code::normal,
                   [self = shared_from_this()](beast::error_code ec) {
                     if (self->closed) return;
                     if (ec) return self->fail(ec, "close handshake");
                     self->closed = true;
                     beast::error_code ignored;
                     self->ws.next_layer().close(ignored);
                     std::exchange(self->closeDone, nullptr)({});
                   });
  }

  void close(TcpClose how) {
    if (closed) return;
    closed = true;
    open = false;
    closeDone = nullptr;  // a close handshake in progress is abandoned
    beast::error_code ignored;
    auto& socket = ws.next_layer();
    if (how == TcpClose::Reset) {
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
    } else {
      // Unread bytes at close() would make the kernel send a reset instead of a FIN.
      char scratch[16 * 1024];
      for (size_t n = socket.available(ignored); n > 0 && !ignored; n = socket.available(ignored))
        socket.read_some(asio::buffer(scratch, std::min(n, sizeof scratch)), ignored);
    }
    socket.close(ignored);
  }

  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> queue;
  Listener& listener;
  std::string host, target;
  std::vector<char> rawBuffer;
  std::function<void(size_t, std::string_view)> rawChunk;
  std::function<void(std::string_view)> closeDone;  // set while closing with a handshake
  int receiveBuffer = 0;
  bool open = false, closed = false, writing = false, closeWhenWritten = false, paused = false,
       reading = false;
};

WsClient::WsClient(asio::io_context& io, Listener& listener)
    : impl_(std::make_shared<Impl>(io, listener)) {}

WsClient::~WsClient() {
  impl_->close(TcpClose::Reset);
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
  if (impl.receiveBuffer > 0) {
    beast::error_code ec;
    impl.ws.next_layer().open(endpoint.protocol(), ec);
    if (!ec)
      impl.ws.next_layer().set_option(asio::socket_base::receive_buffer_size(impl.receiveBuffer),
                                      ec);
  }
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
  if (impl.closed || impl.closeDone) return;
  impl.queue.push_back(std::move(text));
  if (!impl.writing && impl.open) impl.writeNext();
}

void WsClient::close(TcpClose how) {
  impl_->close(how);
}

void WsClient::closeAfterWrites() {
  Impl& impl = *impl_;
  if (impl.queue.empty() && !impl.writing)
    impl.close(TcpClose::Reset);
  else
    impl.closeWhenWritten = true;
}

void WsClient::closeHandshake(std::function<void(std::string_view error)> done) {
  Impl& impl = *impl_;
  if (impl.closed || !impl.open || impl.closeDone)
    return done(impl.closed ? "already closed" : "not open");
  impl.open = false;  // no listener call follows
  impl.closeDone = std::move(done);
  if (!impl.writing) impl.startCloseHandshake();  // else once the queue is written
}

void WsClient::setReceiveBuffer(int bytes) {
  impl_->receiveBuffer = bytes;
}

void WsClient::stopReading() {
  impl_->paused = true;
}

size_t WsClient::queuedWrites() const {
  return impl_->queue.size();
}

void WsClient::readRawUntilEnd(std::function<void(size_t bytes, std::string_view ended)> chunk) {
  Impl& impl = *impl_;
  if (impl.closed) return chunk(0, "already closed");
  impl.paused = true;
  impl.rawChunk = std::move(chunk);
  if (!impl.reading) impl.readRaw();  // else the pending read switches over when it completes
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
