// The WebSocket transport that frames by itself (the default: no permessage-deflate, no
// TLS), created once Beast has answered the upgrade handshake. Included by
// websocket_transport.cpp, which does the handshake and picks a transport.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "http_endpoint.hpp"
#include "transport.hpp"

namespace sio::engine {

// Takes over an upgraded connection; `preread` holds bytes already read past the handshake.
std::shared_ptr<Transport> makeFramedWebSocketTransport(boost::asio::ip::tcp::socket socket,
                                                        std::string preread,
                                                        const WebSocketSettings& settings);

}  // namespace sio::engine
