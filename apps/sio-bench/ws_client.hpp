// sio-bench: one WebSocket client connection (Boost.Beast behind a pointer, so that only
// ws_client.cpp compiles Beast's templates): connect + upgrade, one read always pending,
// text frames handed to a listener as views, writes queued one at a time.
// The connection's state is shared with its pending operations, so the object may be
// destroyed at any time on its io_context's thread (it closes first; no call follows).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "target_url.hpp"

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
  void send(std::string text);
  // Ends the connection at once with a TCP reset (no close handshake, no TIME_WAIT left
  // behind, so that hundreds of thousands of connections do not exhaust the ports); no
  // listener call follows.
  void close();
  // close() once every queued message has been written.
  void closeAfterWrites();
  bool isOpen() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Resolves a host name (synchronously; done once, before the run).
std::vector<boost::asio::ip::tcp::endpoint> resolveHost(const TargetUrl& url);

// The first address of the URL's host; throws std::runtime_error when there is none.
boost::asio::ip::tcp::endpoint firstEndpoint(const TargetUrl& url);

}  // namespace sio::bench
