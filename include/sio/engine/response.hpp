// An HTTP response as the engine (or an application's fallback handler) builds it;
// the HTTP layer adds Content-Length and connection headers.
#pragma once

#include <string>

#include "sio/engine/request.hpp"

namespace sio::engine {

struct HttpResponse {
  unsigned status = 200;
  HeaderList headers;
  std::string body;

  HttpResponse& set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace sio::engine
