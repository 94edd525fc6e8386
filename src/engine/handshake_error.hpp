// Engine.IO's request errors: the codes and exact messages Node answers with (as JSON
// `{"code":N,"message":"…"}` on HTTP, as plain text on a refused WebSocket upgrade).
#pragma once

#include <string>
#include <string_view>

namespace sio::engine {

enum class HandshakeError {
  UnknownTransport = 0,
  UnknownSid = 1,
  BadHandshakeMethod = 2,
  BadRequest = 3,
  Forbidden = 4,
  UnsupportedProtocolVersion = 5,
};

inline std::string_view defaultMessage(HandshakeError error) {
  switch (error) {
    case HandshakeError::UnknownTransport:
      return "Transport unknown";
    case HandshakeError::UnknownSid:
      return "Session ID unknown";
    case HandshakeError::BadHandshakeMethod:
      return "Bad handshake method";
    case HandshakeError::BadRequest:
      return "Bad request";
    case HandshakeError::Forbidden:
      return "Forbidden";
    case HandshakeError::UnsupportedProtocolVersion:
      return "Unsupported protocol version";
  }
  return "Bad request";
}

struct Rejection {
  HandshakeError error;
  std::string message;  // empty: the default message
};

}  // namespace sio::engine
