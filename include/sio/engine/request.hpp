// The HTTP request that opened an Engine.IO session (or any request routed to it):
// method, URL, parsed query, headers with lower-case names, the client's and the TCP
// peer's addresses, and whether it came over TLS.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/codec/query_string.hpp"

namespace sio::engine {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string url;     // the request target as sent, e.g. "/engine.io/?EIO=4&transport=polling"
  std::string path;    // the target without its query
  codec::QueryParams query;
  HeaderList headers;         // names in lower case, in the order received
  std::string remoteAddress;  // the client (from X-Forwarded-For with trustProxy)
  std::string peerAddress;    // the TCP peer: the client, or the proxy in front of it
  bool secure = false;        // HTTPS/WSS (from X-Forwarded-Proto with trustProxy)

  // The first value of a header (name in lower case), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& [key, value] : headers)
      if (key == name) return &value;
    return nullptr;
  }
  const std::string* param(std::string_view key) const { return codec::findParam(query, key); }
};

}  // namespace sio::engine
