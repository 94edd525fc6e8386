// How a client frames Engine.IO packets, read from the query of the request that opened
// its transport, as engine.io 6.6 reads it: the protocol revision (EIO=4 is 4, anything
// else 3, which needs allowEIO3), whether the client takes binary (no `b64` value; a v3
// client without binary gets binary packets in base64, also over WebSocket), and for
// polling whether it is JSONP (a `j` parameter: jsonp.hpp).
#pragma once

#include <optional>
#include <string>

#include "sio/engine/request.hpp"

namespace sio::engine {

struct WireFormat {
  int protocol = 4;
  bool supportsBinary = true;
  std::optional<std::string> jsonpIndex;  // JSONP polling: the digits of `j`
};

inline int protocolOf(const Request& request) {
  auto eio = request.param("EIO");
  return eio && *eio == "4" ? 4 : 3;
}

inline WireFormat wireFormatOf(const Request& request) {
  auto b64 = request.param("b64");
  WireFormat wire{protocolOf(request), !b64 || b64->empty(), std::nullopt};
  if (auto j = request.param("j")) {
    wire.jsonpIndex.emplace();
    for (char c : *j)
      if (c >= '0' && c <= '9') wire.jsonpIndex->push_back(c);
  }
  return wire;
}

}  // namespace sio::engine
