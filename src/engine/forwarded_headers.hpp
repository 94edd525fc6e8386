// Reverse-proxy headers (HttpServerOptions::trustProxy): the client address from
// X-Forwarded-For, counting the trusted proxy hops from the right, and the scheme from
// X-Forwarded-Proto. Entries that are not IP addresses are never trusted.
#pragma once

#include <cstddef>

#include "sio/engine/request.hpp"

namespace sio::engine {

// Sets request.remoteAddress() and request.secure() from the forwarded headers, when present
// and valid; request.peerAddress() (the proxy) is left as it is.
void applyForwardedHeaders(Request& request, std::size_t trustedProxyHops);

}  // namespace sio::engine
