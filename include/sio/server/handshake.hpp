// The handshake details of a socket (Node's `socket.handshake`), taken from the request
// that opened its Engine.IO connection plus the auth payload of its CONNECT packet.
#pragma once

#include <cstdint>
#include <string>

#include "sio/codec/value.hpp"

namespace sio {

struct Handshake {
  Value headers;         // object: lower-case name -> value
  std::string time;      // as JS Date.toString()
  std::string address;   // remote address
  bool xdomain = false;  // an Origin header was sent
  bool secure = false;
  int64_t issued = 0;  // ms since the epoch
  std::string url;
  Value query;  // object
  Value auth;   // object ({} when none)

  // {headers, time, address, xdomain, secure, issued, url, query, auth}
  Value toValue() const;
};

}  // namespace sio
