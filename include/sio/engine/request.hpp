// The HTTP request that opened an Engine.IO session (or any request routed to it):
// method, URL, parsed query, headers with lower-case names, the client's and the TCP
// peer's addresses, and whether it came over TLS. Its headers and query are packed
// (FieldList): a session keeps its opening request for as long as it lives.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/codec/query_string.hpp"
#include "sio/engine/field_list.hpp"

namespace sio::engine {

// Headers of a response (and extra headers handed to a transport).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string url;     // the request target as sent, e.g. "/engine.io/?EIO=4&transport=polling"
  std::string path;    // the target without its query
  FieldList query;     // decoded parameters in order (assignable from a codec::QueryParams)
  FieldList headers;   // names in lower case, in the order received
  std::string remoteAddress;  // the client (from X-Forwarded-For with trustProxy)
  std::string peerAddress;    // the TCP peer: the client, or the proxy in front of it
  bool secure = false;        // HTTPS/WSS (from X-Forwarded-Proto with trustProxy)

  // The first value of a header (name in lower case), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const { return headers.find(name); }
  // The first value of a query parameter, or nullopt.
  std::optional<std::string_view> param(std::string_view key) const { return query.find(key); }
};

}  // namespace sio::engine
