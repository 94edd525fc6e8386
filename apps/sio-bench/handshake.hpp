// sio-bench: one Socket.IO handshake on a new connection, as the `connect` workload repeats
// it. Over WebSocket: upgrade, Engine.IO open, CONNECT, `40{"sid":…}`. Over polling then
// upgrade, as socket.io-client does it: GET (open packet, sid), POST `40`, GET
// (`40{"sid":…}`), WebSocket with the sid, `2probe` / `3probe`, `5`; then one
// `message-with-ack` over the upgraded transport proves the upgrade took effect.
// `done` is called once (an empty error on success) and the connections are then closed.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string_view>

#include "target_url.hpp"

namespace sio::bench {

class Handshake {
 public:
  using Done = std::function<void(std::string_view error)>;
  virtual ~Handshake() = default;
  virtual void start() = 0;
};

std::unique_ptr<Handshake> makeWebSocketHandshake(boost::asio::io_context& io,
                                                  const boost::asio::ip::tcp::endpoint& endpoint,
                                                  const TargetUrl& url, Handshake::Done done);

std::unique_ptr<Handshake> makePollingHandshake(boost::asio::io_context& io,
                                                const boost::asio::ip::tcp::endpoint& endpoint,
                                                const TargetUrl& url, Handshake::Done done);

}  // namespace sio::bench
