// sio-bench: a TCP connection driven byte by byte, for the clients no library would write:
// half an HTTP request, an upgrade request cut after any step, a hand-masked WebSocket
// frame. Connect, write bytes, read up to a delimiter, close with a FIN or a reset.
// The state is shared with the pending operations, so the object may be destroyed at any
// time on its io_context's thread (it resets the connection; no handler follows).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "tcp_close.hpp"

namespace sio::bench {

class RawConnection {
 public:
  // `error` is empty on success.
  using Done = std::function<void(std::string_view error)>;
  using Text = std::function<void(std::string_view error, std::string_view text)>;

  explicit RawConnection(boost::asio::io_context& io);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void connect(const boost::asio::ip::tcp::endpoint& endpoint, Done done);
  void write(std::string bytes, Done done);
  // Reads until `delimiter` (e.g. the blank line after HTTP headers); `text` is what came
  // up to and including it.
  void readUntil(std::string delimiter, Text done);
  // No handler is called afterwards.
  void close(TcpClose how);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// A client's WebSocket text frame: FIN, opcode 1, masked with a fixed key (RFC 6455 §5.3
// wants it unpredictable to proxies; a server only has to unmask it).
std::string maskedTextFrame(std::string_view payload);

}  // namespace sio::bench
