// One accepted connection as a byte stream for Beast: a TCP socket (a ConnectionSocket), or
// TLS over it when the listener serves HTTPS/WSS. Reads and writes go to whichever layer is
// on top; socket() is always the TCP socket (options, close, reset). The TLS context is
// shared with the listener and kept alive here, so a reload of the certificate affects only new
// connections. Bytes already read from the socket by someone else (an application's own
// HTTP server handing over an upgrade) are served first. Included only by the Beast
// translation units of the engine.
#pragma once

#include <algorithm>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <memory>
#include <string>
#include <utility>

#include "connection_socket.hpp"

namespace sio::engine {

class ConnectionStream {
 public:
  using TlsStream = boost::asio::ssl::stream<ConnectionSocket>;
  using executor_type = ConnectionSocket::executor_type;

  explicit ConnectionStream(ConnectionSocket socket) : plain_(std::move(socket)) {}
  ConnectionStream(ConnectionSocket socket, std::shared_ptr<boost::asio::ssl::context> context)
      : plain_(socket.get_executor()),
        context_(std::move(context)),
        tls_(std::make_unique<TlsStream>(std::move(socket), *context_)) {}
  ConnectionStream(ConnectionStream&&) = default;

  bool secure() const { return tls_ != nullptr; }
  ConnectionSocket& socket() { return tls_ ? tls_->next_layer() : plain_; }
  const ConnectionSocket& socket() const { return tls_ ? tls_->next_layer() : plain_; }
  executor_type get_executor() { return plain_.get_executor(); }

  // The server side of the TLS handshake (only when secure()).
  template <class Handler>
  void async_handshake(Handler&& handler) {
    tls_->async_handshake(boost::asio::ssl::stream_base::server, std::forward<Handler>(handler));
  }

  // Bytes that were read from the socket before it came here; reads return them first.
  void setPreread(std::string bytes) { preread_ = std::move(bytes); }
  // Takes those bytes (for a reader that reads the socket directly).
  std::string takePreread() { return std::exchange(preread_, std::string()); }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& data) {
          if (!preread_.empty()) {
            std::size_t size = boost::asio::buffer_copy(data, boost::asio::buffer(preread_));
            preread_.erase(0, size);
            auto executor = boost::asio::get_associated_executor(handler, get_executor());
            return boost::asio::post(executor, [handler = std::move(handler), size]() mutable {
              handler(boost::system::error_code{}, size);
            });
          }
          if (tls_) return tls_->async_read_some(data, std::move(handler));
          plain_.async_read_some(data, std::move(handler));
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& data) {
          if (tls_) return tls_->async_write_some(data, std::move(handler));
          plain_.async_write_some(data, std::move(handler));
        },
        token, buffers);
  }

  // Beast's WebSocket close: TLS close_notify then TCP, or TCP alone.
  template <class Handler>
  void asyncTeardown(boost::beast::role_type role, Handler&& handler) {
    if (tls_) return boost::beast::async_teardown(role, *tls_, std::forward<Handler>(handler));
    boost::beast::websocket::async_teardown(role, plain_, std::forward<Handler>(handler));
  }
  void teardown(boost::beast::role_type role, boost::system::error_code& ec) {
    if (tls_) return boost::beast::teardown(role, *tls_, ec);
    boost::beast::websocket::teardown(role, plain_, ec);
  }

 private:
  ConnectionSocket plain_;  // the connection when plain; unused (never opened) under TLS
  std::shared_ptr<boost::asio::ssl::context> context_;
  std::unique_ptr<TlsStream> tls_;
  std::string preread_;
};

// Beast closes the lowest layer of a stream when an operation fails or times out.
inline void beast_close_socket(ConnectionStream& stream) {
  boost::system::error_code ignored;
  stream.socket().close(ignored);
}

}  // namespace sio::engine
