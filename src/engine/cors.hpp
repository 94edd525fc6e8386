// CORS headers for Engine.IO's HTTP responses, as the `cors` npm package sets them, and
// the answer to a preflight OPTIONS request.
#pragma once

#include "sio/engine/options.hpp"
#include "sio/engine/response.hpp"

namespace sio::engine {

bool isPreflight(const Request& request);

// Adds the headers of a simple (non-preflight) cross-origin response.
void addCorsHeaders(const CorsOptions& cors, const Request& request, HttpResponse& response);

// The full response to a preflight request (204, no body).
HttpResponse preflightResponse(const CorsOptions& cors, const Request& request);

}  // namespace sio::engine
