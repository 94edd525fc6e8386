// sio-bench: one WebSocket client connection (Boost.Beast behind a pointer, so that only
// ws_client.cpp compiles Beast's templates): connect + upgrade, one read always pending,
// text frames handed to a listener as views, writes queued one at a time.
// The owner keeps the object alive until its io_context has run out of work.
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

  void connect(const boost::asio::ip::tcp::endpoint& endpoint, const TargetUrl& url);
  void send(std::string text);
  // Ends the connection at once (no close handshake); no listener call follows.
  void close();
  bool isOpen() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Resolves a host name (synchronously; done once, before the run).
std::vector<boost::asio::ip::tcp::endpoint> resolveHost(const TargetUrl& url);

}  // namespace sio::bench
