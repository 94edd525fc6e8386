// sio-bench: a Socket.IO v4 client connection on the main namespace, over WebSocket only:
// waits for the Engine.IO open packet, sends CONNECT (`40`), reports the connection once
// the server answers `40{"sid":…}`, answers Engine.IO pings, and hands every other
// Socket.IO packet (the text after the Engine.IO `4`, e.g. `2["b",1,2]`) to its owner.
#pragma once

#include <string>
#include <string_view>

#include "ws_client.hpp"

namespace sio::bench {

class SioClient final : private WsClient::Listener {
 public:
  class Owner {
   public:
    virtual void onConnected(SioClient& client) = 0;
    // A Socket.IO packet on the main namespace other than CONNECT; `packet` starts with
    // its type digit. Hot path: keep it cheap.
    virtual void onPacket(SioClient& client, std::string_view packet) = 0;
    virtual void onFailed(SioClient& client, std::string_view what) = 0;

   protected:
    ~Owner() = default;
  };

  SioClient(boost::asio::io_context& io, Owner& owner) : ws_(io, *this), owner_(owner) {}

  void connect(const boost::asio::ip::tcp::endpoint& endpoint, const TargetUrl& url) {
    ws_.connect(endpoint, url);
  }
  // Sends one Socket.IO packet (without the Engine.IO `4`, which is added here).
  void sendPacket(std::string_view packet);
  void close(TcpClose how = TcpClose::Reset) { ws_.close(how); }
  // The WebSocket connection underneath (to stop reading it, or to end it otherwise).
  WsClient& transport() { return ws_; }
  bool connected() const { return connected_; }

 private:
  void onOpen() override {}
  void onMessage(std::string_view text) override;
  void onFailed(std::string_view what) override;
  void fail(std::string what);

  WsClient ws_;
  Owner& owner_;
  bool opened_ = false;     // Engine.IO open packet received
  bool connected_ = false;  // Socket.IO CONNECT acknowledged
};

}  // namespace sio::bench
