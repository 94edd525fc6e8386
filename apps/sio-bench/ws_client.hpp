// sio-bench: one WebSocket client connection (plain Asio behind a pointer, frames by
// ws_frame.hpp): connect + upgrade, one read always pending (until stopReading(), for
// clients that play dead), every frame a read brought handed to a listener as a view in
// that wake-up, sends framed into one buffer written once per turn; it ends with a reset,
// a FIN or a closing handshake.
// The connection's state is shared with its pending operations, so the object may be
// destroyed at any time on its io_context's thread (it closes first; no call follows).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "target_url.hpp"
#include "tcp_close.hpp"

namespace sio::bench {

class WsClient {
 public:
  class Listener {
   public:
    virtual void onOpen() = 0;
    // A text (or binary) message; the view lives until the call returns.
    virtual void onMessage(std::string_view text) = 0;
    // The connection failed or ended (not called after close()).
    virtual void onFailed(std::string_view what) = 0;

   protected:
    ~Listener() = default;
  };

  WsClient(boost::asio::io_context& io, Listener& listener);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // `target` is the HTTP target of the upgrade; empty means url.websocketTarget().
  void connect(const boost::asio::ip::tcp::endpoint& endpoint, const TargetUrl& url,
               std::string target = {});
  void send(std::string_view text);
  // Sends one text message made of `head` then `body` (no concatenated copy is made).
  void sendParts(std::string_view head, std::string_view body);
  // Ends the connection at once, without a WebSocket close frame: with a TCP reset by
  // default (no TIME_WAIT left behind, so that hundreds of thousands of connections do not
  // exhaust the ports), or with a plain TCP close (FIN). No listener call follows.
  void close(TcpClose how = TcpClose::Reset);
  // close() once every queued message has been written.
  void closeAfterWrites();
  // The WebSocket closing handshake (close frame 1000, the server's close frame, then the
  // TCP close); `done` is called once, with an empty error when the handshake completed.
  // No listener call follows. close() or destroying the client abandons it (a reset; no
  // `done`).
  void closeHandshake(std::function<void(std::string_view error)> done);
  bool isOpen() const;

  // The connection's receive buffer (SO_RCVBUF) in bytes, set before connect(): a client
  // that stops reading then pushes back on the server after that much (default: the
  // kernel's autotuning, up to megabytes).
  void setReceiveBuffer(int bytes);
  // Reads no more frames once the pending read completed (call it from a listener call to
  // stop at once): what the server sends piles up in the kernel's buffers, as with a client
  // that is stuck. Writes go on.
  void stopReading();
  // Messages queued or being written (0: nothing is waiting to be written).
  size_t queuedWrites() const;
  // After stopReading(): reads the raw bytes under the WebSocket layer again and discards
  // them; `chunk(n, "")` for every chunk read, then `chunk(0, reason)` once when the
  // connection ended ("end of file" when the server closed it, "connection reset", …).
  void readRawUntilEnd(std::function<void(size_t bytes, std::string_view ended)> chunk);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Resolves a host name (synchronously; done once, before the run).
std::vector<boost::asio::ip::tcp::endpoint> resolveHost(const TargetUrl& url);

// The first address of the URL's host; throws std::runtime_error when there is none.
boost::asio::ip::tcp::endpoint firstEndpoint(const TargetUrl& url);

}  // namespace sio::bench
