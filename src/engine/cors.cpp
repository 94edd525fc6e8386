// CORS as the `cors` npm package does it: `*` by default, or the request's Origin echoed
// back when it is allowed (with `Vary: Origin`); credentials, exposed headers, and for
// preflights the allowed methods, headers and max-age.
#include "cors.hpp"

#include <algorithm>

namespace sio::engine {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

bool allowsAnyOrigin(const CorsOptions& cors) {
  return !cors.originPredicate && cors.origin.size() == 1 && cors.origin[0] == "*";
}

void addOriginHeaders(const CorsOptions& cors, const Request& request, HttpResponse& response) {
  if (allowsAnyOrigin(cors)) {
    response.set("Access-Control-Allow-Origin", "*");
    return;
  }
  auto origin = request.header("origin");
  bool allowed =
      origin && ((cors.originPredicate && cors.originPredicate(*origin)) ||
                 std::find(cors.origin.begin(), cors.origin.end(), *origin) != cors.origin.end());
  if (allowed) response.set("Access-Control-Allow-Origin", std::string(*origin));
  response.set("Vary", "Origin");
}

}  // namespace

bool isPreflight(const Request& request) {
  return request.method() == "OPTIONS" &&
         request.header("access-control-request-method").has_value();
}

void addCorsHeaders(const CorsOptions& cors, const Request& request, HttpResponse& response) {
  addOriginHeaders(cors, request, response);
  if (cors.credentials) response.set("Access-Control-Allow-Credentials", "true");
  if (!cors.exposedHeaders.empty())
    response.set("Access-Control-Expose-Headers", join(cors.exposedHeaders));
}

HttpResponse preflightResponse(const CorsOptions& cors, const Request& request) {
  HttpResponse response;
  response.status = 204;
  addOriginHeaders(cors, request, response);
  if (cors.credentials) response.set("Access-Control-Allow-Credentials", "true");
  response.set("Access-Control-Allow-Methods", cors.methods);
  if (!cors.allowedHeaders.empty()) {
    response.set("Access-Control-Allow-Headers", join(cors.allowedHeaders));
  } else {
    if (auto asked = request.header("access-control-request-headers"); asked && !asked->empty())
      response.set("Access-Control-Allow-Headers", std::string(*asked));
    response.set("Vary", "Access-Control-Request-Headers");
  }
  if (cors.maxAge) response.set("Access-Control-Max-Age", std::to_string(*cors.maxAge));
  if (!cors.exposedHeaders.empty())
    response.set("Access-Control-Expose-Headers", join(cors.exposedHeaders));
  return response;
}

}  // namespace sio::engine
