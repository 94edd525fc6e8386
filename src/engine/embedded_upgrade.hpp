// The hand-over of a WebSocket upgrade that an application's own HTTP server parsed
// (engine::handleUpgrade): the TCP socket, the parsed request and any bytes read after its
// headers. Defined with the WebSocket transport, so this header stays free of Beast.
#pragma once

#include <memory>
#include <string>

#include "connection_socket.hpp"
#include "http_endpoint.hpp"

namespace sio::engine {

std::shared_ptr<PendingUpgrade> makeEmbeddedUpgrade(ConnectionSocket socket, Request request,
                                                    std::string head);

}  // namespace sio::engine
