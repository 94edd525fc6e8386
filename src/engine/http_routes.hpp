// What an HTTP connection needs from its server: the endpoints by path prefix, the
// handlers of exact paths, the fallback handler and the HTTP options. Shared by the listener and
// its connections.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http_endpoint.hpp"
#include "sio/engine/http_server.hpp"

namespace sio::engine {

struct HttpRoutes {
  HttpServerOptions options;
  std::vector<std::weak_ptr<HttpEndpoint>> endpoints;
  HttpServer::FallbackHandler fallback;
  // Handlers of exact paths (metrics, health), before the fallback.
  std::map<std::string, HttpServer::FallbackHandler, std::less<>> handlers;

  const HttpServer::FallbackHandler* handlerFor(std::string_view path) const {
    auto it = handlers.find(path);
    return it == handlers.end() ? nullptr : &it->second;
  }

  std::shared_ptr<HttpEndpoint> find(std::string_view path) const {
    for (const auto& weak : endpoints)
      if (auto endpoint = weak.lock(); endpoint && endpoint->matches(path)) return endpoint;
    return nullptr;
  }

  // The largest body any endpoint accepts (the parser's limit before routing).
  size_t maxBodyLimit() const {
    size_t limit = 1'000'000;
    for (const auto& weak : endpoints)
      if (auto endpoint = weak.lock()) limit = std::max(limit, endpoint->bodyLimit());
    return limit;
  }
};

}  // namespace sio::engine
