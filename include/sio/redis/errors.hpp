// Transport-level failures of the Redis client, as std::error_codes (category "sio.redis").
// A command's own `-ERR` reply is not one of these: it arrives as a Reply of type Error.
#pragma once

#include <system_error>

namespace sio::redis {

enum class Errc {
  ConnectionLost = 1,  // written, but the connection broke before the reply: it may have run
  OfflineQueueFull,    // disconnected and the offline queue is at its bound
  Closed,              // the client was closed
  ProtocolError,       // the server sent something that is not RESP
  HandshakeFailed,     // AUTH / SELECT / CLIENT SETNAME (or TLS) failed
  NoMaster,            // Sentinel: no sentinel knows the master; Cluster: no node for a slot
  TooManyRedirects,    // Cluster: MOVED/ASK/TRYAGAIN went on too long
  ServerError,         // the command got an error reply (for callers that want an error_code)
  NotSent,             // sendUnlessDisconnected: the link broke before it was written
};

const std::error_category& errorCategory();

inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), errorCategory()};
}

}  // namespace sio::redis

template <>
struct std::is_error_code_enum<sio::redis::Errc> : std::true_type {};
