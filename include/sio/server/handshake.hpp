// The handshake details of a socket (Node's `socket.handshake`): the request that opened its
// Engine.IO connection plus the auth payload of its CONNECT packet. The request is shared
// with the connection (and the client's other sockets), never copied; headers and query
// become Values only when asked for.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sio/codec/value.hpp"
#include "sio/engine/request.hpp"

namespace sio {

struct Handshake {
  std::shared_ptr<const engine::Request> request;  // the connection's opening request
  int64_t issued = 0;                              // ms since the epoch
  Value auth;                                      // object ({} when none)

  // object: lower-case name -> value (a repeated header joined with ", ", as Node does)
  Value headers() const;
  // as JS Date.toString() writes `issued` (in UTC)
  std::string time() const;
  std::string_view address() const;  // remote address
  bool xdomain() const;              // an Origin header was sent
  bool secure() const;
  std::string_view url() const;
  // object: key -> value (a repeated key as an array of its values)
  Value query() const;

  // {headers, time, address, xdomain, secure, issued, url, query, auth}
  Value toValue() const;
};

}  // namespace sio
