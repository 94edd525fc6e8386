// The WebSocket transport (Boost.Beast) and the hand-off of an upgrade request to it.
// Included only by the two Beast translation units (http_connection.cpp and
// websocket_transport.cpp); everything else sees Transport and PendingUpgrade.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>

#include "connection_stream.hpp"
#include "http_endpoint.hpp"

namespace sio::engine {

// Takes over a connection whose request asked for a WebSocket upgrade.
std::shared_ptr<PendingUpgrade> makePendingUpgrade(
    ConnectionStream stream,
    boost::beast::http::request<boost::beast::http::string_body> httpRequest, Request request);

}  // namespace sio::engine
