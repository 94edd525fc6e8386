// The WebSocket transport that frames by itself (the default: no permessage-deflate, no
// TLS), created once Beast has answered the upgrade handshake. Included by
// websocket_transport.cpp, which does the handshake and picks a transport.
#pragma once
#include <memory>
#include <string>

#include "connection_socket.hpp"
#include "http_endpoint.hpp"
#include "transport.hpp"

namespace sio::engine {

// Takes over an upgraded connection; `preread` holds bytes already read past the handshake.
std::shared_ptr<Transport> makeFramedWebSocketTransport(ConnectionSocket socket,
                                                        std::string preread,
                                                        const WebSocketSettings& settings);

}  // namespace sio::engine
